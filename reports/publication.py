"""The publication tracker: every case past its feedback presentation, with its report issued,
published, action plan and progress review against their deadlines, overdue first.

The deadlines are the reminder rules' steps (notifications/rules.py), each milestone a target
and a latest date:
* **report issued**: REPORT_OVERDUE_DAYS after the feedback (the manager's reminder), at the
  latest REPORT_OVERDUE_ESCALATE_DAYS (the programme leads');
* **report published** and **action plan**: within PUBLICATION_REMINDER_MONTHS of the report
  (3), at the latest PUBLICATION_ESCALATE_MONTHS (5) for the report and
  ACTION_PLAN_REMINDER_MONTHS (5) for the plan; not for types that expect no publication;
* **progress review** (a follow-up case): within FOLLOW_UP_PROMPT_MONTHS (12) of the visit.

A milestone's RAG: **green** done by its target, or not yet due; **amber** past its target
but not its latest date (or done in that window); **red** past its latest date. A case's RAG
is the worst of what is still outstanding, and its days overdue the most days any
outstanding milestone is past its target: a case whose work is all done is green, whatever
came late (each milestone still says how late).

Each milestone's dates and the case's next deadline (its sort key) are worked out in SQL
(`tracked_cases`), so the database filters, sorts and pages the 80,000 cases of a large
programme, and counts them (`counts`); Python sees only the rows shown, and works out their
RAGs by `milestone` (`track`): loading every case to sort it in Python took 40-70 s at
100,000 cases (bench/RESULTS.md). A page is merged from each clock's own index
(`rows_between`), not sorted from every case. tests/reports/test_publication_sql.py holds
the dates, RAGs, order and counts to the reminder rules' steps.
"""

import datetime
import functools
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils.dates import MONTHS_3
from django.utils.functional import cached_property
from django.utils.translation import get_language

from notifications.rules import add_months
from workflow.choices import REPORT_ISSUED_OR_LATER, State
from workflow.models import ChallengeType, PeerChallenge

GREEN, AMBER, RED = "green", "amber", "red"
WORST = {None: 0, GREEN: 1, AMBER: 2, RED: 3}
# A RAG's GOV.UK tag colour on the page (anything but amber and red is green).
TAG_CLASS = {RED: "govuk-tag--red", AMBER: "govuk-tag--yellow"}
PAST_FEEDBACK = (State.REPORTING, *REPORT_ISSUED_OR_LATER)
MILESTONE_NAMES = ("Report issued", "Report published", "Action plan published", "Progress review")


def shown(day: datetime.date | None) -> str:
    """`day` as the `date:"j M Y"` filter writes it ("1 Apr 2026"), or "": a thousand of those
    filters were a fifth of the page's time."""
    return f"{day.day} {_months(get_language())[day.month]} {day.year}" if day else ""


@functools.cache
def _months(language: str) -> dict[int, str]:
    """The months' short names in `language` (the page asks a few hundred times)."""
    return {number: str(name).title() for number, name in MONTHS_3.items()}


@dataclass(frozen=True)
class Milestone:
    name: str
    due: datetime.date | None  # None: its clock has not started (no report yet)
    latest: datetime.date | None
    done_on: datetime.date | None
    done: bool  # a follow-up arranged without a date yet is done, with no date
    rag: str | None  # None: not expected, or its clock has not started
    days_overdue: int  # outstanding and past its target
    days_late: int  # done after its target
    expected: bool = True

    @property
    def outstanding(self) -> bool:
        return self.expected and not self.done

    @property
    def tag_class(self) -> str:
        return TAG_CLASS.get(self.rag, "govuk-tag--green")  # type: ignore[arg-type]

    # The dates as the page shows them.
    @property
    def due_shown(self) -> str:
        return shown(self.due)

    @property
    def latest_shown(self) -> str:
        return shown(self.latest)

    @property
    def done_shown(self) -> str:
        return shown(self.done_on)


