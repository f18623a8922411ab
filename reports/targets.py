"""Delivery against the year's targets (DeliveryTarget): for all types and for each reporting
group with a target, the year to date and each quarter's cumulative total, with a RAG status.

The rule, said once:
* the **pro-rata target** at a date is the year's target x the whole months of the financial
  year ended by that date ÷ 12 (so at the end of Q2 it is half the target; in April, nothing
  is due yet);
* **green**: delivered on or above the pro-rata target; **amber**: below it by no more than
  10 % of it; **red**: further below. No RAG while nothing is due.
* a quarter's **change** is how many more it delivered than the quarter before (Q1 is
  compared with the previous year's Q4); its **increase** is what it added to the cumulative
  total (the board's "an increase of 43 in one quarter").
Delivered means what reports.programme says; every count comes from one aggregate query.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from reports.delivered import VISITED
from reports.models import DeliveryTarget, ReportingGroup
from surveys.periods import financial_year
from workflow.models import PeerChallenge

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
GREEN, AMBER, RED = "green", "amber", "red"
ALL_TYPES = "All peer challenges"


@dataclass(frozen=True)
class QuarterLine:
    quarter: str
    started: bool
    delivered: int  # in the quarter: the increase in the cumulative total
    change: int | None  # on the quarter before
    cumulative: int
    expected: Decimal | None  # the pro-rata target at the quarter's end (or today)
    rag: str | None


@dataclass(frozen=True)
class TargetLine:
    scope: str  # "All peer challenges" or the group's name
    group: str | None  # the group's slug
    target: int | None  # None: no target set for the year
    expected: Decimal | None
    delivered: int  # the year to date
    rag: str | None
    quarters: list[QuarterLine]


def months_ended(year: int, day: datetime.date) -> int:
    """Whole months of financial year `year` ended by the end of `day` (0 to 12)."""
    start, end = financial_year(year).start, financial_year(year).end
    if day < start:
        return 0
    day = min(day, end)
    months = (day.year - start.year) * 12 + day.month - start.month
    last_of_month = (day + datetime.timedelta(days=1)).month != day.month
    return months + (1 if last_of_month else 0)


def rag(delivered: int, target: int | None, months: int) -> str | None:
    """Integer arithmetic: delivered ≥ target x months / 12, or ≥ 90 % of it."""
    if not target or not months:
        return None
    due = target * months  # x 12 on the other side
    if delivered * 12 >= due:
        return GREEN
    if delivered * 12 * 10 >= due * 9:
        return AMBER
    return RED


def _expected(target: int | None, months: int) -> Decimal | None:
    if target is None:
        return None
    return (Decimal(target * months) / 12).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _quarter_counts(year: int, today: datetime.date, scopes: dict[str, Q]) -> dict[str, int]:
    """`<scope>_<Q0..Q4>`: cases delivered by quarter, Q0 being last year's Q4, in one query."""
    periods = {"Q0": financial_year(year - 1, "Q4")}
    periods |= {q: financial_year(year, q) for q in QUARTERS}
    counts = {
        f"{name}_{q}": Count(
            "pk",
            filter=scope & Q(onsite_end__gte=period.start, onsite_end__lte=min(period.end, today)),
        )
        for name, scope in scopes.items()
        for q, period in periods.items()
    }
    # The whole span in the WHERE too, so the visit-end index finds the cases: filtered
    # counts alone read all 100,000 (issue 11).
    span = {"onsite_end__gte": periods["Q0"].start, "onsite_end__lte": periods["Q4"].end}
    return PeerChallenge.objects.filter(state__in=VISITED, **span).aggregate(**counts)


def target_lines(*, year: int, today: datetime.date) -> list[TargetLine]:
    """All types first, then each reporting group (those without a target too, so the table
    shows what is delivered and says no target is set)."""
    targets = {t.group_id: t.target for t in DeliveryTarget.objects.filter(year=year)}
    groups = list(ReportingGroup.objects.prefetch_related("types"))
    scopes = {"all": Q()}
    scopes |= {f"g{g.pk}": Q(challenge_type__in=[t.pk for t in g.types.all()]) for g in groups}
    counts = _quarter_counts(year, today, scopes)
    lines = []
    named: list[tuple[str, str, str | None, int | None]] = [
        ("all", ALL_TYPES, None, targets.get(None))
    ]
    named += [(f"g{g.pk}", g.name, g.slug, targets.get(g.pk)) for g in groups]
    for key, scope, slug, target in named:
        quarters = []
        cumulative = 0
        before = counts[f"{key}_Q0"]
        for q in QUARTERS:
            period = financial_year(year, q)
            started = period.start <= today
            delivered = counts[f"{key}_{q}"]
            cumulative += delivered
            months = months_ended(year, min(period.end, today))
            quarters.append(
                QuarterLine(
                    quarter=q,
                    started=started,
                    delivered=delivered,
                    change=delivered - before if started else None,
                    cumulative=cumulative,
                    expected=_expected(target, months) if started else None,
                    rag=rag(cumulative, target, months) if started else None,
                )
            )
            before = delivered
        months = months_ended(year, today)
        lines.append(
            TargetLine(
                scope=scope,
                group=slug,
                target=target,
                expected=_expected(target, months),
                delivered=cumulative,
                rag=rag(cumulative, target, months),
                quarters=quarters,
            )
        )
    return lines
