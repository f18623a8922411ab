"""A person's private calendar feed (an ICS URL of their visits and deadlines). The URL is a
signed link over this row and its nonce (core/signed_links.py): revoking it is a new nonce."""

from django.conf import settings
from django.db import models

from core.signed_links import new_nonce


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
