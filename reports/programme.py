"""The programme report for a UK financial year or one of its quarters or halves: the board's
figures as DOMAIN.md §7.2 defines them, each computed by an aggregate query (the number of
queries does not grow with the cases).

Definitions, decided here once:
* **Delivered**: a case whose onsite visit ended in the period (and by today), in a state at
  or after the visit (onsite … closed). A withdrawn or postponed case never left the states
  before the visit, so it never counts, whatever its dates say.
* **Councils engaged**: distinct hosts of the delivered cases, of any type.
* **Peers deployed**: distinct peers with a completed place on a delivered case, split by the
  peer's kind (councillor = member peer, officer); shadows included: they were deployed.
* **Peer days**: the days logged on those places (half days kept, Decimal).
* **Average CPC team size**: places on the team (accepted or completed) of the corporate peer
  challenges delivered, excluding the LGA manager (never a place) and shadows (trainees, not
  counted in a team's size: workflow.choices.COUNTED_ROLES), over the CPCs with a recorded team.
* **First-time CPC**: the host had no corporate peer challenge delivered before this one.
* **Take-up**: as at today, the share of current English councils that have had a CPC
  delivered or hold a booked one (an open corporate case past enquiry).
* **Surveys**: the feedback survey's returns completed in the period; the impact survey of
  the cohort whose visit ended in the same period a year earlier, as the board reports it.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import snapshots
from core.errors import InvalidInput
from reports.delivered import (
    CORPORATE,
    VISITED,
    DeliveredCase,
    delivered_cases,
    delivered_list,
    earlier_cpc,
)
from reports.models import ReportingGroup
from reports.targets import TargetLine, target_lines
from reports.words import delivery_paragraph
from surveys.models import SurveyKind
from surveys.periods import Period, financial_year
from surveys.results import SurveyResults, percent, survey_results
from workflow.choices import (
    COUNTED_ROLES,
    HOLDS_A_PLACE,
    ON_TEAM,
    AssignmentStatus,
    PeerKind,
)
from workflow.dates import EARLIEST, LATEST
from workflow.models import Assignment, ChallengeType, Council, PeerChallenge

TENTH = Decimal("0.1")
FIRST_YEAR = EARLIEST.year + 1


@dataclass(frozen=True)
class TypeCount:
    slug: str
    name: str
    delivered: int
    councils: int


@dataclass(frozen=True)
class Peers:
    deployed: int
    councillors: int
    officers: int
    days: Decimal


@dataclass(frozen=True)
class TeamSize:
    cpcs: int  # corporate peer challenges delivered
    with_team: int  # of which with a recorded team
    places: int
    average: Decimal | None  # one decimal place


@dataclass(frozen=True)
class FirstTime:
    cpcs: int
    first_time: int
    percent: int | None

    @property
    def repeat(self) -> int:
        return self.cpcs - self.first_time


@dataclass(frozen=True)
class TakeUp:
    as_at: datetime.date
    eligible: int  # current English councils
    had: int  # had a CPC delivered
    booked_only: int  # no CPC yet, one booked
    percent: int | None

    @property
    def taken_up(self) -> int:
        return self.had + self.booked_only


@dataclass(frozen=True)
class ProgrammeReport:
    year: int
    part: str
    period: Period
    today: datetime.date
    as_at: datetime.date  # the period's end, or today while it runs
    delivered: int
    councils_engaged: int
    by_type: list[TypeCount]
    by_group: list[TypeCount]
    peers: Peers
    team: TeamSize
    first_time: FirstTime
    targets: list[TargetLine]
    take_up: TakeUp
    feedback: SurveyResults
    impact: SurveyResults
    cases: list[DeliveredCase]  # what the figures count, to check them by

    @property
    def paragraph(self) -> str:
        """The delivery paragraph in the board's words (reports/words.py): no queries."""
        return delivery_paragraph(self)


def _by_type(cases: QuerySet[PeerChallenge]) -> list[TypeCount]:
    # Grouped over the delivered cases alone: annotating every type with a filtered COUNT
    # joined all 100,000 cases to filter them afterwards.
    counts = {
        row["challenge_type"]: (row["delivered"], row["councils"])
        for row in cases.order_by()
        .values("challenge_type")
        .annotate(delivered=Count("pk"), councils=Count("host", distinct=True))
    }
    found = [(t, *counts.get(t.pk, (0, 0))) for t in ChallengeType.objects.all()]
    return [
        TypeCount(t.slug, t.name, delivered, councils)
        for t, delivered, councils in sorted(found, key=lambda row: (-row[1], row[0].name))
        if delivered or t.is_active
    ]


