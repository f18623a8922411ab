"""Writes to a case's team. The `confirm_team` guard and the joining-instructions email read
these rows, so every change goes through here and lands on the case's timeline."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import InvalidInput
from workflow.models import Assignment, Peer, PeerChallenge
from workflow.services import jsonable, record_event, undone_on_error

# What staff may set on a peer's place on the team.
ASSIGNMENT_FIELDS = {
    "peer",
    "status",
    "is_lead",
    "interests_declared",
    "conflict_unresolved",
    "days",
}


def assignment_add(
    *, challenge: PeerChallenge, peer: Peer, actor, is_lead: bool = False, **fields: Any
) -> Assignment:
    """Put a peer on the team (invited unless `status` says otherwise)."""
    _refuse_unknown(fields)
    assignment = Assignment(challenge=challenge, peer=peer, is_lead=is_lead, **fields)
    _save(
        assignment,
        action="workflow.assignment.added",
        actor=actor,
        data=jsonable({"peer": peer, "is_lead": is_lead, **fields}),
    )
    return assignment


def assignment_update(*, assignment: Assignment, actor, changes: dict[str, Any]) -> Assignment:
    _refuse_unknown(changes)
    changed = {f: v for f, v in changes.items() if getattr(assignment, f) != v}
    if not changed:
        return assignment
    for field, value in changed.items():
        setattr(assignment, field, value)
    with undone_on_error(assignment):
        _save(assignment, action="workflow.assignment.updated", actor=actor, data=jsonable(changed))
    return assignment


def _refuse_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - ASSIGNMENT_FIELDS
    if unknown:
        raise InvalidInput({f: ["not a field of a team place"] for f in unknown})


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