def milestone(
    name: str,
    *,
    due: datetime.date | None,
    latest: datetime.date | None,
    done_on: datetime.date | None,
    today: datetime.date,
    done: bool | None = None,
) -> Milestone:
    """The rule: a milestone's RAG and the days either side of its target."""
    done = done_on is not None if done is None else done
    rag, overdue, late = None, 0, 0
    if due is not None:
        assert latest is not None
        when = done_on if done else today
        if when is None:  # done, no date: on time as far as anyone can tell
            rag = GREEN
        else:
            past = (when - due).days
            rag = GREEN if past <= 0 else AMBER if when <= latest else RED
            if done:
                late = max(past, 0)
            else:
                overdue = max(past, 0)
    return Milestone(name, due, latest, done_on, done, rag, overdue, late)


NOT_EXPECTED = Milestone("", None, None, None, False, None, 0, 0, expected=False)


@dataclass(frozen=True)
class TrackedCase:
    case: PeerChallenge
    report: Milestone
    published: Milestone
    action_plan: Milestone
    review: Milestone
    rag: str  # the worst outstanding milestone's
    next_due: datetime.date | None  # the earliest outstanding target
    days_overdue: int

    @property
    def milestones(self) -> list[Milestone]:
        return [self.report, self.published, self.action_plan, self.review]

    @property
    def tag_class(self) -> str:
        return TAG_CLASS.get(self.rag, "govuk-tag--green")

    @property
    def feedback_shown(self) -> str:
        return shown(self.case.feedback_date)


def _setting(name: str) -> int:
    return int(settings.NOTIFICATION_SETTINGS[name])  # type: ignore[call-overload]


# --- the dates in SQL, on SQLite and PostgreSQL alike -------------------------------------------


class AddDays(Func):
    """`date` + `days` (a whole number in the code, not user input) as a date."""

    output_field = DateField()

    def __init__(self, date: Expression | str, days: int) -> None:
        super().__init__(F(date) if isinstance(date, str) else date)
        self.days = int(days)

    # PostgreSQL: date + integer is a date (the base's template arguments are not used)
    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + {self.days})", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params


class AddMonths(Func):
    """`date` + `months` as notifications.rules.add_months: the same day, clamped to the
    month's end (31 Dec + 3 = 31 Mar, 31 Aug + 6 = 28/29 Feb), as PostgreSQL adds an interval.
    SQLite's own '+N months' overflows into the next month instead, so it takes the earlier of
    that and the target month's last day."""

    output_field = DateField()

    def __init__(self, date: Expression | str, months: int) -> None:
        super().__init__(F(date) if isinstance(date, str) else date)
        self.months = int(months)

    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + interval '{self.months} months')::date", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        same_day = f"date({sql}, '{self.months:+d} months')"
        month_end = f"date({sql}, 'start of month', '{self.months + 1:+d} months', '-1 day')"
        # SQLite's scalar min() is NULL if an argument is: no clock, no date.
        return f"min({same_day}, {month_end})", params * 2


# Each milestone's key, due, latest and done-on columns.
_COLUMNS = [
    ("report", "report_due", "report_latest", "report_issued_on"),
    ("published", "published_due", "published_latest", "published_on"),
    ("plan", "published_due", "plan_latest", "action_plan_published_on"),
    ("review", "review_due", "review_due", "follow_up_on"),
]
_ISSUED = Q(report_issued_on__isnull=False)
_PUBLICATION = Q(challenge_type__publication_expected=True)
_REVIEW = Q(challenge_type__requires_parent=False, onsite_end__isnull=False)
_DONE = {
    "report": _ISSUED,
    "published": Q(published_on__isnull=False),
    "plan": Q(action_plan_published_on__isnull=False),
    "review": Q(has_follow_up=True),  # a follow-up arranged, dated or not
}
_EXPECTED = {
    "report": Q(pk__isnull=False),  # always
    "published": _PUBLICATION,
    "plan": _PUBLICATION,
    "review": _REVIEW,
}
_FAR = datetime.date.max  # "no deadline" sorts last
# The columns the page, the API and the CSV show or `track` reads: a row of every column of
# the case, its council, type and manager was most of the time the page's query took.
SHOWN = (
    "state",
    "onsite_end",
    "feedback_date",
    "report_issued_on",
    "published_on",
    "action_plan_published_on",
    "host__name",
    "host__region",
    "challenge_type__slug",
    "challenge_type__name",
    "challenge_type__publication_expected",
    "challenge_type__requires_parent",
    "manager__first_name",
    "manager__last_name",
    "manager__username",
)


