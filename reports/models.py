"""What the programme's reporting keeps of its own (DESIGN.md §2: `reports` reads across apps;
nothing imports it but `peerchallenge`): the reporting groups and delivery targets the board's
figures are set against, the reasons recorded for councils not yet engaged, the findings of
each report tagged for the annual common-messages analysis, good practice, and the keys of
imported history."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from workflow.models.fsm import StateMachineMixin


class ReportingGroup(models.Model):
    """Types the board reports together, e.g. Corporate/Finance (DOMAIN.md §7.2)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    types = models.ManyToManyField("workflow.ChallengeType", related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class DeliveryTarget(models.Model):
    """Peer challenges to deliver in a financial year: in all (no group) or of one group."""

    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts.")
    group = models.ForeignKey(ReportingGroup, null=True, blank=True, on_delete=models.CASCADE)
    target = models.PositiveIntegerField()

    class Meta:
        ordering = ["-year", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(group__isnull=True), name="one_total_target_a_year"
            ),
            models.UniqueConstraint(
                fields=["year", "group"],
                condition=Q(group__isnull=False),
                name="one_group_target_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}: {self.target} ({self.group or 'all'})"


class CoverageNote(models.Model):
    """Why a council has not had a corporate peer challenge, or not lately (DOMAIN.md §7.2)."""

    council = models.OneToOneField(
        "workflow.Council", on_delete=models.CASCADE, related_name="coverage_note"
    )
    reason = models.TextField(max_length=2000, validators=[MaxLengthValidator(2000)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Coverage note for {self.council}"


class Theme(models.Model):
    """A theme of the common-messages taxonomy (DOMAIN.md §5.3), kept as data."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=150)
    component = models.CharField(
        max_length=40, help_text="The code of the core component the theme belongs to."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Polarity(models.TextChoices):
    STRENGTH = "strength", "Strength or effective practice"
    IMPROVEMENT = "improvement", "Area for further consideration and improvement"


class Finding(models.Model):
    """One finding of a case's report, tagged by core component, theme and polarity."""

    Polarity = Polarity

    challenge = models.ForeignKey(
        "workflow.PeerChallenge", on_delete=models.CASCADE, related_name="findings"
    )
    component = models.CharField(max_length=40)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="findings")
    polarity = models.CharField(max_length=12, choices=Polarity.choices)
    excerpt = models.TextField(max_length=1000, validators=[MaxLengthValidator(1000)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "component", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(polarity__in=Polarity.values), name="finding_polarity_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_polarity_display()}: {self.excerpt[:60]}"


class GoodPracticeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved by the council"
    PUBLISHED = "published", "Published"


class GoodPracticeSource(models.TextChoices):
    SURVEY = "survey", "The council's feedback survey (FB10)"
    MANAGER = "manager", "The challenge manager"


class GoodPractice(StateMachineMixin, models.Model):
    """A good-practice candidate: draft → approved by the council → published."""

    Status = GoodPracticeStatus
    Source = GoodPracticeSource

    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=5000, validators=[MaxLengthValidator(5000)])
    council = models.ForeignKey("workflow.Council", on_delete=models.PROTECT, related_name="+")
    challenge = models.ForeignKey(
        "workflow.PeerChallenge",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="good_practice",
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="good_practice"
    )
    source = models.CharField(max_length=10, choices=GoodPracticeSource.choices)
    # The FB10 answer it came from: one candidate per answer.
    survey_answer = models.OneToOneField(
        "surveys.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = FSMField(
        max_length=10, choices=GoodPracticeStatus.choices, default="draft", protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GoodPracticeStatus.values),
                name="good_practice_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @transition(field=status, source=GoodPracticeStatus.DRAFT, target=GoodPracticeStatus.APPROVED)
    def approve(self):
        pass

    @transition(
        field=status, source=GoodPracticeStatus.APPROVED, target=GoodPracticeStatus.PUBLISHED
    )
    def publish(self):
        pass


class ImportedRecord(models.Model):
    """The key a row of imported history came with, and the row it became: re-importing the
    same files finds each one and changes nothing."""

    class Kind(models.TextChoices):
        CHALLENGE = "challenge", "Challenge"
        PEER = "peer", "Peer"
        ASSIGNMENT = "assignment", "Team assignment"
        SURVEY_RESPONSE = "survey_response", "Survey response"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    external_ref = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_ref"], name="one_import_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_ref}"
