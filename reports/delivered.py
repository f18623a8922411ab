"""What "delivered" means for every figure of the programme report (DOMAIN.md §7.2): a case
whose onsite visit ended in the period, by today, in a state at or after the visit. A withdrawn
or postponed case never left the states before the visit, so it never counts, whatever its
dates say."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from surveys.periods import Period
from workflow.choices import (
    COUNTED_ROLES,
    ON_TEAM,
    REPORT_ISSUED_OR_LATER,
    AssignmentStatus,
    State,
)
from workflow.models import Assignment, PeerChallenge

VISITED = (State.ONSITE, State.REPORTING, *REPORT_ISSUED_OR_LATER)
CORPORATE = "corporate"  # the corporate peer challenge's type (workflow/challenge_types.py)


def delivered_cases(period: Period, *, today: datetime.date) -> QuerySet[PeerChallenge]:
    """The cases delivered in the period (by `today`: a visit still to end is not delivered)."""
    return PeerChallenge.objects.filter(
        state__in=VISITED, onsite_end__gte=period.start, onsite_end__lte=min(period.end, today)
    )


def earlier_cpc() -> Exists:
    """For a case: its host had a corporate peer challenge delivered before this visit ended
    (the case is then a repeat, not a first-time CPC)."""
    return Exists(
        PeerChallenge.objects.filter(
            host=OuterRef("host"),
            challenge_type__slug=CORPORATE,
            state__in=VISITED,
            onsite_end__lt=OuterRef("onsite_end"),
        )
    )


@dataclass(frozen=True)
class DeliveredCase:
    """One line of the list of what the figures count, for checking them."""

    reference: str
    council: str
    type: str
    onsite_end: datetime.date
    state: str
    first_time_cpc: bool | None  # None: not a CPC
    team: int  # places on the team, excluding the manager and shadows
    days: Decimal


def _places(**which) -> QuerySet[Assignment]:
    """A delivered case's places of a kind, to aggregate as a subquery."""
    return (
        Assignment.objects.filter(challenge=OuterRef("pk"), **which).order_by().values("challenge")
    )


def delivered_list(cases: QuerySet[PeerChallenge]) -> list[DeliveredCase]:
    """Every delivered case with its team and days, in one query, by visit end. Each case's
    team and days are subqueries on its own places and the earlier-CPC test runs for CPCs only
    (a CASE): at 100,000 cases, grouping the wide case rows with their places and testing every
    case took ten times as long (bench/RESULTS.md, P4)."""
    team = _places(status__in=ON_TEAM, role__in=COUNTED_ROLES).annotate(n=Count("pk")).values("n")
    days = _places(status=AssignmentStatus.COMPLETED).annotate(n=Sum("days")).values("n")
    # Plain tuples, not three model instances a row: at 4,000 cases a year, building the
    # instances took longer than the query.
    rows = (
        cases.annotate(
            repeat=Case(
                When(challenge_type__slug=CORPORATE, then=earlier_cpc()),
                output_field=BooleanField(),
            ),
            team=Coalesce(Subquery(team), 0),
            days=Subquery(days),
        )
        .order_by("onsite_end", "pk")
        .values_list(
            "pk",
            "host__name",
            "challenge_type__name",
            "challenge_type__slug",
            "onsite_end",
            "state",
            "repeat",
            "team",
            "days",
        )
    )
    # Equal values share one object: the report is kept pickled (core/snapshots.py), and
    # pickle rebuilds a shared object once, not a Decimal, a date and a name for every one of
    # a year's 3,000 cases (unpickling a kept year took 14 ms, now 4-8: issue 11).
    shared: dict[tuple, Any] = {}

    def one(value: Any) -> Any:
        return shared.setdefault((type(value), value, str(value)), value)

    return [
        DeliveredCase(
            reference=f"PC-{pk:05d}",  # PeerChallenge.reference
            council=one(council),
            type=one(type_name),
            onsite_end=one(onsite_end),  # delivered: it has one
            state=State(state).label,
            first_time_cpc=(not repeat if slug == CORPORATE else None),
            team=team_size,
            days=one(days_logged or Decimal("0")),
        )
        for pk, council, type_name, slug, onsite_end, state, repeat, team_size, days_logged in rows
    ]
