"""The publication tracker (reports.publication: the dates and the order in SQL, each shown
row's RAGs from those dates) says what the Python rule says, for every combination a table of
cases can build: each milestone's dates, RAG and days, the case's RAG, days overdue and next
deadline, the order, the counts, and the pages merged from each clock's order. The reference
is the tracker as it was in Python (each milestone from the reminder rules' steps and
`milestone`, the case the worst of what is outstanding), kept here as the oracle.

The cases: visits, feedback, report, publication and action plan dates on and either side of
each deadline (28 and 56 days; 3 and 5 months, from month ends whose months are shorter), with
types that expect a publication or not, follow-ups or not, with a follow-up dated, undated or
withdrawn. Run on PostgreSQL too (`/tmp/pgrun.sh /work/main tests/reports/test_publication_sql.py`):
the month arithmetic is each database's own.
"""

import datetime
import random

import pytest
import time_machine

from notifications.rules import (
    ACTION_PLAN_DUE,
    FOLLOW_UP_PROMPT,
    PUBLICATION_DUE,
    REPORT_OVERDUE,
    add_months,
)
from reports import publication
from reports.publication import (
    GREEN,
    NOT_EXPECTED,
    PAST_FEEDBACK,
    WORST,
    Milestone,
    TrackerPaginator,
    _first_start_due_by,
    counts,
    milestone,
    publication_tracker,
    tracked,
    tracked_cases,
)
from tests.workflow import factories as f
from workflow.models import Council, PeerChallenge, State

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)
# Month ends a 3- or 5-month step lands past (31 Aug + 6 = 28 Feb; 31 Dec + 3 = 31 Mar …).
MONTH_ENDS = [
    datetime.date(2025, 8, 31),
    datetime.date(2025, 9, 30),
    datetime.date(2025, 10, 31),
    datetime.date(2025, 12, 31),
    datetime.date(2026, 1, 29),
    datetime.date(2026, 1, 31),
    datetime.date(2026, 3, 31),
    datetime.date(2024, 2, 29),
    datetime.date(2023, 9, 30),
]
# Days after the clock's start, on and either side of the day counts of the deadlines.
REPORT_DAYS = [0, 10, 27, 28, 29, 55, 56, 57, 120]
MONTHLY_DAYS = [0, 30, 89, 90, 91, 92, 150, 151, 152, 153, 200, 400]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield


# --- the oracle: the tracker as it was, in Python ---------------------------------------------


def _python_track(case: PeerChallenge, follow_ups: list[PeerChallenge], today) -> dict:
    report = milestone(
        "Report issued",
        due=REPORT_OVERDUE[0].due(case),
        latest=REPORT_OVERDUE[1].due(case),
        done_on=case.report_issued_on,
        today=today,
    )
    published = action_plan = NOT_EXPECTED
    if case.challenge_type.publication_expected:
        issued = case.report_issued_on is not None
        due = PUBLICATION_DUE[0].due(case) if issued else None
        latest = PUBLICATION_DUE[1].due(case) if issued else None
        published = milestone(
            "Report published", due=due, latest=latest, done_on=case.published_on, today=today
        )
        action_plan = milestone(
            "Action plan published",
            due=due,
            latest=ACTION_PLAN_DUE[0].due(case) if issued else None,
            done_on=case.action_plan_published_on,
            today=today,
        )
    review = NOT_EXPECTED
    if not case.challenge_type.requires_parent and case.onsite_end is not None:
        live = sorted(
            (c for c in follow_ups if c.state != State.WITHDRAWN),
            key=lambda c: (c.onsite_start is None, c.onsite_start or today),
        )
        due = FOLLOW_UP_PROMPT[0].due(case)
        review = milestone(
            "Progress review",
            due=due,
            latest=due,
            done_on=live[0].onsite_start if live else None,
            done=bool(live),
            today=today,
        )
    milestones = [report, published, action_plan, review]
    outstanding = [m for m in milestones if m.outstanding]
    rag = max((m.rag for m in outstanding), key=WORST.__getitem__, default=None) or GREEN
    dues = [m.due for m in outstanding if m.due is not None]
    return {
        "milestones": [_shown(m) for m in milestones],
        "rag": rag,
        "days_overdue": max(m.days_overdue for m in milestones),
        "next_due": min(dues, default=None),
    }


