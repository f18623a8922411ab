"""Writes to a case's team. The `confirm_team` guard and the team's emails read these rows, so
every change goes through here and lands on the case's timeline. Until assignments get their own
machine (the team-assembly capability), the moves a place may make are the table below."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import InvalidInput, Refused
from workflow import actions
from workflow.audit import jsonable, record_event, undone_on_error
from workflow.choices import AssignmentStatus as Status
from workflow.models import Assignment, Peer, PeerChallenge, State

# What staff may set on a peer's place on the team.
ASSIGNMENT_FIELDS = {
    "peer",
    "status",
    "is_lead",
    "interests_declared",
    "conflict_unresolved",
    "days",
}
# A place starts invited (or accepted, when the peer said yes outside the system) ...
STARTS_AS = {Status.INVITED, Status.ACCEPTED}
# ... and moves only forward (DESIGN.md §4).
MOVES: dict[str, set[str]] = {
    Status.INVITED: {Status.ACCEPTED, Status.DECLINED, Status.EXPIRED},
    Status.ACCEPTED: {Status.WITHDRAWN, Status.COMPLETED},
}
# No team changes once a case is over.
FINISHED = (State.CLOSED, State.WITHDRAWN)


def assignment_add(
    *, challenge: PeerChallenge, peer: Peer, actor, is_lead: bool = False, **fields: Any
) -> Assignment:
    """Put a peer on the team (invited unless `status` says otherwise)."""
    _refuse_unknown(fields)
    _refuse_if_finished(challenge)
    status = fields.get("status", Status.INVITED)
    if status not in STARTS_AS:
        raise InvalidInput({"status": ["a new place on the team starts invited or accepted"]})
    assignment = Assignment(challenge=challenge, peer=peer, is_lead=is_lead, **fields)
    _save(
        assignment,
        action=actions.ASSIGNMENT_ADDED,
        actor=actor,
        data=jsonable({"peer": peer, "is_lead": is_lead, **fields}),
    )
    return assignment


def assignment_update(*, assignment: Assignment, actor, changes: dict[str, Any]) -> Assignment:
    _refuse_unknown(changes)
    _refuse_if_finished(assignment.challenge)
    changed = {f: v for f, v in changes.items() if getattr(assignment, f) != v}
    if not changed:
        return assignment
    if "status" in changed and changed["status"] not in Status.values:
        raise InvalidInput({"status": [f"“{changed['status']}” is not a status"]})
    if "status" in changed and changed["status"] not in MOVES.get(assignment.status, set()):
        current, wanted = Status(assignment.status).label, Status(changed["status"]).label
        moves = sorted(Status(s).label.lower() for s in MOVES.get(assignment.status, set()))
        allowed = ", ".join(moves) or "nothing"
        message = f"{current} cannot become {wanted.lower()} (it can become: {allowed})"
        raise InvalidInput({"status": [message]})
    with undone_on_error(assignment):
        for field, value in changed.items():
            setattr(assignment, field, value)
        _save(assignment, action=actions.ASSIGNMENT_UPDATED, actor=actor, data=jsonable(changed))
    return assignment


def _refuse_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - ASSIGNMENT_FIELDS
    if unknown:
        raise InvalidInput({f: ["not a field of a team place"] for f in unknown})


def _refuse_if_finished(challenge: PeerChallenge) -> None:
    if challenge.state in FINISHED:
        state = challenge.get_state_display().lower()
        raise Refused([f"the team of a {state} case cannot change"])


def _save(assignment: Assignment, *, action: str, actor, data: dict[str, Any]) -> None:
    try:
        assignment.full_clean()
    except ValidationError as invalid:
        raise InvalidInput(invalid.message_dict) from None
    with transaction.atomic():
        assignment.save()
        challenge = assignment.challenge
        data = {"assignment": assignment.pk, **data}
        record_event(
            challenge=challenge, action=action, from_state=challenge.state, actor=actor, data=data
        )
