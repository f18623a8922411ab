"""Who acts, as the services take them (`actor: User | None`)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request


def signed_in(request: HttpRequest | Request) -> User:
    """The request's user. Every view that acts has already turned away anyone not signed in
    (login_required, the roles), so this only narrows the type; were it ever reached by an
    anonymous request, it refuses (403) rather than act for no one."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