def _shown(m: Milestone) -> tuple:
    return (m.expected, m.due, m.latest, m.done, m.done_on, m.rag, m.days_overdue, m.days_late)


def _python_order(case_pk: int, tracked: dict) -> tuple:
    if tracked["days_overdue"]:
        return (0, -tracked["days_overdue"], case_pk)
    return (1, tracked["next_due"] or datetime.date.max, case_pk)


# --- the table of cases -----------------------------------------------------------------------


def _capped(day: datetime.date) -> datetime.date | None:
    return day if day <= TODAY else None


def _make_cases(rng: random.Random, count: int) -> list[PeerChallenge]:
    manager = f.manager()
    types = [f.challenge_type("corporate"), f.challenge_type("finance")]
    types[1].publication_expected = False
    types[1].save()
    follow_up_type = f.challenge_type("follow-up")
    # A council each: one open case per host and type.
    hosts = iter(Council.objects.order_by("code"))
    made = []
    for n in range(count):
        # A clock start on a month end half the time: the 3- and 5-month steps clamp there.
        if n % 2:
            report_on = rng.choice(MONTH_ENDS)
            feedback = report_on - rng.choice(REPORT_DAYS) * DAY
        else:
            feedback = TODAY - rng.choice(REPORT_DAYS + MONTHLY_DAYS) * DAY
            report_on = feedback + rng.choice(REPORT_DAYS) * DAY
        visit_end = rng.choice([feedback, feedback - DAY, feedback - 3 * DAY])
        stage = rng.choice(["reporting", "issued", "published", "planned", "planned"])
        report = _capped(report_on) if stage != "reporting" else None
        published = plan = None
        if report and stage in ("published", "planned"):
            published = _capped(report + rng.choice(MONTHLY_DAYS) * DAY)
            if published and stage == "planned":
                plan = _capped(report + rng.choice(MONTHLY_DAYS) * DAY)
        state = (
            State.REPORTING
            if report is None
            else State.REPORT_ISSUED
            if published is None
            else rng.choice([State.PUBLISHED, State.POST_CHALLENGE, State.CLOSED])
            if plan
            else State.PUBLISHED
        )
        case = f.PeerChallengeFactory(
            host=next(hosts),
            manager=manager,
            challenge_type=rng.choice(types),
            state=state,
            onsite_start=visit_end - 2 * DAY,
            onsite_end=visit_end,
            feedback_date=feedback,
            report_url="https://example.org/r" if report else "",
            report_issued_on=report,
            publication_url="https://example.org/p" if published else "",
            published_on=published,
            action_plan_url="https://example.org/a" if plan else "",
            action_plan_published_on=plan,
        )
        made.append(case)
        for kind in rng.sample(["dated", "undated", "withdrawn", "late"], rng.choice([0, 0, 1, 2])):
            start = (
                None if kind == "undated" else visit_end + rng.choice([100, 365, 366, 400]) * DAY
            )
            f.PeerChallengeFactory(
                host=next(hosts),
                manager=manager,
                challenge_type=follow_up_type,
                parent=case,
                state=State.WITHDRAWN if kind == "withdrawn" else State.ENQUIRY,
                onsite_start=start,
                onsite_end=start and start + DAY,
                feedback_date=None,
                report_issued_on=None,
                published_on=None,
            )
    return made


