"""The peer pool: who can serve on a team, what they know and where they have served. The
conflict checks (workflow/conflicts.py) read the councils recorded here; the rules below are
checked by `clean()` whoever writes a peer (the import, the admin), and the database holds the
ones it can say."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.one_line import line_breaks
from workflow.choices import PeerKind
from workflow.dates import validate_programme_date

# What a peer can give the programme in a financial year: the default, and the most there can
# be (about 250 working days in a year).
DEFAULT_DAYS_PER_YEAR = 20
MOST_DAYS_PER_YEAR = 250
# A former council is recorded with the date the peer left it; earlier than this is a typo.
EARLIEST_LEFT = datetime.date(1950, 1, 1)


class PoliticalGroup(models.TextChoices):
    """A member peer's group (DOMAIN.md §4.2: the LGA's groups, and the parties that now run
    councils), so a team's political balance can be counted."""

    CONSERVATIVE = "conservative", "Conservative"
    LABOUR = "labour", "Labour"
    LIBERAL_DEMOCRAT = "liberal_democrat", "Liberal Democrat"
    INDEPENDENT = "independent", "Independent"
    GREEN = "green", "Green"
    REFORM_UK = "reform_uk", "Reform UK"
    OTHER = "other", "Other"


class OfficerRole(models.TextChoices):
    """An officer peer's post. `other` says it in the job title."""

    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    DEPUTY_CHIEF_EXECUTIVE = "deputy_chief_executive", "Deputy chief executive"
    DIRECTOR_OF_FINANCE = "director_of_finance", "Director of finance"
    DIRECTOR_OF_CHILDRENS_SERVICES = (
        "director_of_childrens_services",
        "Director of children's services",
    )
    DIRECTOR_OF_ADULT_SOCIAL_SERVICES = (
        "director_of_adult_social_services",
        "Director of adult social services",
    )
    DIRECTOR_OF_PUBLIC_HEALTH = "director_of_public_health", "Director of public health"
    DIRECTOR_OF_PLACE = "director_of_place", "Director of place"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring officer"
    OTHER = "other", "Other senior officer (see job title)"