def _by_group(cases: QuerySet[PeerChallenge]) -> list[TypeCount]:
    # One pass over the delivered cases with a pair of filtered counts a group (a type may be
    # in several groups). Joining the groups' links to their types' cases kept the delivered
    # ones out of every case of those types: 25,000 rows read for 3,000 at scale (issue 11).
    groups = list(ReportingGroup.objects.prefetch_related("types"))
    scopes = {g.pk: [t.pk for t in g.types.all()] for g in groups}
    counts = cases.aggregate(
        **{
            f"{figure}_{pk}": Count(
                field, distinct=field == "host", filter=Q(challenge_type__in=types)
            )
            for pk, types in scopes.items()
            if types  # a group of no types delivered nothing
            for figure, field in (("delivered", "pk"), ("councils", "host"))
        }
    )
    return [
        TypeCount(
            g.slug, g.name, counts.get(f"delivered_{g.pk}", 0), counts.get(f"councils_{g.pk}", 0)
        )
        for g in groups
    ]


def _peers(cases: QuerySet[PeerChallenge]) -> Peers:
    totals = Assignment.objects.filter(
        challenge__in=cases, status=AssignmentStatus.COMPLETED
    ).aggregate(
        deployed=Count("peer", distinct=True),
        councillors=Count("peer", distinct=True, filter=Q(peer__kind=PeerKind.MEMBER)),
        officers=Count("peer", distinct=True, filter=Q(peer__kind=PeerKind.OFFICER)),
        days=Coalesce(Sum("days"), Decimal("0")),
    )
    return Peers(**totals)


def _team(cases: QuerySet[PeerChallenge]) -> TeamSize:
    cpcs = cases.filter(challenge_type__slug=CORPORATE)
    places = Assignment.objects.filter(
        challenge__in=cpcs, status__in=ON_TEAM, role__in=COUNTED_ROLES
    ).aggregate(places=Count("pk"), with_team=Count("challenge", distinct=True))
    average = None
    if places["with_team"]:
        average = (Decimal(places["places"]) / places["with_team"]).quantize(
            TENTH,
            rounding=ROUND_HALF_UP,  # as the board prints: 4.25 is 4.3
        )
    return TeamSize(
        cpcs=cpcs.count(), with_team=places["with_team"], places=places["places"], average=average
    )


def _first_time(cases: QuerySet[PeerChallenge]) -> FirstTime:
    totals = (
        cases.filter(challenge_type__slug=CORPORATE)
        .annotate(repeat=earlier_cpc())
        .aggregate(cpcs=Count("pk"), first_time=Count("pk", filter=Q(repeat=False)))
    )
    return FirstTime(**totals, percent=percent(totals["first_time"], totals["cpcs"]))


def _take_up(today: datetime.date) -> TakeUp:
    cpcs = PeerChallenge.objects.filter(host=OuterRef("pk"), challenge_type__slug=CORPORATE)
    had = cpcs.filter(state__in=VISITED, onsite_end__lte=today)
    # Open, past enquiry: HOLDS_A_PLACE, less what has been delivered (counted in `had`).
    booked = cpcs.filter(HOLDS_A_PLACE)
    totals = (
        Council.objects.active_english()
        .annotate(has_had=Exists(had), is_booked=Exists(booked))
        .aggregate(
            eligible=Count("pk"),
            had=Count("pk", filter=Q(has_had=True)),
            booked_only=Count("pk", filter=Q(has_had=False, is_booked=True)),
        )
    )
    return TakeUp(
        as_at=today,
        **totals,
        percent=percent(totals["had"] + totals["booked_only"], totals["eligible"]),
    )


def programme_report(
    *, year: int, part: str = "", today: datetime.date | None = None
) -> ProgrammeReport:
    """Every figure of the programme report for financial year `year` (2016 is 2016/17), or
    one of its PARTS (Q1 … Q4, H1, H2). Raises InvalidInput for a year or part out of range
    (the first year is FIRST_YEAR: the impact cohort is the year before)."""
    if not FIRST_YEAR <= year < LATEST.year:
        raise InvalidInput({"year": [f"Enter a year from {FIRST_YEAR} to {LATEST.year - 1}"]})
    today = today or timezone.localdate()
    period = financial_year(year, part)
    cohort = financial_year(year - 1, part)
    cases = delivered_cases(period, today=today)
    totals = cases.aggregate(delivered=Count("pk"), councils=Count("host", distinct=True))
    return ProgrammeReport(
        year=year,
        part=part,
        period=period,
        today=today,
        as_at=min(today, period.end),
        delivered=totals["delivered"],
        councils_engaged=totals["councils"],
        by_type=_by_type(cases),
        by_group=_by_group(cases),
        peers=_peers(cases),
        team=_team(cases),
        first_time=_first_time(cases),
        targets=target_lines(year=year, today=today),
        take_up=_take_up(today),
        feedback=survey_results(kind=SurveyKind.FEEDBACK, period=period),
        impact=survey_results(kind=SurveyKind.IMPACT, period=cohort),
        cases=delivered_list(cases),
    )


@snapshots.kept
def kept_programme_report(*, year: int, part: str = "") -> ProgrammeReport:
    """The report as the page, the API and every CSV read it: kept per year and part for a
    few minutes (core/snapshots.py, issue 11), so the three agree and a read costs a cache
    lookup, not the half second of aggregates. `today` is the snapshot's day (its key)."""
    return programme_report(year=year, part=part)
