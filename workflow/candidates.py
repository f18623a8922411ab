"""Choosing peers for a case (DESIGN.md §4, issue 8): the active peers, each with what a
manager weighs before inviting them: their conflicts with the host (hard ones shown, not
invitable), their workload in the case's financial year against their maximum, their open
places, how often they accept, their last challenges, specialisms, political group and region.

The list is ranked for the whole pool but shown a page at a time, so it is read in two parts,
each a fixed number of queries however many peers there are (issue 11, P3: 2,000 peers and
400,000 places took 10-21 s when every peer was read in full):

* the order, for every peer the filters leave: whether a hard conflict or a place on this team
  rules them out (flags computed in the database, workflow/conflicts.py), their workload and
  open places (each one grouped query over the places that count: the year's, the open
  cases'). Sorting those few values for a pool of thousands takes milliseconds.
* the rest of a row (the conflicts in words, answers, last challenges, specialisms, councils)
  only for the rows asked for: a page.
"""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, overload

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import RowNumber

from workflow.choices import ON_TEAM, OPEN_PLACES, TERMINAL, UNFINISHED, AssignmentStatus
from workflow.conflicts import Conflict, HostCheck, checked_on
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


class _Ranked(NamedTuple):
    """What the order reads of one peer: the whole pool's are read, in a few queries. A
    plain tuple whose leading fields are the order, so the pool is sorted by comparing the
    tuples themselves (no key computed per peer: thousands per request). `peer_id` is
    unique, so no comparison reaches `place` (an Assignment, which has no order)."""

    blocked: bool  # not invitable: a hard conflict, or a place on this team already
    hard: bool
    workload: Decimal
    open_places: int
    name: str
    peer_id: int
    place: Assignment | None
    days_completed: Decimal
    days_booked: int


class Candidates(Sequence[Candidate]):
    """The ranked candidates, each row read in full only when it is asked for (a page of
    them: indexing, slicing and iterating each read the rows wanted in one batch of queries)."""

    def __init__(self, ranked: list[_Ranked], challenge: PeerChallenge, check: HostCheck):
        self._ranked = ranked
        self._challenge = challenge
        self._check = check
        self._read: dict[int, Candidate] = {}

    def __len__(self) -> int:
        return len(self._ranked)

    @overload
    def __getitem__(self, index: int) -> Candidate: ...
    @overload
    def __getitem__(self, index: slice) -> list[Candidate]: ...
    def __getitem__(self, index: int | slice) -> Candidate | list[Candidate]:
        if isinstance(index, slice):
            return self._rows(self._ranked[index])
        return self._rows([self._ranked[index]])[0]

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._rows(self._ranked))

    def find(self, peer_id: int) -> Candidate | None:
        """The candidate for this peer, if the list holds them."""
        found = [r for r in self._ranked if r.peer_id == peer_id]
        return self._rows(found)[0] if found else None

    def _rows(self, ranked: list[_Ranked]) -> list[Candidate]:
        missing = [r for r in ranked if r.peer_id not in self._read]
        if missing:
            for candidate in _read_in_full(missing, self._challenge, self._check):
                self._read[candidate.peer.pk] = candidate
        # A peer deleted since the order was read is left out.
        return [self._read[r.peer_id] for r in ranked if r.peer_id in self._read]


@dataclass
class CandidateList:
    challenge: PeerChallenge
    on: datetime.date  # the day conflicts are read for
    financial_year: str  # "2026/27": the year workload is counted in
    candidates: Candidates


def candidates_for(
    challenge: PeerChallenge, peers: QuerySet[Peer] | None = None, *, hide_hard: bool = False
) -> CandidateList:
    """The active peers among `peers` (default: all) as candidates for `challenge`'s team:
    those who may be invited first (no hard conflict, no place on it yet), then by least
    workload, fewest open places, name. With `hide_hard`, peers with a hard conflict are left
    out. The order is read here; each row in full when the list is paged or iterated."""
    on = checked_on(challenge)
    year = financial_year_of(on)
    check = HostCheck(challenge.host, on=on)
    chosen = (peers if peers is not None else Peer.objects.all()).filter(is_active=True)
    # Through a subquery: a filter across a many-to-many (specialism) must not repeat a peer.
    pool = check.with_hard_flags(Peer.objects.filter(pk__in=chosen.values("pk")))
    if hide_hard:
        pool = pool.filter(hard_home=False, hard_former=False)
    # The case's places as it was read with them, if it was (the page's case is: no query).
    places = {a.peer_id: a for a in challenge.assignments.all()}
    completed, booked = _year_workload(*financial_year_bounds(year))
    open_places = _open_places()
    zero = Decimal(0)
    ranked = []
    for pk, name, hard_home, hard_former in pool.values_list(
        "pk", "name", "hard_home", "hard_former"
    ):
        hard = hard_home or hard_former
        place = places.get(pk)
        days = completed.get(pk, zero)
        booked_days = booked.get(pk, 0)
        ranked.append(
            _Ranked(
                hard or place is not None,
                hard,
                days + booked_days,
                open_places.get(pk, 0),
                name,
                pk,
                place,
                days,
                booked_days,
            )
        )
    ranked.sort()
    return CandidateList(
        challenge=challenge,
        on=on,
        financial_year=financial_year_label(year),
        candidates=Candidates(ranked, challenge, check),
    )


