"""Conflict checks before a peer is invited to a council (DESIGN.md §4, issue 8), read from the
council register: pure functions of the peer's councils and the host's place in the register.

A peer's own councils are their home council and each former council they left within
`settings.PEER_FORMER_COUNCIL_YEARS` of the visit (DOMAIN.md §4.3 leaves N open; 5 by
default). Against those, HARD conflicts block the invitation and cannot be overridden:

* the host is one of them;
* the host is the county of one of them, or a district of one of them;
* the host replaced one of them, or one of them replaced the host (the register's
  `replaced_by`, either way).

SOFT conflicts warn; the manager may invite after recording a reason. They read the home
council only (where the peer is now):

* the host and the home council are in the same combined authority (or the home council is
  that authority);
* the host and the home council are in the same region of England;
* the peer has declared an interest in the host.

Each conflict says why in words that name both councils.
"""

import datetime
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from workflow.models import Council, Peer, PeerChallenge, PeerFormerCouncil
from workflow.models.peers import COUNCIL_PREFETCHES


class Severity(enum.StrEnum):
    HARD = "hard"  # no invitation
    SOFT = "soft"  # an invitation with the manager's recorded reason


class Code(enum.StrEnum):
    HOME_COUNCIL = "home_council"
    FORMER_COUNCIL = "former_council"
    COUNTY_OF_THEIR_DISTRICT = "county_of_their_district"
    DISTRICT_OF_THEIR_COUNTY = "district_of_their_county"
    SUCCESSOR = "successor"  # the host replaced one of the peer's councils
    PREDECESSOR = "predecessor"  # one of the peer's councils replaced the host
    SAME_COMBINED_AUTHORITY = "same_combined_authority"
    SAME_REGION = "same_region"
    DECLARED_INTEREST = "declared_interest"


@dataclass(frozen=True)
class Conflict:
    severity: Severity
    code: Code
    reason: str

    @property
    def is_hard(self) -> bool:
        return self.severity == Severity.HARD


def former_council_cutoff(on: datetime.date) -> datetime.date:
    """A former council left on or after this day counts as the peer's own on `on`."""
    years = settings.PEER_FORMER_COUNCIL_YEARS
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February, and the year N back is not a leap year
        return on.replace(year=on.year - years, day=28)


def checked_on(challenge: PeerChallenge) -> datetime.date:
    """The day a case's conflicts are read for: its onsite start, today while it has none
    (a former council's window is counted back from the visit)."""
    return challenge.onsite_start or timezone.localdate()


def conflicts_for_case(
    peers: Iterable[Peer], challenge: PeerChallenge
) -> dict[int, list[Conflict]]:
    """`conflicts_for_peers` at the case's host, on the day its conflicts are read for."""
    return conflicts_for_peers(peers, challenge.host, on=checked_on(challenge))


def conflicts(peer: Peer, host: Council, *, on: datetime.date) -> list[Conflict]:
    """Why `peer` should not (hard) or may only with a reason (soft) serve at `host` on `on`;
    hard ones first."""
    return conflicts_for_peers([peer], host, on=on)[peer.pk]


def conflicts_for_peers(
    peers: Iterable[Peer], host: Council, *, on: datetime.date
) -> dict[int, list[Conflict]]:
    """`conflicts` for many peers at once, in a fixed number of queries however many there are
    (peers from `Peer.objects.with_councils()` cost none for their councils)."""
    return HostCheck(host, on=on).conflicts(peers)


class HostCheck:
    """The conflicts at one host on one day: the host's place in the register read once, then
    asked of any number of peers, in words (`conflicts`) or, for a whole pool at once, as
    columns the database computes (`with_hard_flags`)."""

    def __init__(self, host: Council, *, on: datetime.date):
        self.facts = _Host.of(host)
        self.cutoff = former_council_cutoff(on)

    def conflicts(self, peers: Iterable[Peer]) -> dict[int, list[Conflict]]:
        peers = list(peers)
        prefetch_related_objects(peers, "council", *COUNCIL_PREFETCHES)
        return {peer.pk: _sorted(_conflicts(peer, self.facts, self.cutoff)) for peer in peers}

    def with_hard_flags(self, peers: QuerySet[Peer]) -> QuerySet[Any]:  # Any: two new columns
        """`peers` with `hard_home` and `hard_former`: whether their home council, or a former
        council within the window, hosting here is a hard conflict: the hard rules of
        `_conflicts` as sets (the host, its county, its districts, what replaced it and what
        it replaced), so a pool of thousands is flagged in one query without loading a
        council. Exists, not IN: a peer without a home council is False, never NULL."""
        host = self.facts.council
        near = {host.pk, *self.facts.successors, *self.facts.predecessors}
        if host.county_id is not None:
            near.add(host.county_id)
        hard = Council.objects.filter(Q(pk__in=near) | Q(county_id=host.pk))
        return peers.annotate(
            hard_home=Exists(hard.filter(pk=OuterRef("council_id"))),
            hard_former=Exists(
                PeerFormerCouncil.objects.filter(
                    peer=OuterRef("pk"), until__gte=self.cutoff, council__in=hard
                )
            ),
        )


