"""What is overdue across the programme, for the dashboard: one list per kind of item, each row a
case to act on. The deadlines are the reminder rules' own (notifications/rules.py: the cases
each rule chases and the first step of its ladder, whose date is the deadline), so the
dashboard, the reminders, the digest and the calendar never disagree.

* **Unanswered invitations**: a team place invited and not answered, its respond-by day past
  or within DUE_SOON_DAYS (the manager expires it and the next reserve is invited).
* **Reports overdue**: no report REPORT_OVERDUE_DAYS after the feedback presentation.
* **Publication deadlines passed**: the report, or its action plan, not published by the
  rules' dates after the report.
* **Surveys outstanding**: a survey sent and not answered: its link still open (due by its
  closing day), or lapsed on a case still open (a manager may extend it).
* **Impact surveys due**: an impact survey not yet sent whose day has come or comes within
  IMPACT_SOON_DAYS.

Each list is in order of its due date, then case, and may be read as its `first` rows and how
many there are (the dashboard's page draws the first rows of each, issue 11, P3). Two queries,
whatever the number of cases: every item's few columns (a date, its case, two words) in one
UNION of a SELECT per source, each through its own index; then the cases of the rows shown. The
items are bounded by the open cases (~2,000 of 100,000), never by the programme's history. A
deadline counted from a case's date is the rule's own (Step.due), the cases read past it being
those whose clock started by the last day that can be due by now.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import cast

from django.db.models import DateField, QuerySet, Value
from django.db.models.functions import Coalesce

from notifications.rules import (
    ACTION_PLAN_DUE,
    PUBLICATION_DUE,
    REPORT_OVERDUE,
    Step,
    cases_awaiting_action_plan,
    cases_awaiting_publication,
    cases_awaiting_report,
)
from surveys.models import InvitationStatus, Respondent, SurveyInvitation, SurveyKind
from workflow.choices import UNFINISHED, AssignmentRole, AssignmentStatus
from workflow.dates import EARLIEST
from workflow.models import Assignment, PeerChallenge

DUE_SOON_DAYS = 3  # an invitation answerable for this few days more is worth a nudge now
IMPACT_SOON_DAYS = 30  # the month ahead: time to check the case's contacts
ONE_DAY = datetime.timedelta(days=1)

KINDS = (
    ("invitations", "Unanswered invitations"),
    ("reports", "Reports overdue after feedback"),
    ("publication", "Publication deadlines passed"),
    ("surveys", "Surveys outstanding"),
    ("impact", "Impact surveys due"),
)


@dataclass(frozen=True)
class CaseRow:
    """A row's case as the lists show it (the page and the API), read as values: the rows of a
    list are a few hundred, and no model of them is needed."""

    pk: int
    council: str
    type_name: str
    type_slug: str
    manager_id: int | None
    manager_name: str  # their full name, else their username; "" with no manager

    @property
    def reference(self) -> str:
        return PeerChallenge.reference_of(self.pk)


CASE_COLUMNS = (
    "pk",
    "host__name",
    "challenge_type__name",
    "challenge_type__slug",
    "manager_id",
    "manager__first_name",
    "manager__last_name",
    "manager__username",
)


def _case_rows(pks: set[int]) -> dict[int, CaseRow]:
    cases = PeerChallenge.objects.filter(pk__in=pks).values_list(*CASE_COLUMNS)
    return {
        pk: CaseRow(
            pk=pk,
            council=council,
            type_name=type_name,
            type_slug=type_slug,
            manager_id=manager,
            # As User.get_full_name says it.
            manager_name=f"{first or ''} {last or ''}".strip() or (username or ""),
        )
        for pk, council, type_name, type_slug, manager, first, last, username in cases
    }


@dataclass(frozen=True)
class Item:
    case: CaseRow
    what: str  # what is due, in words: "Report not issued", "Leader: feedback survey"
    due: datetime.date
    days_overdue: int  # 0 or less: due today or still to come

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    items: list[Item]  # the first rows when read so, else all of them
    count: int  # all of them


# An item as the query reads it: a date, its case, two words, and its source's name.
Read = tuple[datetime.date, int, str, str, str]
# An item before its case is read: (due, case pk, what), in due order as tuples sort.
Row = tuple[datetime.date, int, str]
# A source's rows of `cases` by `today`, and the four columns of Read they give.
Select = Callable[[QuerySet[PeerChallenge], datetime.date], tuple[QuerySet, tuple]]


@dataclass(frozen=True)
class Source:
    """One SELECT of the union: `name` marks its rows, whose items join the list `kind`;
    `item` makes a Row of what it read."""

    name: str
    kind: str
    select: Select
    item: Callable[[Read], Row]


def _among(rows: QuerySet, cases: QuerySet[PeerChallenge], via: str = "challenge") -> QuerySet:
    """`rows` of the cases in `cases`; every case (no filter) costs no condition."""
    if not cases.query.where:
        return rows
    return rows.filter(**{f"{via}__in": cases.values("pk")})


# --- items whose due date is a column ----------------------------------------------------------


def _invitations(cases: QuerySet[PeerChallenge], today: datetime.date) -> tuple[QuerySet, tuple]:
    places = Assignment.objects.filter(
        status=AssignmentStatus.INVITED,
        respond_by__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        challenge__state__in=UNFINISHED,
    )
    return _among(places, cases), ("respond_by", "challenge_id", "peer__name", "role")


def _invitation(read: Read) -> Row:
    due, case, peer, role, _ = read
    return (due, case, f"{peer} ({AssignmentRole(role).label})")


SURVEY_COLUMNS = ("challenge_id", "respondent", "questionnaire__kind")


def _outstanding(status: str) -> Select:
    """Sent and unanswered: open, or lapsed on a case not yet over; due by its closing day.
    Two SELECTs, not one with an OR: the open ones are read from survey_waiting_by_day, the
    lapsed ones through the open cases; the OR scanned all ~200,000 invitations."""

    def select(cases: QuerySet[PeerChallenge], today: datetime.date) -> tuple[QuerySet, tuple]:
        invitations = SurveyInvitation.objects.filter(status=status)
        if status == InvitationStatus.EXPIRED:
            invitations = invitations.filter(challenge__state__in=UNFINISHED)
        closing_day = Coalesce("expires_on", Value(today, output_field=DateField()))
        return _among(invitations, cases), (closing_day, *SURVEY_COLUMNS)

    return select


def _impact(cases: QuerySet[PeerChallenge], today: datetime.date) -> tuple[QuerySet, tuple]:
    """Scheduled, its day come or within IMPACT_SOON_DAYS; a closed case sends none."""
    due = SurveyInvitation.objects.filter(
        status=InvitationStatus.SCHEDULED,
        questionnaire__kind=SurveyKind.IMPACT,
        send_on__lte=today + datetime.timedelta(days=IMPACT_SOON_DAYS),
        challenge__state__in=UNFINISHED,
    )
    return _among(due, cases), ("send_on", *SURVEY_COLUMNS)


def _survey(read: Read) -> Row:
    due, case, respondent, kind, _ = read
    return (due, case, f"{Respondent(respondent).label}: {SurveyKind(kind).label.lower()}")


# --- items whose due date a rule counts from a case's date -------------------------------------


def _due(step: Step, start: datetime.date) -> datetime.date:
    """`step`'s date for a case whose clock started on `start`, as the rule counts it (the
    clock's date is all Step.due reads of a case)."""
    return step.due(cast(PeerChallenge, SimpleNamespace(**{step.clock.date_field: start})))


