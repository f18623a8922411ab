"""A role's reserves as a queue: who is invited next when an invitee of that role declines or
lets the invitation lapse (workflow/reactions_team.py), and what a manager's ranking of them
must hold (workflow.team_services.reserves_reorder). Reads only."""

from django.conf import settings
from django.db.models import F, Max

from workflow.choices import AssignmentRole, AssignmentStatus
from workflow.models import Assignment, PeerChallenge


def queue(challenge: PeerChallenge, role: str):
    """The role's reserves, first to be invited first: by rank, then (unranked, or ranked
    equal after a role change) in the order they were added."""
    reserves = challenge.assignments.filter(status=AssignmentStatus.RESERVE, role=role)
    return reserves.order_by(F("reserve_rank").asc(nulls_last=True), "pk")


def next_rank(challenge: PeerChallenge, role: str) -> int:
    """A new reserve joins the end of its role's queue."""
    last = queue(challenge, role).aggregate(last=Max("reserve_rank"))["last"]
    return (last or 0) + 1


def had_reserves(challenge: PeerChallenge, role: str) -> bool:
    """Whether the role has had a reserve queue on this team (a reserve keeps its rank once
    invited). With none ever, a lapsed invitation is news enough in its own email."""
    return challenge.assignments.filter(role=role, reserve_rank__isnull=False).exists()


def open_invitations(challenge: PeerChallenge, role: str) -> int:
    return challenge.assignments.filter(status=AssignmentStatus.INVITED, role=role).count()


def may_invite_another(challenge: PeerChallenge, role: str) -> bool:
    """At most TEAM_MAX_OPEN_INVITATIONS_PER_ROLE invitations of one role wait for an answer at
    once. Accepted places do not count: a role a team needs several of (member peers) fills
    one answer at a time unless the setting is raised."""
    return open_invitations(challenge, role) < settings.TEAM_MAX_OPEN_INVITATIONS_PER_ROLE


def role_label(role: str) -> str:
    return AssignmentRole(role).label.lower()


def order_problems(reserves: list[Assignment], order: list[int], role: str) -> list[str]:
    """What is wrong with `order` as a ranking of `reserves` (the role's, in the database): it
    must list each of them once, and nothing else. Empty when it is a ranking."""
    known = {place.pk: place for place in reserves}
    label = role_label(role)
    problems = []
    twice = sorted({pk for pk in order if order.count(pk) > 1})
    if twice:
        problems.append(f"lists {_ids(twice)} more than once")
    strangers = sorted(set(order) - set(known))
    if strangers:
        problems.append(f"{_ids(strangers)}: not among this team's {label} reserves")
    left_out = [place for pk, place in known.items() if pk not in order]
    if left_out:
        names = ", ".join(f"{place.peer} ({place.pk})" for place in left_out)
        problems.append(f"leaves out {names}: rank every {label} reserve")
    return problems


def _ids(pks: list[int]) -> str:
    return ", ".join(str(pk) for pk in pks)
