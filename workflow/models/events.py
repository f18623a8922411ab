from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class CaseEventQuerySet(models.QuerySet):
    """Bulk writes would bypass the per-row guards below, so they are refused too."""

    def update(self, **kwargs):
        raise ValueError("Case events are immutable")

    def delete(self):
        raise ValueError("Case events are immutable")


class CaseEvent(models.Model):
    """The immutable audit timeline of a case: one row per state change or recorded edit."""

    challenge = models.ForeignKey(
        # PROTECT: a case with a history is withdrawn or closed, never deleted.
        "workflow.PeerChallenge",
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(max_length=80, db_index=True)  # dotted: "workflow.challenge.booked"
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        # A case's timeline in its order (the events API, the case page, the admin inline).
        indexes = [
            models.Index(fields=["challenge", "created_at", "id"], name="case_timeline_order"),
            # Every case's events in this order (the admin's list, newest first).
            models.Index(fields=["created_at", "id"], name="case_events_order"),
        ]

    def __str__(self) -> str:
        return f"{self.action} on {self.challenge_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Case events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Case events are immutable")
