"""Workflow's own reactions to case events, listed in peerchallenge/reactions.py with the other
apps' (DESIGN.md §2: one table shows every consequence of an event, run inside its
transaction, so a failing reaction rolls the event back)."""

import datetime
from typing import Any

from django.utils import timezone

from core.errors import InvalidInput, Refused
from workflow import actions, guards, reserves, team_services
from workflow.audit import record_event
from workflow.models import Assignment, CaseEvent
from workflow.models.team_rules import RESPOND_WITHIN


def withdraw_team(event: CaseEvent) -> None:
    """A withdrawn case takes its team with it: each open invitation and accepted place is
    withdrawn through the team's own transition, each with its event. (Postponing keeps the
    team: nothing here.)"""
    places = event.challenge.assignments.filter(status__in=Assignment.OPEN_PLACES)
    for place in places.select_related("peer").order_by("pk"):
        team_services.assignment_transition(
            assignment=place, name="withdraw", actor=event.actor, reason="the case was withdrawn"
        )


def invite_next_reserve(event: CaseEvent) -> None:
    """An invitee declined or let the invitation lapse: the next reserve of the same role is
    invited in their place, by the system, while the role has fewer open invitations than
    TEAM_MAX_OPEN_INVITATIONS_PER_ROLE. A reserve who cannot be invited (a conflict, no longer
    an active peer) is skipped for the next; the invite's event names whom it replaces and
    whom it skipped, and with nobody left (of a role that had reserves) a NO_RESERVE_LEFT event
    says so: the manager's email reacts to either. Only a decline or an expiry calls this,
    never an invite, so a queue is walked once and a skipped reserve starts nothing further."""
    challenge = event.challenge
    lapsed = Assignment.objects.select_related("peer").get(pk=event.data["assignment"])
    lapsed.challenge = challenge  # locked by the service that fired the step
    if guards.unmet_team_change(lapsed) or not reserves.may_invite_another(challenge, lapsed.role):
        return
    skipped: list[dict[str, Any]] = []
    # Read whole before the first invitation writes to the rows it lists.
    for reserve in list(reserves.queue(challenge, lapsed.role).select_related("peer")):
        facts = {"replaces": lapsed.peer_id} | ({"skipped": list(skipped)} if skipped else {})
        try:
            team_services.assignment_transition(
                assignment=reserve,
                name="invite",
                actor=None,
                facts=facts,
                respond_by=_respond_by(reserve),
            )
            return
        except (Refused, InvalidInput) as refusal:  # nothing of it was written: next one
            skipped.append({"peer": reserve.peer_id, "why": _words(refusal)})
    if not (skipped or reserves.had_reserves(challenge, lapsed.role)):
        return
    record_event(
        challenge=challenge,
        action=actions.NO_RESERVE_LEFT,
        from_state=challenge.state,
        actor=None,
        data={"role": lapsed.role, "replaces": lapsed.peer_id}
        | ({"skipped": skipped} if skipped else {}),
    )


def _respond_by(reserve: Assignment) -> datetime.date:
    """The date the manager gave the reserve while it is still to come, else the usual two
    weeks from today (a date given when they were made a reserve may have passed since)."""
    if reserve.respond_by and reserve.respond_by >= timezone.localdate():
        return reserve.respond_by
    return timezone.localdate() + RESPOND_WITHIN


def _words(refusal: Refused | InvalidInput) -> str:
    if isinstance(refusal, Refused):
        return "; ".join(refusal.unmet)
    return "; ".join(m for messages in refusal.errors.values() for m in messages)
