from django.conf import settings
from django.db import models

from workflow.choices import PeerKind


class Peer(models.Model):
    """A councillor (member peer) or senior officer (officer peer) who serves on teams."""

    Kind = PeerKind

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    council = models.ForeignKey(
        "workflow.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    political_group = models.CharField(max_length=60, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    specialisms = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
