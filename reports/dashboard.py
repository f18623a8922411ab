"""The dashboard's figures: the pipeline (cases by state and type, one grouped query), what is
overdue (reports/overdue.py), across the programme under the page's filters and for the
signed-in manager's own cases, and the year's survey headlines (surveys/results.py's own
figures, programme-wide: the results page has them by period)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from reports.overdue import Kind, overdue
from surveys.models import SurveyKind
from surveys.periods import financial_year
from surveys.results import SurveyResults, survey_results
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


def dashboard(
    *,
    cases: QuerySet[PeerChallenge],
    user,
    today: datetime.date,
    manages: bool,
    year: int | None = None,
) -> Dashboard:
    """`cases`: the filtered cases; `manages`: show `user`'s own actions (their cases, not
    filtered: it is their to-do list); `year`: the financial year of the survey headlines
    (this one by default)."""
    mine = overdue(PeerChallenge.objects.filter(manager=user), today) if manages else None
    year = financial_year_of(today) if year is None else year
    # Feedback: returns in the year; impact: the cohort a year earlier (as the board reports).
    surveys = [
        survey_results(kind=kind, period=financial_year(of_year))
        for kind, of_year in ((SurveyKind.FEEDBACK, year), (SurveyKind.IMPACT, year - 1))
        if FIRST_SURVEY_YEAR <= of_year < LATEST.year  # the periods surveys can count
    ]
    return Dashboard(
        today=today,
        pipeline=pipeline(cases),
        overdue=overdue(cases, today),
        mine=mine,
        year=year,
        surveys=surveys,
    )