class Specialism(models.Model):
    """What a peer knows well (finance, children's services...): a list the programme keeps in
    the admin, seeded by migration 0008."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeerQuerySet(models.QuerySet):
    def with_councils(self) -> "PeerQuerySet":
        """With what the conflict checks read: home, former and declared councils, in a fixed
        number of queries however many peers."""
        return self.select_related("council").prefetch_related(*COUNCIL_PREFETCHES)

    def with_everything(self) -> "PeerQuerySet":
        """With all a listing or an export shows."""
        return self.with_councils().select_related("user").prefetch_related("specialisms")


class Peer(models.Model):
    """A councillor (member peer) or senior officer (officer peer) who serves on teams."""

    Kind = PeerKind
    PoliticalGroup = PoliticalGroup
    OfficerRole = OfficerRole

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The account the peer signs in with.",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    council = models.ForeignKey(
        "workflow.Council",
        verbose_name="home council",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the peer is a councillor or officer now; blank for one who has left "
        "local government (record the councils they served as former councils).",
    )
    political_group = models.CharField(
        max_length=60,
        choices=PoliticalGroup.choices,
        blank=True,
        help_text="Member peers only: officers are politically restricted.",
    )
    officer_role = models.CharField(
        max_length=40, choices=OfficerRole.choices, blank=True, help_text="Officer peers only."
    )
    job_title = models.CharField(max_length=200, blank=True)
    specialisms = models.ManyToManyField(Specialism, blank=True, related_name="peers")
    declared_interests = models.ManyToManyField(
        "workflow.Council",
        through="workflow.DeclaredInterest",
        blank=True,
        related_name="+",
        help_text="Councils the peer has declared an interest in (a warning before inviting).",
    )
    accredited_on = models.DateField(
        "accredited or trained on",
        null=True,
        blank=True,
        validators=[validate_programme_date],
        help_text="When the peer completed the LGA's peer training.",
    )
    max_days_per_year = models.PositiveSmallIntegerField(
        "most days a financial year",
        default=DEFAULT_DAYS_PER_YEAR,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_DAYS_PER_YEAR)],
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive peers are not offered for new teams."
    )

    objects = PeerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=PeerKind.MEMBER, officer_role="") & ~Q(political_group="")
                    | Q(kind=PeerKind.OFFICER, political_group="") & ~Q(officer_role="")
                ),
                name="member_peer_has_a_group_officer_peer_a_role",
            ),
            models.CheckConstraint(
                condition=~Q(officer_role=OfficerRole.OTHER, job_title=""),
                name="other_officer_role_has_a_job_title",
            ),
            models.CheckConstraint(
                condition=Q(max_days_per_year__gte=1, max_days_per_year__lte=MOST_DAYS_PER_YEAR),
                name="peer_days_per_year_in_range",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="one_peer_per_email_in_any_case",
                violation_error_message="another peer has this email address",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> str:
        """The home council's region (from the register); blank without a home council."""
        return self.council.region if self.council else ""

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field, message in peer_problems(self):
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def peer_problems(peer: Peer):
    """The peer's own rules, each as (field, message in plain words)."""
    yield from line_breaks(peer, ("name",))  # the To header of every email to them
    if peer.kind == PeerKind.MEMBER:
        if not peer.political_group:
            yield "political_group", "a member peer is a councillor: give their political group"
        if peer.officer_role:
            yield "officer_role", "only officer peers have an officer role"
    elif peer.kind == PeerKind.OFFICER:
        if not peer.officer_role:
            yield "officer_role", "an officer peer has a role (chief executive, director...)"
        if peer.political_group:
            yield "political_group", "officer peers are politically restricted: leave it blank"
    if peer.officer_role == OfficerRole.OTHER and not peer.job_title.strip():
        yield "job_title", "give the job title of an officer whose role is “other”"
    if peer.accredited_on and peer.accredited_on > timezone.localdate():
        yield "accredited_on", "cannot be in the future"
    council = peer.council if peer.council_id else None
    if council is not None and not council.is_current:
        successors = ", ".join(c.name for c in council.replaced_by.all())
        since = f" on {_day(council.end_date)}" if council.end_date else ""
        instead = f" by {successors}" if successors else ""
        yield (
            "council",
            f"{council} was replaced{instead}{since}: choose the council the peer serves now "
            f"and record {council} as a former council",
        )


class PeerFormerCouncil(models.Model):
    """A council the peer served until a date. Within PEER_FORMER_COUNCIL_YEARS of a visit it
    counts as their own for the conflict checks."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="former_councils")
    council = models.ForeignKey("workflow.Council", on_delete=models.PROTECT, related_name="+")
    until = models.DateField(
        "served until",
        validators=[MinValueValidator(EARLIEST_LEFT, f"must be after {EARLIEST_LEFT:%Y}")],
    )

    class Meta:
        ordering = ["-until"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "council"],
                name="one_former_council_row_per_council",
                violation_error_message="this council is already one of the peer's former ones",
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} until {_day(self.until)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            peer: Peer | None = self.peer  # may be unsaved: the import checks before it writes
        except Peer.DoesNotExist:
            peer = None
        if peer is not None and self.council_id and peer.council_id == self.council_id:
            errors["council"] = f"{self.council} is the peer's home council, not a former one"
        if self.until and self.until > timezone.localdate():
            errors["until"] = "cannot be in the future: a council the peer still serves is home"
        elif self.until and self.council_id:
            ended = self.council.end_date
            if ended and self.until > ended:
                errors["until"] = f"{self.council} ceased to exist on {_day(ended)}"
        if errors:
            raise ValidationError(errors)


class DeclaredInterest(models.Model):
    """A council the peer has declared an interest in (a relative works there, they were a
    governor of its school...): a soft conflict the manager may override with a reason."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="interests")
    council = models.ForeignKey("workflow.Council", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True, help_text="What the interest is.")

    class Meta:
        ordering = ["council__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "council"],
                name="one_declared_interest_per_council",
                violation_error_message="an interest in this council is already declared",
            )
        ]

    def __str__(self) -> str:
        return f"{self.council}: {self.note}" if self.note else str(self.council)


COUNCIL_PREFETCHES = [
    Prefetch("former_councils", queryset=PeerFormerCouncil.objects.select_related("council")),
    Prefetch("interests", queryset=DeclaredInterest.objects.select_related("council")),
]
