"""The coverage planner: every current English council with its last corporate peer challenge,
whether one is booked, when the next is due (the last visit + the corporate type's
repeat_interval_months) and, where it has lapsed or never had one, the reason recorded.

Definitions, as the programme report has them (reports/delivered.py): a CPC was **had** when it
was delivered (its visit ended, by today, the case at or after the visit); one is **booked**
when an open corporate case holds the council's place (HOLDS_A_PLACE) and is not yet
delivered. A council is then, in this order:
* **booked**: one is booked;
* **never**: none delivered and none booked;
* **lapsed**: the next due date has come, none booked;
* **current**: had one, the next not yet due.
One query for every council, whatever their number. The figures from the cases are kept
(core/snapshots.py: the query reads every council's cases, ~45 ms at 100,000 cases, and the
page draws every council); the reasons are read as they are, so a manager who records one sees
it at once.
"""

import datetime
from dataclasses import dataclass, replace

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from core import snapshots
from notifications.rules import add_months
from reports.delivered import CORPORATE, VISITED
from reports.models import CoverageNote
from workflow.choices import HOLDS_A_PLACE
from workflow.models import ChallengeType, Council, PeerChallenge

BOOKED, NEVER, LAPSED, CURRENT = "booked", "never", "lapsed", "current"
STATUSES = {
    CURRENT: "Up to date",
    BOOKED: "Booked",
    LAPSED: "Lapsed: due again",
    NEVER: "Never had one",
}
NEEDS_A_REASON = (NEVER, LAPSED)


@dataclass(frozen=True)
class CouncilCoverage:
    council: Council
    last_case_id: int | None
    last_visit: datetime.date | None  # the last CPC's visit ended
    booked_case_id: int | None
    booked_visit: datetime.date | None  # the booked CPC's visit starts (if dated)
    next_due: datetime.date | None  # None: never had one, or the type does not repeat
    status: str
    reason: str  # the coverage note, where one is recorded

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def needs_a_reason(self) -> bool:
        return self.status in NEEDS_A_REASON


def _annotated(councils: QuerySet[Council], today: datetime.date) -> QuerySet[Council]:
    cpcs = PeerChallenge.objects.filter(host=OuterRef("pk"), challenge_type__slug=CORPORATE)
    delivered = Q(state__in=VISITED, onsite_end__lte=today)
    had = cpcs.filter(delivered).order_by("-onsite_end", "-pk")
    booked = cpcs.filter(HOLDS_A_PLACE).exclude(delivered).order_by("onsite_start", "pk")
    return councils.annotate(
        last_case_id=Subquery(had.values("pk")[:1]),
        last_visit=Subquery(had.values("onsite_end")[:1]),
        is_booked=Exists(booked),
        booked_case_id=Subquery(booked.values("pk")[:1]),
        booked_visit=Subquery(booked.values("onsite_start")[:1]),
    ).order_by("name", "pk")


def repeat_months() -> int | None:
    cpc = ChallengeType.objects.filter(slug=CORPORATE).first()
    return cpc.repeat_interval_months if cpc else None


def status(
    *, last_visit: datetime.date | None, booked: bool, next_due, today: datetime.date
) -> str:
    if booked:
        return BOOKED
    if last_visit is None:
        return NEVER
    if next_due is not None and next_due <= today:
        return LAPSED
    return CURRENT


def coverage(
    *, today: datetime.date, region: str = "", status_in: tuple[str, ...] = ()
) -> list[CouncilCoverage]:
    """Every current English council (of `region` if given; of the statuses in `status_in`
    if any), by name, computed now."""
    return _chosen(_figures(today), region=region, status_in=status_in)


def latest_coverage(
    *, today: datetime.date, region: str = "", status_in: tuple[str, ...] = ()
) -> snapshots.Snapshot[list[CouncilCoverage]]:
    """coverage(), its figures from the cases kept (computed now if none are kept), its
    reasons as they are now."""
    kept = snapshots.latest(kept_figures, today=today.isoformat())
    return snapshots.Snapshot(_chosen(kept.value, region=region, status_in=status_in), kept.as_at)


@snapshots.kept
def kept_figures(*, today: str) -> list[CouncilCoverage]:
    """Every current English council's figures from its cases, for core/snapshots.py."""
    return _figures(datetime.date.fromisoformat(today))


def _figures(today: datetime.date) -> list[CouncilCoverage]:
    """Every current English council's figures from its cases, by name; no reasons."""
    months = repeat_months()
    rows = []
    for council in _annotated(Council.objects.active_english(), today):
        last = council.last_visit  # type: ignore[attr-defined]
        next_due = add_months(last, months) if last and months else None
        booked = council.is_booked  # type: ignore[attr-defined]
        rows.append(
            CouncilCoverage(
                council=council,
                last_case_id=council.last_case_id,  # type: ignore[attr-defined]
                last_visit=last,
                booked_case_id=council.booked_case_id if booked else None,  # type: ignore[attr-defined]
                booked_visit=council.booked_visit if booked else None,  # type: ignore[attr-defined]
                next_due=next_due,
                status=status(last_visit=last, booked=booked, next_due=next_due, today=today),
                reason="",
            )
        )
    return rows


def _chosen(
    rows: list[CouncilCoverage], *, region: str, status_in: tuple[str, ...]
) -> list[CouncilCoverage]:
    """The rows of `region` (any case) and of the statuses in `status_in`, each with the
    reason recorded now."""
    reasons = dict(CoverageNote.objects.values_list("council_id", "reason"))
    region = region.lower()
    return [
        replace(row, reason=reasons.get(row.council.pk, ""))
        for row in rows
        if (not region or row.council.region.lower() == region)
        and (not status_in or row.status in status_in)
    ]


def regions() -> list[str]:
    return list(
        Council.objects.active_english()
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