@dataclass(frozen=True)
class _Host:
    council: Council
    combined_authority: Council | None
    successors: frozenset[int]  # councils that replaced the host
    predecessors: frozenset[int]  # councils the host replaced

    @classmethod
    def of(cls, host: Council) -> "_Host":
        links = Council.replaced_by.through.objects.filter(from_council=host) | (
            Council.replaced_by.through.objects.filter(to_council=host)
        )
        pairs = list(links.values_list("from_council_id", "to_council_id"))
        return cls(
            council=host,
            combined_authority=host.combined_authority,
            successors=frozenset(new for old, new in pairs if old == host.pk),
            predecessors=frozenset(old for old, new in pairs if new == host.pk),
        )


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def _own_councils(peer: Peer, cutoff: datetime.date) -> Iterator[tuple[Council, Code, str]]:
    """The councils that count as the peer's own: each with the conflict it is when it hosts,
    and how to say whose it is."""
    if peer.council is not None:
        yield peer.council, Code.HOME_COUNCIL, "the peer's home council"
    for former in peer.former_councils.all():
        if former.until >= cutoff:
            whose = f"the peer's council until {_day(former.until)}"
            yield former.council, Code.FORMER_COUNCIL, whose


def _conflicts(peer: Peer, facts: _Host, cutoff: datetime.date) -> Iterator[Conflict]:
    host = facts.council
    hard, soft = Severity.HARD, Severity.SOFT
    for council, code, whose in _own_councils(peer, cutoff):
        if council.pk == host.pk:
            yield Conflict(hard, code, f"{host}, the host, is {whose}")
            continue
        if council.county_id == host.pk:
            why = f"{council} ({whose}) is a district of {host}, the host"
            yield Conflict(hard, Code.COUNTY_OF_THEIR_DISTRICT, why)
        if host.county_id == council.pk:
            why = f"{host}, the host, is a district of {council} ({whose})"
            yield Conflict(hard, Code.DISTRICT_OF_THEIR_COUNTY, why)
        if council.pk in facts.predecessors:
            why = f"{host}, the host, replaced {council} ({whose})"
            yield Conflict(hard, Code.SUCCESSOR, why)
        if council.pk in facts.successors:
            why = f"{host}, the host, was replaced by {council} ({whose})"
            yield Conflict(hard, Code.PREDECESSOR, why)

    home = peer.council
    authority = facts.combined_authority
    if home is not None and home.pk != host.pk:
        if authority is not None and authority.pk in (home.pk, home.combined_authority_id):
            name = authority.official_name or authority.name
            why = (
                f"{host}, the host, is a member of {name} (the peer's home council)"
                if authority.pk == home.pk
                else f"{host}, the host, and {home} (the peer's home council) are both in {name}"
            )
            yield Conflict(soft, Code.SAME_COMBINED_AUTHORITY, why)
        if host.region and home.region == host.region:
            why = (
                f"{host}, the host, and {home} (the peer's home council) are both in the "
                f"{host.region} region"
            )
            yield Conflict(soft, Code.SAME_REGION, why)
    for interest in peer.interests.all():
        if interest.council_id == host.pk:
            note = f": {interest.note}" if interest.note else ""
            why = f"the peer has declared an interest in {host}, the host{note}"
            yield Conflict(soft, Code.DECLARED_INTEREST, why)


def _sorted(found: Iterable[Conflict]) -> list[Conflict]:
    return sorted(found, key=lambda c: not c.is_hard)  # stable: each kind in rule order
