"""The dashboard's figures: the pipeline (cases by state and type, one grouped query), what is
overdue (reports/overdue.py), across the programme under the page's filters and for the
signed-in manager's own cases, and the year's survey headlines (surveys/results.py's own
figures, programme-wide: the results page has them by period).

What is overdue is read live: people act on it, and it is a few cheap queries (the open cases,
the first rows of each list). The pipeline counts every case (100,000 at scale: a grouped count
over them all, even from an index alone, takes 50-90 ms) and the survey headlines read a year's
answers, so both are kept figures (core/snapshots.py): the pipeline by the filters' plain
values, the headlines the results page's own snapshots."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from core import snapshots
from reports.case_filters import FilterValues, cases_where
from reports.overdue import Kind, overdue
from surveys.models import SurveyKind
from surveys.periods import financial_year
from surveys.results import SurveyResults, latest_survey_results
from workflow.choices import State
from workflow.dates import EARLIEST, LATEST, financial_year_of
from workflow.models import ChallengeType, PeerChallenge

FIRST_SURVEY_YEAR = EARLIEST.year


@dataclass(frozen=True)
class Pipeline:
    types: list[ChallengeType]  # the columns: active types, and any other with a case
    rows: list[tuple[State, list[int], int]]  # state, a count per type, the row's total
    totals: list[int]  # per type
    total: int


@dataclass(frozen=True)
class Dashboard:
    today: datetime.date
    pipeline: Pipeline
    overdue: list[Kind]
    mine: list[Kind] | None  # None: the user manages no cases
    year: int  # the financial year of the survey headlines
    surveys: list[SurveyResults]
    as_at: datetime.datetime  # when the oldest of its kept figures (pipeline, surveys) was computed


def pipeline(cases: QuerySet[PeerChallenge]) -> Pipeline:
    counts = {
        (state, type_id): n
        for state, type_id, n in cases.order_by()
        .values_list("state", "challenge_type")
        .annotate(n=Count("pk"))
    }
    used = {type_id for _, type_id in counts}
    types = [t for t in ChallengeType.objects.order_by("name") if t.is_active or t.pk in used]
    rows = []
    for state in State:
        line = [counts.get((state.value, t.pk), 0) for t in types]
        rows.append((state, line, sum(line)))
    totals = [sum(row[1][i] for row in rows) for i in range(len(types))]
    return Pipeline(types=types, rows=rows, totals=totals, total=sum(totals))


@snapshots.kept
def kept_pipeline(**filters: snapshots.Plain) -> Pipeline:
    """The pipeline of the cases the report filters' plain values choose (case_filters)."""
    return pipeline(cases_where(**filters))


def dashboard(
    *,
    cases: QuerySet[PeerChallenge],
    user,
    today: datetime.date,
    manages: bool,
    year: int | None = None,
    filters: FilterValues | None = None,
    first: int | None = None,
    whole: str = "",
    headlines: bool = True,
) -> Dashboard:
    """`cases`: the filtered cases; `filters`: the plain values they were chosen by, which the
    kept pipeline is of (without them the pipeline is counted from `cases` now); `manages`:
    show `user`'s own actions (their cases, not filtered: it is their to-do list); `year`: the
    financial year of the survey headlines (this one by default); `first`: read each overdue
    list's first rows only (and how many there are), but the one whose table is `whole`
    ("all-reports", "mine-surveys"); `headlines`: read the survey headlines (the API has
    none)."""
    prefix, _, slug = whole.partition("-")
    mine = (
        overdue(
            PeerChallenge.objects.filter(manager=user),
            today,
            first=first,
            whole=slug if prefix == "mine" else "",
        )
        if manages
        else None
    )
    across = overdue(cases, today, first=first, whole=slug if prefix == "all" else "")
    # The pipeline kept when it is of plain filter values, else counted now (a caller's cases).
    by_state: snapshots.Snapshot[Pipeline] = (
        snapshots.Snapshot(pipeline(cases), timezone.now())
        if filters is None
        else snapshots.latest(kept_pipeline, **filters)
    )
    year = financial_year_of(today) if year is None else year
    # Feedback: returns in the year; impact: the cohort a year earlier (as the board reports).
    surveys = [
        latest_survey_results(kind=kind.value, period=financial_year(of_year))
        for kind, of_year in ((SurveyKind.FEEDBACK, year), (SurveyKind.IMPACT, year - 1))
        if headlines and FIRST_SURVEY_YEAR <= of_year < LATEST.year  # periods surveys count
    ]
    return Dashboard(
        today=today,
        pipeline=by_state.value,
        overdue=across,
        mine=mine,
        year=year,
        surveys=[snapshot.value for snapshot in surveys],
        as_at=min([by_state.as_at, *(snapshot.as_at for snapshot in surveys)]),
    )
