from django.core.exceptions import ValidationError
from django.db import models

from core.one_line import line_breaks


class ChallengeType(models.Model):
    """A peer challenge product. Data, not code: the programme adds and tunes types in admin."""

    class IntakeMode(models.TextChoices):
        UNIVERSAL = "universal", "Universal offer"
        CYCLICAL = "cyclical_entitlement", "Entitlement on a cycle"
        TARGETED = "targeted", "Targeted"
        COMPETITIVE_BID = "competitive_bid", "Competitive bid"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    funder = models.CharField(max_length=120)
    intake_mode = models.CharField(
        max_length=24, choices=IntakeMode.choices, default=IntakeMode.UNIVERSAL
    )
    # [{"code": "...", "label": "...", "question": "..."}]: each case must cover all of them.
    mandatory_components = models.JSONField(default=list, blank=True)
    components_version = models.CharField(max_length=20, blank=True)
    # Team composition: peers in all (excluding the LGA challenge manager) and leads needed.
    min_peers = models.PositiveSmallIntegerField(default=1)
    max_peers = models.PositiveSmallIntegerField(default=8)
    requires_lead_member_peer = models.BooleanField(default=False)
    requires_lead_officer_peer = models.BooleanField(default=False)
    sends_surveys = models.BooleanField(default=True)
    publication_expected = models.BooleanField(default=True)
    # Not read yet: the coverage planner (reports) will use it to say when a council is due again.
    repeat_interval_months = models.PositiveSmallIntegerField(null=True, blank=True)
    requires_parent = models.BooleanField(
        default=False, help_text="A follow-up case: must link to the challenge it follows up."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The type's name is in the subject of most emails about a case.
        errors = dict(line_breaks(self, ("name",)))
        if errors:
            raise ValidationError(errors)
