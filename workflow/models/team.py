from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Round, Trim
from django.db.models.lookups import Exact, GreaterThan
from django.utils import timezone
from django_fsm import FSMField, transition

from core.signed_links import new_nonce
from workflow.choices import (
    DECLARED,
    ON_TEAM,
    OPEN_PLACES,
    AssignmentRole,
    AssignmentStatus,
    DeclineReason,
)
from workflow.dates import validate_programme_date

from . import team_rules
from .fsm import StateMachineMixin
from .peers import Peer

Status = AssignmentStatus


class AssignmentQuerySet(models.QuerySet):
    def in_team_order(self) -> "AssignmentQuerySet":
        """As a team is listed: by role (leads first, shadows last), then by name."""
        position = models.Case(
            *[models.When(role=role, then=i) for i, role in enumerate(AssignmentRole)],
            default=len(AssignmentRole),
        )
        return self.alias(role_position=position).order_by("role_position", "peer__name", "pk")


class Assignment(StateMachineMixin, models.Model):
    """A peer's place on a challenge team. `status` changes only through the transitions
    below, fired by workflow.team_services.assignment_transition (declared in
    workflow/team_transitions.py):

        reserve → invited → accepted | declined | expired
        invited | accepted → withdrawn;  accepted → completed
    """

    Status = AssignmentStatus
    Role = AssignmentRole
    DeclineReason = DeclineReason
    ON_TEAM = ON_TEAM
    OPEN_PLACES = OPEN_PLACES

    challenge = models.ForeignKey(
        "workflow.PeerChallenge", on_delete=models.CASCADE, related_name="assignments"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="assignments")
    status = FSMField(max_length=12, choices=Status.choices, default=Status.RESERVE, protected=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_on = models.DateField(null=True, blank=True, editable=False)
    respond_by = models.DateField(
        null=True,
        blank=True,
        validators=[validate_programme_date],
        help_text="The invitation expires after this day.",
    )
    interests = models.TextField(
        "declaration of interests",
        max_length=2000,
        validators=[MaxLengthValidator(2000)],  # a TextField's max_length binds forms only
        blank=True,
        help_text="Anything that could be a conflict of interest in this council, or “none”.",
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(
        max_length=2000, validators=[MaxLengthValidator(2000)], blank=True
    )
    # A soft conflict (workflow/conflicts.py, read live from the register) allows the place only
    # with the manager's reason, recorded with who gave it and when; a hard conflict allows no
    # place at all (workflow.guards).
    override_reason = models.TextField(
        "reason for overriding the conflict",
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
        blank=True,
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    overridden_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A reserve's place in the queue for its role: the lowest is invited first when an invitee
    # of that role declines or lets the invitation lapse.
    reserve_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    # The invitation link is signed over the place's id and this (core/signed_links.py): a new
    # nonce revokes every link sent before it.
    link_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    days = models.DecimalField(
        "days on the challenge",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[team_rules.validate_days],
        help_text="Half days allowed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        # The candidates list (workflow/candidates.py) reads these alone, never the rows
        # (issue 11, P3): a case's places by status (the year's workload, open places) and a
        # peer's (answers, their last teams). INCLUDE is PostgreSQL's; SQLite ignores it.
        indexes = [
            models.Index(
                fields=["challenge", "status"], include=["peer", "days"], name="places_by_case"
            ),
            models.Index(
                fields=["peer", "status"], include=["challenge", "id"], name="places_by_peer"
            ),
            # The dashboard's unanswered invitations by respond-by day: the few hundred places
            # invited of ~400,000, without reading every open case's places.
            models.Index(
                fields=["respond_by"], condition=Q(status="invited"), name="places_awaiting_answer"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "peer"], name="one_assignment_per_peer"),
            # team_rules says these in words first; the database holds them for any writer.
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="assignment_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(role__in=AssignmentRole.values), name="assignment_role_is_known"
            ),
            models.CheckConstraint(
                condition=Q(days__isnull=True)
                | Q(days__gt=0, days__lte=team_rules.MAX_DAYS)
                & Q(Exact(F("days") * 2, Round(F("days") * 2))),
                name="assignment_days_in_half_days",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.COMPLETED, days__isnull=False)
                | ~Q(status=Status.COMPLETED) & Q(days__isnull=True),
                name="assignment_days_logged_on_completion",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECLARED) | Q(GreaterThan(Length(Trim("interests")), 0)),
                name="assignment_accepted_with_declaration",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.INVITED) | Q(respond_by__isnull=False),
                name="assignment_invitation_has_respond_by",
            ),
            models.CheckConstraint(
                condition=Q(respond_by__isnull=True)
                | Q(invited_on__isnull=True)
                | Q(respond_by__gte=F("invited_on")),
                name="assignment_respond_by_after_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.peer} on {self.challenge}"

    def clean(self) -> None:
        found = team_rules.problems(self)
        if found:
            raise ValidationError(found)

    # --- transitions: pure, no side effects (the service does the rest) -------------------

    @transition(field=status, source=Status.RESERVE, target=Status.INVITED)
    def invite(self):
        self.invited_on = timezone.localdate()
        if self.respond_by is None:
            self.respond_by = self.invited_on + team_rules.RESPOND_WITHIN

    @transition(field=status, source=Status.INVITED, target=Status.ACCEPTED)
    def accept(self):
        pass

    @transition(field=status, source=Status.INVITED, target=Status.DECLINED)
    def decline(self):
        pass

    @transition(field=status, source=Status.INVITED, target=Status.EXPIRED)
    def expire(self):
        pass

    # An open invitation taken back, or an accepted place given up (or its case withdrawn).
    @transition(field=status, source=list(OPEN_PLACES), target=Status.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=status, source=Status.ACCEPTED, target=Status.COMPLETED)
    def complete(self):
        pass
