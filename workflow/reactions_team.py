"""Workflow's own reactions to case events, listed in peerchallenge/reactions.py with the other
apps' (DESIGN.md §2: one table shows every consequence of an event, run inside its
transaction, so a failing reaction rolls the event back)."""

from workflow import team_services
from workflow.models import Assignment, CaseEvent


def withdraw_team(event: CaseEvent) -> None:
    """A withdrawn case takes its team with it: each open invitation and accepted place is
    withdrawn through the team's own transition, each with its event. (Postponing keeps the
    team: nothing here.)"""
    places = event.challenge.assignments.filter(status__in=Assignment.OPEN_PLACES)
    for place in places.select_related("peer").order_by("pk"):
        team_services.assignment_transition(
            assignment=place, name="withdraw", actor=event.actor, reason="the case was withdrawn"
        )