# Today as the tests run, and on days the month steps clamp to (a 3- or 5-month target on the
# 28th-31st of a shorter month).
TODAYS = [
    TODAY,
    datetime.date(2026, 2, 28),
    datetime.date(2026, 3, 1),
    datetime.date(2026, 3, 31),
    datetime.date(2026, 4, 30),
    datetime.date(2025, 12, 31),
]


@pytest.mark.parametrize("seed", [11, 12])
def test_the_sql_says_what_the_python_rule_says(seed):
    _make_cases(random.Random(seed), 120)
    everything = PeerChallenge.objects.select_related("challenge_type")
    by_parent: dict[int, list[PeerChallenge]] = {}
    for case in everything.filter(parent__isnull=False):
        by_parent.setdefault(case.parent_id, []).append(case)
    expected_cases = everything.filter(feedback_date__isnull=False, state__in=PAST_FEEDBACK)
    rags = set()
    for today in TODAYS:
        rows = publication_tracker(PeerChallenge.objects.all(), today=today)
        assert {row.case.pk for row in rows} == {case.pk for case in expected_cases}
        oracle = {
            case.pk: _python_track(case, by_parent.get(case.pk, []), today)
            for case in expected_cases
        }
        overdue = 0
        for row in rows:
            got = {
                "milestones": [_shown(m) for m in row.milestones],
                "rag": row.rag,
                "days_overdue": row.days_overdue,
                "next_due": row.next_due,
            }
            assert got == oracle[row.case.pk], (today, row.case.reference)
            rags |= {m[5] for m in got["milestones"]}
            overdue += bool(row.days_overdue)
        assert [row.case.pk for row in rows] == sorted(
            oracle, key=lambda pk: _python_order(pk, oracle[pk])
        )
        tracked = tracked_cases(PeerChallenge.objects.all(), today=today)
        assert counts(tracked, today=today) == (len(rows), overdue), today
        if today == TODAY:  # cases on both sides of their deadlines
            assert 0 < overdue < len(rows)
    # The table reached every RAG.
    assert rags == {None, "green", "amber", "red"}


@pytest.mark.parametrize("months", [3, 5, 12])
def test_the_first_start_due_by_a_day_is_exact(months):
    day = datetime.date(2025, 1, 1)
    while day < datetime.date(2027, 1, 1):
        start = _first_start_due_by(day, months)
        assert add_months(start, months) >= day > add_months(start - DAY, months)
        day += DAY


@pytest.mark.parametrize("seed", [13])
def test_each_page_is_the_tracker_cut_where_the_page_says(seed, monkeypatch):
    """The pages merge each clock's first rows (reports.publication.rows_between): whatever
    the page size, the filter and the day, page after page is the whole sorted list, the
    same with the merge as with the sort of every case (a page past MERGE_UP_TO, or no more
    than SORT_UP_TO cases)."""
    _make_cases(random.Random(seed), 120)
    finance = PeerChallenge.objects.filter(challenge_type__slug="finance")
    for cases, today in [
        (PeerChallenge.objects.all(), TODAY),
        (PeerChallenge.objects.all(), datetime.date(2026, 3, 31)),
        (finance, datetime.date(2025, 12, 31)),
    ]:
        whole = [row.case.pk for row in publication_tracker(cases, today=today)]
        assert len(whole) > 30
        for size, merge_up_to, sort_up_to in [
            (4, 2000, 0),
            (50, 2000, 0),
            (9, 0, 0),
            (7, 2000, 1000),
        ]:
            monkeypatch.setattr(publication, "MERGE_UP_TO", merge_up_to)
            monkeypatch.setattr(publication, "SORT_UP_TO", sort_up_to)
            paginator = TrackerPaginator(
                tracked_cases(cases, today=today), size, tracked=tracked(cases)
            )
            assert paginator.count == len(whole)
            paged = [
                case.pk
                for number in paginator.page_range
                for case in paginator.page(number).object_list
            ]
            assert paged == whole, (today, size, merge_up_to, sort_up_to)
