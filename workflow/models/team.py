from django.db import models

from workflow.choices import ON_TEAM, AssignmentStatus

from .peers import Peer


class Assignment(models.Model):
    """A peer's place on a challenge team."""

    Status = AssignmentStatus
    ON_TEAM = ON_TEAM

    challenge = models.ForeignKey(
        "workflow.PeerChallenge", on_delete=models.CASCADE, related_name="assignments"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INVITED)
    is_lead = models.BooleanField(default=False)
    interests_declared = models.BooleanField(default=False)
    conflict_unresolved = models.BooleanField(default=False)
    days = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Half days allowed."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "peer"], name="one_assignment_per_peer")
        ]

    def __str__(self) -> str:
        return f"{self.peer} on {self.challenge}"