def _live_follow_ups() -> QuerySet[PeerChallenge]:
    """Every follow-up not withdrawn."""
    # parent IS NOT NULL: read by the parent's index from the follow-ups alone, not by
    # scanning every case (40 ms each time); and no NULL in a NOT IN of their parents.
    return PeerChallenge.objects.filter(parent__isnull=False).exclude(state=State.WITHDRAWN)


def _follow_ups() -> QuerySet[PeerChallenge]:
    """The live follow-ups of the outer query's case."""
    return _live_follow_ups().filter(parent=OuterRef("pk"))


def tracked(cases: QuerySet[PeerChallenge]) -> QuerySet[PeerChallenge]:
    """`cases` past their feedback presentation, each with whether a live follow-up is
    arranged (`has_follow_up`): the tracker's cases before their dates, enough to count them
    (`counts`) and to page them (`TrackerPaginator`)."""
    return cases.filter(state__in=PAST_FEEDBACK, feedback_date__isnull=False).annotate(
        has_follow_up=Exists(_follow_ups())
    )


def tracked_cases(cases: QuerySet[PeerChallenge], *, today: datetime.date) -> QuerySet:
    """`cases` past their feedback presentation, each with its milestones' dates and RAGs, its
    RAG, next deadline and the first live follow-up's visit; the most overdue first, then the
    rest by their next deadline (those with nothing left to do last), ties by id.

    Overdue by most days first and then by next deadline is one order: a case's days overdue
    are today minus its earliest outstanding target, so both sort by that target."""
    # A dated visit before an undated one on either database (SQLite sorts NULL first).
    first_visit = (
        _follow_ups().order_by(F("onsite_start").asc(nulls_last=True)).values("onsite_start")[:1]
    )
    rows = (
        tracked(cases)
        .select_related("host", "challenge_type", "manager")
        .only(*SHOWN)
        .annotate(
            follow_up_on=Subquery(first_visit, output_field=DateField()),
            report_due=AddDays("feedback_date", _setting("REPORT_OVERDUE_DAYS")),
            report_latest=AddDays("feedback_date", _setting("REPORT_OVERDUE_ESCALATE_DAYS")),
            published_due=AddMonths("report_issued_on", _setting("PUBLICATION_REMINDER_MONTHS")),
            published_latest=AddMonths("report_issued_on", _setting("PUBLICATION_ESCALATE_MONTHS")),
            plan_latest=AddMonths("report_issued_on", _setting("ACTION_PLAN_REMINDER_MONTHS")),
            review_due=AddMonths("onsite_end", _setting("FOLLOW_UP_PROMPT_MONTHS")),
        )
    )
    outstanding_dues = []
    for name, due, _latest, _done_on in _COLUMNS:
        outstanding = _EXPECTED[name] & ~_DONE[name]
        outstanding_dues.append(
            Case(When(outstanding, then=Coalesce(F(due), Value(_FAR))), default=Value(_FAR))
        )
    # Each RAG is worked out in Python for the rows shown (`track`): as SQL annotations they
    # were most of the time Django took to build and compile the page's query.
    rows = rows.annotate(due_key=Least(*outstanding_dues, output_field=DateField()))
    return rows.order_by("due_key", "pk")


