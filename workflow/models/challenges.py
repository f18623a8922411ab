from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, transition

from workflow.choices import BEFORE_ONSITE, HOLDS_A_PLACE, State
from workflow.dates import validate_programme_date
from workflow.report_files import validate_report_content

from . import case_rules
from .fsm import StateMachineMixin

SANE_DATE = [validate_programme_date]

# A case's place in the lifecycle: enquiry first, closed, postponed and withdrawn last (the
# case list's `ordering=state`, workflow.filters; indexed below).
STATE_IN_LIFECYCLE = models.Case(
    *(
        models.When(state=state, then=models.Value(position))
        for position, state in enumerate(State)
    ),
    output_field=models.IntegerField(),
)

REPORT_EXTENSIONS = ["pdf", "docx", "doc", "odt"]
REPORT_MAX_BYTES = 20 * 1024 * 1024


def validate_report_size(file) -> None:
    """The size, then the content (workflow/report_files.py). One validator under the name the
    migrations already hold, so checking the content needs no migration."""
    if file.size > REPORT_MAX_BYTES:
        raise ValidationError(f"the report is larger than {REPORT_MAX_BYTES // 2**20} MB")
    validate_report_content(file)


REPORT_FILE_VALIDATORS: list[Callable[[Any], None]] = [
    FileExtensionValidator(REPORT_EXTENSIONS),
    validate_report_size,
]


