"""Links in account emails, made when the email is rendered for sending.

A password reset row in the outbox holds the user's id, never the link: Django's reset token
is an HMAC over the user's password hash and last login, so it is made here, at send time,
and is useless once the password changes. A resend makes a fresh, equally valid link.
"""

from django import template
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

register = template.Library()


@register.simple_tag
def password_reset_url(notification) -> str:
    """The reset link for the row's user. Refuses (the row fails, nothing is sent) when the
    account is gone, inactive or has no usable password, or when the row's recipient is not
    the account's email address: the link only ever goes to the account's own address."""
    user = get_user_model().objects.get(pk=notification.context["user_id"])
    if not (user.is_active and user.has_usable_password()):
        raise ValueError("the account cannot reset its password")
    if (user.email or "").strip().lower() != notification.recipient_email.strip().lower():
        raise ValueError("the recipient is not the account's email address")
    path = reverse(
        "password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path