# --- a page without sorting every case ------------------------------------------------------

# The first pages of many cases are merged from each clock's own order; a page deeper than
# MERGE_UP_TO (rarely read: the most overdue come first) sorts every case, as the CSV does,
# and so do SORT_UP_TO cases or fewer (a filter's few: a clock's index walked for them could
# run its whole length, where sorting them takes a few ms).
MERGE_UP_TO = 2000
SORT_UP_TO = 5000


def _clocks(cases: QuerySet) -> list[QuerySet]:
    """`tracked` cases by each clock whose target can be the case's sort key, in the order
    of that target (ties by id), and every row by id (those with nothing left to do sort last,
    by id). PostgreSQL reads each from its partial index (workflow 0023) and stops at the
    LIMIT: the report's target is the feedback plus a fixed number of days (the feedback's
    order); the publication and the action plan share one target."""
    unpublished = Q(published_on__isnull=True) | Q(action_plan_published_on__isnull=True)
    return [
        cases.filter(report_issued_on__isnull=True).order_by("feedback_date", "pk"),
        cases.filter(_PUBLICATION & _ISSUED & unpublished).order_by(
            AddMonths("report_issued_on", _setting("PUBLICATION_REMINDER_MONTHS")).asc(), "pk"
        ),
        cases.filter(_REVIEW & Q(has_follow_up=False)).order_by(
            AddMonths("onsite_end", _setting("FOLLOW_UP_PROMPT_MONTHS")).asc(), "pk"
        ),
        cases.order_by("pk"),
    ]


def rows_between(rows: QuerySet, cases: QuerySet, bottom: int, top: int, *, count: int) -> QuerySet:
    """`rows[bottom:top]`, `rows` being `tracked_cases(c)` and `cases` `tracked(c)`, with the
    sort key worked out for a few hundred cases, not all of them: the first `top` of each
    clock's own order hold the first `top` in the tracker's. (A case's key is one of its
    clocks' targets, and any case ahead of it in that clock's order has a key no later, ties
    by id: so it is ahead in the tracker's order too.) One query: the candidates' ids are a
    UNION of each clock's first `top`. `count`: how many rows there are."""
    if top > MERGE_UP_TO or count <= SORT_UP_TO:
        # A deferred join: the sort reads only the ids and the dates it needs.
        return rows.filter(pk__in=rows.values("pk")[bottom:top])
    # From the tracked cases, not `rows`: subqueries carrying the rows' annotations cost
    # Django more to build than PostgreSQL to run.
    firsts = [clock.values("pk")[:top] for clock in _clocks(cases)]
    if connections[rows.db].features.supports_slicing_ordering_in_compound:
        candidates = Q(pk__in=firsts[0].union(*firsts[1:]))
    else:  # SQLite: no LIMIT inside a UNION; an IN per clock is the same set
        candidates = reduce(or_, (Q(pk__in=first) for first in firsts))
    return rows.filter(candidates)[bottom:top]


class TrackerPaginator(Paginator):
    """Pages `tracked_cases(cases)` by `rows_between`, `tracked`: `tracked(cases)`; set `count`
    first where `counts` has it."""

    def __init__(self, rows: QuerySet, per_page: int, *, tracked: QuerySet) -> None:
        super().__init__(rows, per_page)
        self.tracked = tracked

    @cached_property
    def count(self) -> int:
        return self.tracked.count()  # not over the rows' annotations

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        assert isinstance(rows, QuerySet)
        return Page(rows_between(rows, self.tracked, bottom, top, count=self.count), number, self)