class PeerChallenge(StateMachineMixin, models.Model):
    """The case. `state` changes only through the transitions below, called by services."""

    host = models.ForeignKey(
        "workflow.Council", on_delete=models.PROTECT, related_name="challenges"
    )
    challenge_type = models.ForeignKey(
        "workflow.ChallengeType", on_delete=models.PROTECT, related_name="challenges"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_challenges",
    )
    state = FSMField(default=State.ENQUIRY, choices=State.choices, protected=True, db_index=True)
    # The state a postponed case resumes to.
    postponed_from = models.CharField(max_length=20, choices=State.choices, blank=True)

    onsite_start = models.DateField(null=True, blank=True, validators=SANE_DATE)
    onsite_end = models.DateField(null=True, blank=True, validators=SANE_DATE)
    feedback_date = models.DateField(
        "feedback presentation date", null=True, blank=True, validators=SANE_DATE
    )

    scope_components = models.JSONField(
        default=list, blank=True, help_text="Codes of the type's components this case covers."
    )
    local_objectives = models.JSONField(default=list, blank=True)

    report_file = models.FileField(
        upload_to="reports/%Y/", blank=True, validators=REPORT_FILE_VALIDATORS
    )
    report_url = models.URLField(blank=True, help_text="The final report: a URL or a file.")
    report_issued_on = models.DateField(null=True, blank=True, validators=SANE_DATE)
    publication_url = models.URLField(
        blank=True,
        help_text="Where the council published the report: required for types that "
        "expect publication.",
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        validators=SANE_DATE,
        help_text="When the council published the report: required for types that expect "
        "publication.",
    )
    action_plan_url = models.URLField(blank=True)
    action_plan_published_on = models.DateField(null=True, blank=True, validators=SANE_DATE)

    chief_executive_name = models.CharField(max_length=200, blank=True)
    chief_executive_email = models.EmailField(blank=True)
    leader_name = models.CharField(max_length=200, blank=True)
    leader_email = models.EmailField(blank=True)

    postponed_reason = models.TextField(blank=True)
    withdrawn_reason = models.TextField(blank=True)
    closed_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Newest visit first, a case without dates (an enquiry) last on every database:
        # PostgreSQL puts nulls first in a descending order unless told, SQLite last. The same
        # order as the case list's `ordering=-onsite_start` (workflow.filters).
        ordering = [F("onsite_start").desc(nulls_last=True), F("pk").desc()]
        constraints = [
            # The booking guard's rule, held by the database too so that two bookings racing
            # for the same host and type cannot both commit (services map the loser to 409).
            models.UniqueConstraint(
                fields=["host", "challenge_type"],
                condition=HOLDS_A_PLACE,
                name="one_open_case_per_host_and_type",
            ),
            # PeerChallenge.clean() says it in words first; this holds it for any other writer.
            models.CheckConstraint(
                condition=Q(onsite_end__gte=F("onsite_start"))
                | Q(onsite_start__isnull=True)
                | Q(onsite_end__isnull=True),
                name="onsite_ends_after_it_starts",
            ),
        ]
        # The lists' order (case list, admin), alone and under the state filter: a page of 50
        # is read from the index, not by sorting every case (issue 11, P3). On SQLite these
        # serve the default order; on PostgreSQL (nulls first in them) the admin's sort by the
        # onsite column, the default being the NULLS LAST indexes of 0016 and 0020.
        indexes = [
            models.Index(fields=["-onsite_start", "-id"], name="case_list_order"),
            models.Index(fields=["state", "-onsite_start", "-id"], name="case_list_by_state"),
            # The reports select by when the visit ended (a financial year's delivered cases,
            # the impact cohort) and ask whether a host had a corporate challenge before one.
            models.Index(fields=["onsite_end"], name="case_visit_ended"),
            models.Index(fields=["host", "onsite_end"], name="case_host_visit_ended"),
            # Each of the API's `ordering` values (workflow.filters.CASE_ORDERINGS) both ways,
            # ties newest case first, as the filter sorts them. Onsite start, newest first with
            # a case without dates last (this ordering, alone and under the state filter), is
            # a PostgreSQL-only index (SQLite cannot say NULLS LAST in an index, and puts nulls
            # last in a descending index anyway): migrations 0016 and 0020.
            models.Index(fields=["onsite_start", "-id"], name="case_list_onsite_asc"),
            models.Index(fields=["created_at", "-id"], name="case_list_created_asc"),
            models.Index(fields=["-created_at", "-id"], name="case_list_created_desc"),
            models.Index(fields=["updated_at", "-id"], name="case_list_updated_asc"),
            models.Index(fields=["-updated_at", "-id"], name="case_list_updated_desc"),
            models.Index(STATE_IN_LIFECYCLE, F("id").desc(), name="case_list_lifecycle_asc"),
            # By host name: the councils in name order (Council.Meta), each one's cases newest
            # first from here, so a page is an incremental sort of a few hosts' cases.
            models.Index(fields=["host", "-id"], name="case_list_by_host"),
            models.Index(
                STATE_IN_LIFECYCLE.desc(), F("id").desc(), name="case_list_lifecycle_desc"
            ),
            # The case list page's pipeline order (workflow/pages/lists.py CASE_ORDER): by
            # stage, then the soonest visit (ASC puts a case without dates last, as NULLS LAST).
            models.Index(STATE_IN_LIFECYCLE, F("onsite_start"), F("id"), name="case_page_order"),
            # The candidates' workload (workflow/candidates.py): a financial year's visits read
            # from the index alone, each then joined to its places (Assignment's places_by_case).
            models.Index(
                fields=["onsite_start"], include=["id", "onsite_end", "state"], name="case_visits"
            ),
            # The candidates' last teams: each of a page's ~7,000 places dated by its case's key
            # from the index alone (the primary key's probe reads the case's wide row too).
            models.Index(fields=["id"], include=["onsite_start"], name="case_visit_by_key"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.challenge_type} — {self.host}"

    def clean(self) -> None:
        found = case_rules.problems(self)
        if found:
            raise ValidationError(found)

    @staticmethod
    def reference_of(pk: int) -> str:
        """Case `pk`'s reference, for lists read as values rather than instances."""
        return f"PC-{pk:05d}"

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk) if self.pk else "PC-new"

    @property
    def council_contacts(self) -> list[tuple[str, str]]:
        """(name, email) of the chief executive and leader, where recorded."""
        return [
            (name, email)
            for name, email in [
                (self.chief_executive_name, self.chief_executive_email),
                (self.leader_name, self.leader_email),
            ]
            if email
        ]

    # --- transitions: pure, no side effects (services do the rest) -------------------------

    @transition(field=state, source=State.ENQUIRY, target=State.BOOKED)
    def book(self):
        pass

    @transition(
        field=state,
        source=State.BOOKED,
        target=State.TEAM_ASSEMBLY,
    )
    def start_team_assembly(self):
        pass

    @transition(
        field=state,
        source=State.TEAM_ASSEMBLY,
        target=State.PREPARATION,
    )
    def confirm_team(self):
        pass

    @transition(
        field=state,
        source=State.PREPARATION,
        target=State.ONSITE,
    )
    def start_onsite(self):
        pass

    @transition(
        field=state,
        source=State.ONSITE,
        target=State.REPORTING,
    )
    def record_feedback(self):
        pass

    @transition(
        field=state,
        source=State.REPORTING,
        target=State.REPORT_ISSUED,
    )
    def issue_report(self):
        if self.report_issued_on is None:
            self.report_issued_on = timezone.localdate()

    @transition(
        field=state,
        source=State.REPORT_ISSUED,
        target=State.PUBLISHED,
    )
    def publish(self):
        if self.action_plan_url and self.action_plan_published_on is None:
            self.action_plan_published_on = self.published_on

    @transition(field=state, source=State.PUBLISHED, target=State.POST_CHALLENGE)
    def start_post_challenge(self):
        pass

    @transition(field=state, source=State.POST_CHALLENGE, target=State.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=BEFORE_ONSITE, target=State.POSTPONED)
    def postpone(self):
        self.postponed_from = self.state

    # The only dynamic target: a postponed case goes back to exactly the state it left.
    @transition(field=state, source=State.POSTPONED, target=RETURN_VALUE(*BEFORE_ONSITE))
    def resume(self):
        target, self.postponed_from = self.postponed_from, ""
        return target

    @transition(
        field=state,
        source=[*BEFORE_ONSITE, State.POSTPONED],
        target=State.WITHDRAWN,
    )
    def withdraw(self):
        self.postponed_from = ""  # a withdrawn case resumes nowhere
