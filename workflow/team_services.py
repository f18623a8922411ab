"""Writes to a case's team. The `confirm_team` guard and the team's emails read these rows, so
every change goes through here and lands on the case's timeline:

* `assignment_add` puts a peer on the team in a role, as a reserve or invited;
* `assignment_transition` fires a place's declared transition (workflow/team_transitions.py)
  through the one service path (workflow/machine.py), exactly as the case's are fired;
* `assignment_update` edits what a place holds besides its status (a role, a respond-by date
  put back, a declaration revised, days corrected).

Every team write first takes the case's row lock: a place added while the case is being
withdrawn (which withdraws its open places) waits for the withdrawal and is then refused, and
the rule that a closed or withdrawn case's team cannot change reads the state as committed.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import InvalidInput, Refused
from workflow import actions, guards, machine
from workflow.audit import jsonable, record_event, undone_on_error
from workflow.choices import AssignmentStatus as Status
from workflow.machine import Actor
from workflow.models import Assignment, Peer, PeerChallenge
from workflow.team_transitions import TEAM, TEAM_TRANSITIONS

# What may be edited on a place, and while it is in which status; the status itself changes
# only by a transition.
EDITABLE_WHILE: dict[str, set[str]] = {
    "role": {Status.RESERVE, Status.INVITED, Status.ACCEPTED},
    "respond_by": {Status.RESERVE, Status.INVITED},
    "interests": {Status.ACCEPTED},
    "conflict_unresolved": {Status.RESERVE, Status.INVITED, Status.ACCEPTED},
    "days": {Status.COMPLETED},
}


def assignment_add(
    *,
    challenge: PeerChallenge,
    peer: Peer,
    actor: Actor,
    role: str,
    respond_by: datetime.date | None = None,
    invite: bool = True,
) -> Assignment:
    """Put `peer` on the team in `role`: invited (the `invite` transition, responding by
    `respond_by` or in two weeks), or as a reserve when `invite` is false."""
    with transaction.atomic():
        place = Assignment(challenge=challenge, peer=peer, role=role, respond_by=respond_by)
        _lock_case(place)
        _refuse(guards.unmet_team_change(place))
        _refuse_second_place(place)
        _validate(place)
        try:
            with transaction.atomic():
                place.save()
        except IntegrityError:  # added by someone else since our check
            _refuse_second_place(place)
            raise
        record_event(
            challenge=place.challenge,
            action=actions.ASSIGNMENT_ADDED,
            from_state=place.challenge.state,
            actor=actor,
            data=jsonable({"assignment": place, "peer": peer, "role": role}),
        )
        if invite:
            machine.fire(TEAM, instance=place, name="invite", actor=actor, inputs={})
    return place


def assignment_transition(
    *, assignment: Assignment, name: str, actor: Actor, reason: str = "", **inputs: Any
) -> Assignment:
    """Fire the place's transition `name` (workflow/team_transitions.py) with what the
    request supplied."""
    with transaction.atomic():
        _lock_case(assignment)
        machine.fire(
            TEAM, instance=assignment, name=name, actor=actor, reason=reason, inputs=inputs
        )
    return assignment


def available_team_transitions(
    assignment: Assignment, user: Actor, *, with_unmet: bool = True
) -> list[dict[str, Any]]:
    """The place's transitions from its status that this user may fire (see
    workflow.machine.available)."""
    return machine.available(TEAM, assignment, user, with_unmet=with_unmet)


def assignment_update(
    *, assignment: Assignment, actor: Actor, changes: dict[str, Any]
) -> Assignment:
    _refuse_unknown(changes)
    with undone_on_error(assignment), transaction.atomic():
        _lock_case(assignment)
        _refuse(guards.unmet_team_change(assignment))
        changed = {f: v for f, v in changes.items() if getattr(assignment, f) != v}
        if not changed:
            return assignment
        status = Status(assignment.status).label.lower()
        fixed = {
            f: [f"cannot be changed while the place is {status}"]
            for f in changed
            if assignment.status not in EDITABLE_WHILE[f]
        }
        if fixed:
            raise InvalidInput(fixed)
        for field, value in changed.items():
            setattr(assignment, field, value)
        _validate(assignment)
        assignment.save(update_fields=[*changed, "updated_at"])
        record_event(
            challenge=assignment.challenge,
            action=actions.ASSIGNMENT_UPDATED,
            from_state=assignment.challenge.state,
            actor=actor,
            data={"assignment": assignment.pk, "peer": assignment.peer_id, **jsonable(changed)},
        )
    return assignment


def _lock_case(place: Assignment) -> None:
    place.challenge = PeerChallenge.objects.select_for_update().get(pk=place.challenge_id)


def _refuse(unmet: list[str]) -> None:
    if unmet:
        raise Refused(unmet)


def _refuse_unknown(fields: dict[str, Any]) -> None:
    errors = {f: ["not a field of a team place"] for f in fields if f not in EDITABLE_WHILE}
    if "status" in fields:
        steps = ", ".join(TEAM_TRANSITIONS)
        errors["status"] = [f"changes only by a step of the place ({steps})"]
    if errors:
        raise InvalidInput(errors)


def _refuse_second_place(place: Assignment) -> None:
    other = place.challenge.assignments.filter(peer=place.peer).first()
    if other is not None:
        status = Status(other.status).label.lower()
        raise InvalidInput({"peer": [f"{place.peer} already has a place on this team ({status})"]})


def _validate(place: Assignment) -> None:
    try:
        place.full_clean(exclude=["status"], validate_constraints=False)
    except ValidationError as invalid:
        raise InvalidInput(invalid.message_dict) from None
