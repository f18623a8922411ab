"""The team panel of the case page, as the template shows it: the places grouped (accepted,
invited, reserves ranked per role, and those who left), each with its role and peer and, for
managers only, its conflicts in words, override and decline reason (personal data), and the
steps a manager may take on it; the team's political balance; what confirming the team still
needs. Read in a fixed number of queries however big the team."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse

from workflow import roles, selectors, team_services
from workflow.choices import ON_TEAM, TERMINAL, AssignmentRole, AssignmentStatus
from workflow.conflicts import Conflict, conflicts_for_case
from workflow.models import Assignment, PeerChallenge
from workflow.models.peers import COUNCIL_PREFETCHES
from workflow.team_transitions import TEAM_TRANSITIONS

Status = AssignmentStatus

# The steps a manager takes on a place from the pages; accepting and declining are the peer's
# (by the emailed link or My invitations), with their own declaration and reason.
MANAGER_STEPS = ("invite", "expire", "withdraw", "complete")
LEFT = (Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN)
# Steps offered only once their guard passes (days logged once the visit has begun, an
# invitation marked expired once its day is over): their guards read only the place and its
# case, so asking costs no query.
SHOWN_WHEN_READY = ("expire", "complete")


@dataclass
class Place:
    assignment: Assignment
    conflicts: list[Conflict] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (label, URL)

    @property
    def decline_reason(self) -> str:
        place = self.assignment
        reason = place.get_decline_reason_display() if place.decline_reason else ""
        return ": ".join(part for part in (reason, place.decline_note) if part)


@dataclass
class Reserves:
    role: str  # AssignmentRole value
    label: str
    places: list[Place]

    def moves(self) -> list[tuple[Place, list[int] | None, list[int] | None]]:
        """Each reserve with the order its "move up" and "move down" buttons would post (None
        at either end of the queue)."""
        ids = [p.assignment.pk for p in self.places]
        out = []
        for i, place in enumerate(self.places):
            up = _swapped(ids, i - 1) if i > 0 else None
            down = _swapped(ids, i) if i < len(ids) - 1 else None
            out.append((place, up, down))
        return out


@dataclass
class TeamPanel:
    case: PeerChallenge
    full: bool  # a manager's view: personal data, the places' steps, reserves, who left
    accepted: list[Place]
    invited: list[Place]
    reserves: list[Reserves]
    left: list[Place]
    checklist: list[str] | None  # confirm_team's unmet conditions; None when not the next step
    balance: list[dict]  # accepted member peers per political group (selectors.team_balance)
    candidates_url: str | None


def team_panel(
    case: PeerChallenge, user, *, transitions: list[dict[str, Any]] | None = None
) -> TeamPanel:
    """The panel for `user`; `transitions` are the case's available ones (with their unmet
    conditions), as the case page already has them."""
    full = roles.can_manage(user)
    # The peers with what the conflict checks read (Peer.objects.with_councils()), joined and
    # prefetched with the team itself.
    councils = [Prefetch(f"peer__{p.prefetch_to}", queryset=p.queryset) for p in COUNCIL_PREFETCHES]
    team = case.assignments.select_related("peer__council", "overridden_by")
    team = team.prefetch_related(*councils).in_team_order()
    # Others see the team itself: who is on it and who is invited to it.
    places = list(team if full else team.filter(status__in=(Status.INVITED, *ON_TEAM)))
    for a in places:
        a.challenge = case  # what the guards and steps read, without a query a place
    found = _conflicts(case, places) if full else {}
    rows = [
        Place(
            assignment=a,
            conflicts=found.get(a.peer_id, []),
            steps=_steps(a, user) if full else [],
        )
        for a in places
    ]

    def having(*statuses: str) -> list[Place]:
        return [p for p in rows if p.assignment.status in statuses]

    confirm = next((t for t in transitions or [] if t["name"] == "confirm_team"), None)
    return TeamPanel(
        case=case,
        full=full,
        accepted=having(*ON_TEAM),
        invited=having(Status.INVITED),
        reserves=_reserves(having(Status.RESERVE)),
        left=having(*LEFT),
        checklist=confirm["unmet"] if confirm else None,
        balance=selectors.team_balance(case),
        candidates_url=(
            reverse("case-candidates", kwargs={"pk": case.pk})
            if full and case.state not in TERMINAL
            else None
        ),
    )


def _conflicts(case: PeerChallenge, places: list[Assignment]) -> dict[int, list[Conflict]]:
    return conflicts_for_case([a.peer for a in places], case)


def _steps(place: Assignment, user) -> list[tuple[str, str]]:
    """(label, URL) of each page where a manager may act on the place."""
    ids = {"pk": place.challenge_id, "assignment_id": place.pk}
    steps = team_services.available_team_transitions(place, user, with_unmet=False)
    out = [
        (s["label"], reverse("case-team-transition", kwargs={**ids, "step": s["name"]}))
        for s in steps
        if s["name"] in MANAGER_STEPS
        and not (s["name"] in SHOWN_WHEN_READY and TEAM_TRANSITIONS[s["name"]].unmet(place))
    ]
    if place.status == Status.INVITED:
        out.append(("Revoke the link or send it again", reverse("case-team-link", kwargs=ids)))
    return out


def _reserves(places: list[Place]) -> list[Reserves]:
    """Reserves per role, in the team's role order, each queue by rank (unranked last)."""
    by_role: dict[str, list[Place]] = {}
    for place in places:  # already in the team's role order
        by_role.setdefault(place.assignment.role, []).append(place)
    return [
        Reserves(role=role, label=AssignmentRole(role).label, places=sorted(queue, key=_rank))
        for role, queue in by_role.items()
    ]


def _rank(place: Place) -> tuple[bool, int, int]:
    rank = place.assignment.reserve_rank
    return (rank is None, rank or 0, place.assignment.pk)


def _swapped(ids: list[int], i: int) -> list[int]:
    out = list(ids)
    out[i], out[i + 1] = out[i + 1], out[i]
    return out