def track(row: PeerChallenge, today: datetime.date) -> TrackedCase:
    """A row of `tracked_cases` as its milestones: each one's RAG and days either side of its
    target by `milestone` from the dates the SQL worked out, the case's RAG the worst of what
    is still outstanding."""
    a = row.__dict__  # the fields and the annotations
    publication = row.challenge_type.publication_expected
    expected = {
        "report": True,
        "published": publication,
        "plan": publication,
        "review": not row.challenge_type.requires_parent and row.onsite_end is not None,
    }
    report, published, plan, review = (
        milestone(
            name,
            due=a[due],
            latest=a[latest],
            done_on=a[done_on],
            # A follow-up arranged without a date is done, with no date.
            done=a["has_follow_up"] if key == "review" else a[done_on] is not None,
            today=today,
        )
        if expected[key]
        else NOT_EXPECTED
        for name, (key, due, latest, done_on) in zip(MILESTONE_NAMES, _COLUMNS, strict=True)
    )
    outstanding = [m.rag for m in (report, published, plan, review) if m.outstanding]
    next_due = None if a["due_key"] == _FAR else a["due_key"]
    return TrackedCase(
        row,
        report,
        published,
        plan,
        review,
        rag=max(outstanding, key=WORST.__getitem__, default=None) or GREEN,
        next_due=next_due,
        days_overdue=max((today - next_due).days, 0) if next_due is not None else 0,
    )


def _first_start_due_by(today: datetime.date, months: int) -> datetime.date:
    """The first clock start whose date `months` later is `today` or after: a due date before
    today is a start before this (add_months never goes backwards)."""
    start = add_months(today, -months)
    while add_months(start - datetime.timedelta(days=1), months) >= today:
        start -= datetime.timedelta(days=1)
    while add_months(start, months) < today:
        start += datetime.timedelta(days=1)
    return start


def _overdue(today: datetime.date) -> Q:
    """A target of `tracked_cases` outstanding and in the past, as each clock's start before a
    date worked out once: the database compares columns, with no date arithmetic per row."""
    report_by = today - datetime.timedelta(days=_setting("REPORT_OVERDUE_DAYS"))
    publication_by = _first_start_due_by(today, _setting("PUBLICATION_REMINDER_MONTHS"))
    review_by = _first_start_due_by(today, _setting("FOLLOW_UP_PROMPT_MONTHS"))
    unpublished = Q(published_on__isnull=True) | Q(action_plan_published_on__isnull=True)
    # The types as sets of ids (a hashed subquery each), not a join to every case's type: the
    # count then reads the tracked cases' index alone (workflow 0023's tracker_cases).
    types = ChallengeType.objects.values("pk")
    publication = Q(challenge_type__in=types.filter(publication_expected=True))
    review = Q(challenge_type__in=types.filter(requires_parent=False), onsite_end__isnull=False)
    # The follow-ups last, as one hashed set of their parents (NOT IN: a hashed SubPlan),
    # asked only of a case whose review is past its target and nothing else overdue; an
    # EXISTS per case probed the parent index for each (97 ms against 23 at 100,000 cases
    # when every case reaches it).
    live_parents = _live_follow_ups().values("parent_id")
    return (
        Q(report_issued_on__isnull=True, feedback_date__lt=report_by)
        | (publication & unpublished & Q(report_issued_on__lt=publication_by))
        | (review & Q(onsite_end__lt=review_by) & ~Q(pk__in=live_parents))
    )


def counts(rows: QuerySet, *, today: datetime.date) -> tuple[int, int]:
    """How many of `tracked_cases` there are, and how many have a target in the past: one
    query over the tracked cases' covering index alone: `_overdue` reads no annotation, so
    Django drops `has_follow_up` rather than wrap every case's EXISTS in a subquery."""
    found = rows.order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=_overdue(today))
    )
    return found["total"], found["overdue"]


def publication_tracker(
    cases: QuerySet[PeerChallenge], *, today: datetime.date
) -> list[TrackedCase]:
    """Every case of `cases` past its feedback, in the tracker's order: for a few cases (the
    pages and the API page `tracked_cases` and `track` the rows shown)."""
    return [track(row, today) for row in tracked_cases(cases, today=today)]