def _last_start(step: Step, today: datetime.date) -> datetime.date:
    """The last day `step`'s clock may have started for its date to have come by `today`. A
    step's date never moves back as its start moves on (a month added to the 31st lands on a
    shorter month's end, never before it), so the cases past it are those started by then:
    found by halving."""
    early, late = EARLIEST, today
    if _due(step, late) <= today:
        return late
    if _due(step, early) > today:
        return early - ONE_DAY
    while late - early > ONE_DAY:  # due(early) <= today < due(late)
        middle = early + (late - early) // 2
        early, late = (middle, late) if _due(step, middle) <= today else (early, middle)
    return early


def _past(rule: Callable[[], QuerySet[PeerChallenge]], step: Step) -> Select:
    """The cases of `rule` whose `step`'s date has come, by the date its clock started."""
    field = step.clock.date_field

    def select(cases: QuerySet[PeerChallenge], today: datetime.date) -> tuple[QuerySet, tuple]:
        started = rule().filter(**{f"{field}__lte": _last_start(step, today)})
        return _among(started, cases, via="pk"), (field, "pk", Value(""), Value(""))

    return select


def _past_item(step: Step, what: str) -> Callable[[Read], Row]:
    def item(read: Read) -> Row:
        return (_due(step, read[0]), read[1], what)

    return item


_report, _publication, _plan = REPORT_OVERDUE[0], PUBLICATION_DUE[0], ACTION_PLAN_DUE[0]
SOURCES = {
    source.name: source
    for source in [
        Source("invitations", "invitations", _invitations, _invitation),
        Source(
            "report",
            "reports",
            _past(cases_awaiting_report, _report),
            _past_item(_report, "Report not issued"),
        ),
        Source(
            "publication",
            "publication",
            _past(cases_awaiting_publication, _publication),
            _past_item(_publication, "Report not published"),
        ),
        Source(
            "action_plan",
            "publication",
            _past(cases_awaiting_action_plan, _plan),
            _past_item(_plan, "Action plan not published"),
        ),
        Source("sent", "surveys", _outstanding(InvitationStatus.SENT), _survey),
        Source("lapsed", "surveys", _outstanding(InvitationStatus.EXPIRED), _survey),
        Source("impact", "impact", _impact, _survey),
    ]
}


def _read(cases: QuerySet[PeerChallenge], today: datetime.date) -> list[Read]:
    """Every source's items of `cases`, in one query."""
    selects = []
    for source in SOURCES.values():
        rows, columns = source.select(cases, today)
        # Unordered, with nothing joined but what the columns name: a SELECT of a union.
        selects.append(
            rows.select_related(None).order_by().values_list(*columns, Value(source.name))
        )
    return list(selects[0].union(*selects[1:], all=True))


def overdue(
    cases: QuerySet[PeerChallenge],
    today: datetime.date,
    *,
    first: int | None = None,
    whole: str = "",
) -> list[Kind]:
    """Every kind of item for the cases in `cases`: all of each, or its `first` rows (and how
    many there are) but for the kind whose slug is `whole`."""
    rows: dict[str, list[Row]] = {slug: [] for slug, _ in KINDS}
    for read in _read(cases, today):
        source = SOURCES[read[-1]]
        rows[source.kind].append(source.item(read))
    shown: dict[str, list[Row]] = {}
    for slug, found in rows.items():
        found.sort()  # by due date, then case, then what (the union's rows come in no order)
        shown[slug] = found if slug == whole or first is None else found[:first]
    # The cases of every row shown, in one query (none asked when there is none).
    in_full = _case_rows({case for found in shown.values() for _, case, _ in found})
    return [
        Kind(
            slug,
            title,
            [
                Item(case=in_full[case], what=what, due=due, days_overdue=(today - due).days)
                for due, case, what in shown[slug]
            ],
            len(rows[slug]),
        )
        for slug, title in KINDS
    ]
