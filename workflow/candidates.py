"""Choosing peers for a case (DESIGN.md §4, issue 8): the active peers, each with what a
manager weighs before inviting them: their conflicts with the host (hard ones shown, not
invitable), their workload in the case's financial year against their maximum, their open
places, how often they accept, their last challenges, specialisms, political group and region.

However many peers there are, one list costs a fixed number of queries: the workload and the
answers are annotations, the councils, specialisms and past places prefetched, the conflicts
checked together (workflow/conflicts.py), and the accepted places on open cases read in one.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from workflow.choices import ON_TEAM, OPEN_PLACES, TERMINAL, AssignmentStatus
from workflow.conflicts import Conflict, checked_on, conflicts_for_case
from workflow.dates import financial_year_bounds, financial_year_label, financial_year_of
from workflow.models import Assignment, Peer, PeerChallenge
from workflow.models.peers import COUNCIL_PREFETCHES

LAST_CHALLENGES = 3
Status = AssignmentStatus
# An invitation answered: accepted (and perhaps since completed) or declined. One that lapsed
# or was taken back was never answered.
ANSWERED = (Status.ACCEPTED, Status.COMPLETED, Status.DECLINED)


@dataclass
class Candidate:
    peer: Peer
    conflicts: list[Conflict]
    days_completed: Decimal  # logged on completed places with a visit in the year
    days_booked: int  # the visits of accepted places on open cases in the year
    open_places: int  # invitations open and places accepted, on cases not finished
    answered: int
    accepted: int
    last_challenges: list[PeerChallenge]
    place: Assignment | None = None  # their place on this case's team, if they have one
    specialisms: list[str] = field(default_factory=list)

    @property
    def hard(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.is_hard]

    @property
    def soft(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.is_hard]

    @property
    def invitable(self) -> bool:
        """May be put on the team: no hard conflict, and no place on it already."""
        return not self.hard and self.place is None

    @property
    def workload(self) -> Decimal:
        """Days in the financial year: logged on completed places, and the visits accepted."""
        return self.days_completed + self.days_booked

    @property
    def max_days(self) -> int:
        return self.peer.max_days_per_year

    @property
    def over_limit(self) -> bool:
        return self.workload > self.max_days

    @property
    def acceptance_rate(self) -> float | None:
        """Of the invitations they answered, the share accepted; None if they answered none."""
        return self.accepted / self.answered if self.answered else None


@dataclass
class CandidateList:
    challenge: PeerChallenge
    on: datetime.date  # the day conflicts are read for
    financial_year: str  # "2026/27": the year workload is counted in
    candidates: list[Candidate]


def candidates_for(
    challenge: PeerChallenge, peers: QuerySet[Peer] | None = None, *, hide_hard: bool = False
) -> CandidateList:
    """The active peers among `peers` (default: all) as candidates for `challenge`'s team:
    those who may be invited first (no hard conflict, no place on it yet), then by least
    workload, fewest open places, name. With `hide_hard`, peers with a hard conflict are left
    out."""
    on = checked_on(challenge)
    year = financial_year_of(on)
    first, last = financial_year_bounds(year)
    in_year = Q(assignments__challenge__onsite_start__range=(first, last))
    chosen = (peers if peers is not None else Peer.objects.all()).filter(is_active=True)
    annotated = (
        Peer.objects.filter(pk__in=chosen.values("pk"))
        .select_related("council")
        .annotate(
            days_completed=Sum(
                "assignments__days", filter=in_year & Q(assignments__status=Status.COMPLETED)
            ),
            open_places=Count(
                "assignments",
                filter=Q(assignments__status__in=OPEN_PLACES)
                & ~Q(assignments__challenge__state__in=TERMINAL),
            ),
            answered=Count("assignments", filter=Q(assignments__status__in=ANSWERED)),
            accepted=Count("assignments", filter=Q(assignments__status__in=ON_TEAM)),
        )
        .prefetch_related(
            *COUNCIL_PREFETCHES,
            "specialisms",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status__in=ON_TEAM)
                .exclude(challenge=challenge)
                .select_related("challenge__host", "challenge__challenge_type")
                # Sliced: the latest few per peer, picked in SQL (a window function), not
                # every place of every peer turned into objects (seconds at 100,000 cases).
                .order_by("-challenge__onsite_start", "-pk")[:LAST_CHALLENGES],
                to_attr="past_places",
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(challenge=challenge),
                to_attr="places_here",
            ),
        )
        .order_by("name", "pk")
    )
    rows = list(annotated)
    booked = _days_booked(rows, first, last)
    found = conflicts_for_case(rows, challenge)
    candidates = [
        Candidate(
            peer=peer,
            conflicts=found[peer.pk],
            days_completed=peer.days_completed or Decimal(0),
            days_booked=booked.get(peer.pk, 0),
            open_places=peer.open_places,
            answered=peer.answered,
            accepted=peer.accepted,
            last_challenges=[p.challenge for p in peer.past_places[:LAST_CHALLENGES]],
            place=next(iter(peer.places_here), None),
            specialisms=[s.name for s in peer.specialisms.all()],
        )
        for peer in rows
    ]
    if hide_hard:
        candidates = [c for c in candidates if not c.hard]
    candidates.sort(
        key=lambda c: (not c.invitable, bool(c.hard), c.workload, c.open_places, c.peer.name)
    )
    return CandidateList(
        challenge=challenge,
        on=on,
        financial_year=financial_year_label(year),
        candidates=candidates,
    )


def _days_booked(peers: list[Peer], first: datetime.date, last: datetime.date) -> dict[int, int]:
    """Each peer's days of visits they have accepted on cases not finished, in the year (a
    visit's days, first and last included: its days are logged only once completed)."""
    visits = Assignment.objects.filter(
        peer__in=peers,
        status=Status.ACCEPTED,
        challenge__onsite_start__range=(first, last),
        challenge__onsite_end__isnull=False,
    ).exclude(challenge__state__in=TERMINAL)
    days: dict[int, int] = defaultdict(int)
    for peer_id, start, end in visits.values_list(
        "peer_id", "challenge__onsite_start", "challenge__onsite_end"
    ):
        days[peer_id] += (end - start).days + 1
    return days