def _year_workload(
    first: datetime.date, last: datetime.date
) -> tuple[dict[int, Decimal], dict[int, int]]:
    """Each peer's days in the year: logged on completed places with a visit in it, and the
    visits of places accepted on cases not finished (a visit's days, first and last included:
    its days are logged only once completed). One grouped query over the year's places: on
    PostgreSQL the year's cases are a range of case_visits and each one's places a probe of
    places_by_case, both read from the index alone, with or without parallel workers (where
    the visibility map is kept: after VACUUM, as autovacuum keeps it)."""
    in_year = Assignment.objects.filter(
        challenge__onsite_start__range=(first, last), status__in=(Status.COMPLETED, Status.ACCEPTED)
    )
    booked = Q(status=Status.ACCEPTED, challenge__onsite_end__isnull=False) & ~Q(
        challenge__state__in=TERMINAL
    )
    rows = (
        in_year.values("peer_id")
        .annotate(
            completed=Sum("days", filter=Q(status=Status.COMPLETED)),
            visits=Count("peer_id", filter=booked),
            # Each visit's length less its first day: added back by counting the visits.
            spans=Sum(F("challenge__onsite_end") - F("challenge__onsite_start"), filter=booked),
        )
        .values_list("peer_id", "completed", "visits", "spans")
    )
    completed: dict[int, Decimal] = {}
    days_booked: dict[int, int] = {}
    for peer_id, days, visits, spans in rows:
        completed[peer_id] = days or Decimal(0)
        if visits:
            days_booked[peer_id] = spans.days + visits
    return completed, days_booked


def _open_places() -> dict[int, int]:
    """Each peer's open invitations and accepted places on cases not finished."""
    # The states named, not "not terminal": an index scan of the few open cases, not a
    # filter over every case.
    rows = (
        Assignment.objects.filter(status__in=OPEN_PLACES, challenge__state__in=UNFINISHED)
        .values("peer_id")
        .annotate(n=Count("*"))
        .values_list("peer_id", "n")
    )
    return dict(rows)


def _read_in_full(
    ranked: list[_Ranked], challenge: PeerChallenge, check: HostCheck
) -> list[Candidate]:
    """The rows of these peers, in the order given."""
    ids = [r.peer_id for r in ranked]
    peers = Peer.objects.filter(pk__in=ids).select_related("council")
    by_pk = {peer.pk: peer for peer in peers.prefetch_related(*COUNCIL_PREFETCHES)}
    # Names only, not Specialism instances through a prefetch.
    specialisms: dict[int, list[str]] = {}
    for peer_id, name in (
        Peer.specialisms.through.objects.filter(peer_id__in=ids)
        .order_by("specialism__name")
        .values_list("peer_id", "specialism__name")
    ):
        specialisms.setdefault(peer_id, []).append(name)
    answers = {
        peer_id: (answered, accepted)
        for peer_id, answered, accepted in Assignment.objects.filter(peer_id__in=ids)
        .values("peer_id")
        .annotate(
            answered=Count("pk", filter=Q(status__in=ANSWERED)),
            accepted=Count("pk", filter=Q(status__in=ON_TEAM)),
        )
        .values_list("peer_id", "answered", "accepted")
    }
    found = check.conflicts(by_pk.values())
    past = _last_challenges(ids, challenge)
    rows = []
    for r in ranked:
        if (peer := by_pk.get(r.peer_id)) is None:
            continue
        answered, accepted = answers.get(peer.pk, (0, 0))
        rows.append(
            Candidate(
                peer=peer,
                conflicts=found[peer.pk],
                days_completed=r.days_completed,
                days_booked=r.days_booked,
                open_places=r.open_places,
                answered=answered,
                accepted=accepted,
                last_challenges=past.get(peer.pk, []),
                place=r.place,
                specialisms=specialisms.get(peer.pk, []),
            )
        )
    return rows


def _last_challenges(
    peer_ids: list[int], challenge: PeerChallenge
) -> dict[int, list[PeerChallenge]]:
    """Each peer's last few teams but this one, newest first. The latest few per peer are
    picked in SQL (a window over each peer's places, read from an index alone, and each
    one's visit date), and only those cases are read, with only what a row shows: a peer
    has hundreds of places at 100,000 cases. (One query reading the cases' hosts and types
    too would read every case's row, not an index: 50 -> 75 ms.) Each place's visit date is
    a subquery by the case's key, not a join: joined, PostgreSQL hashes all 100,000 cases'
    dates (an index-only scan of them) to match a page's ~3,400 places (25-30 ms); probed,
    each place's case is one lookup by its key (10-15 ms), from case_visit_by_key alone, not
    the case's row (50 peers' 6,800 places, 15 runs of each alternately under load: 18-57 ->
    14-46 ms, faster in 7 pairs of 8). The answers stay a
    query of their own: counted in this one as window aggregates, all 10,000 of the peers'
    places went through the window's sort (35 ms against 22 + 6 for the two)."""
    visit = PeerChallenge.objects.filter(pk=OuterRef("challenge_id")).order_by()
    latest = (
        Assignment.objects.filter(peer_id__in=peer_ids, status__in=ON_TEAM)
        .exclude(challenge=challenge)
        .annotate(visit=Subquery(visit.values("onsite_start")))
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=F("peer_id"),
                order_by=[F("visit").desc(), F("pk").desc()],
            )
        )
        .filter(n__lte=LAST_CHALLENGES)
        .order_by("peer_id", "n")
        .values_list("peer_id", "challenge_id")
    )
    pairs = list(latest)
    # A case's reference (its id), host, type and visit (and its state, which the state
    # machine reads as each is made).
    cases = (
        PeerChallenge.objects.select_related("host", "challenge_type")
        .only("state", "onsite_start", "host__name", "challenge_type__name")
        .in_bulk({case_id for _, case_id in pairs})
    )
    found: dict[int, list[PeerChallenge]] = {}
    for peer_id, case_id in pairs:
        found.setdefault(peer_id, []).append(cases[case_id])
    return found
