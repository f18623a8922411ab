"""API tokens that expire: a token older than API_TOKEN_TTL_HOURS is refused with a 401 that
says so, and POST /api/auth/token/ hands out a new one (the old key is deleted, so a token
copied from a log or a laptop stops working within the TTL at the latest)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException

EXPIRED = "The API token has expired: ask for a new one with POST /api/auth/token/."


class TokenExpired(APIException):
    # Not AuthenticationFailed: DRF turns that into a 403 when the first authentication class
    # (the session) sends no WWW-Authenticate header; an expired token is always a 401.
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = EXPIRED
    default_code = "token_expired"
    auth_header = "Token"


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise TokenExpired()
        return user, token


def token_for(user) -> Token:
    """The user's live token, a new one in place of an expired one (rotation)."""
    with transaction.atomic():
        token, created = Token.objects.select_for_update().get_or_create(user=user)
        if not created and token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
    return token
