"""Writes to a case's team. The `confirm_team` guard and the team's emails read these rows, so
every change goes through here and lands on the case's timeline:

* `assignment_add` puts a peer on the team in a role, as a reserve or invited;
* `assignment_transition` fires a place's declared transition (workflow/team_transitions.py)
  through the one service path (workflow/machine.py), exactly as the case's are fired;
* `assignment_update` edits what a place holds besides its status (a role, a respond-by date
  put back, a declaration revised, days corrected);
* `assignment_revoke_link` replaces a place's invitation link (and may send it again).

Every team write first takes the case's row lock: a place added while the case is being
withdrawn (which withdraws its open places) waits for the withdrawal and is then refused, and
the rule that a closed or withdrawn case's team cannot change reads the state as committed.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import InvalidInput, Refused
from core.signed_links import new_nonce
from workflow import actions, guards, machine, reserves
from workflow.audit import jsonable, record_event, undone_on_error
from workflow.choices import AssignmentRole
from workflow.choices import AssignmentStatus as Status
from workflow.machine import Actor
from workflow.models import Assignment, Peer, PeerChallenge
from workflow.team_transitions import TEAM, TEAM_TRANSITIONS, overridden

# What may be edited on a place, and while it is in which status; the status itself changes
# only by a transition.
EDITABLE_WHILE: dict[str, set[str]] = {
    "role": {Status.RESERVE, Status.INVITED, Status.ACCEPTED},
    "respond_by": {Status.RESERVE, Status.INVITED},
    "interests": {Status.ACCEPTED},
    "override_reason": {Status.RESERVE, Status.INVITED, Status.ACCEPTED},
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
    override_reason: str = "",
) -> Assignment:
    """Put `peer` on the team in `role`: invited (the `invite` transition, responding by
    `respond_by` or in two weeks), or as a reserve when `invite` is false. A peer with a hard
    conflict with the host is refused; one with a soft conflict needs `override_reason`, kept
    on the place (a reserve carries it to its invitation)."""
    with transaction.atomic():
        place = Assignment(
            challenge=challenge,
            peer=peer,
            role=role,
            respond_by=respond_by,
            override_reason=override_reason,
        )
        _lock_case(place)
        _refuse(guards.unmet_team_change(place))
        _refuse(guards.unmet_conflicts(place))
        _refuse_second_place(place)
        _validate(place)
        _check_override(place, actor)
        if not invite:
            place.reserve_rank = reserves.next_rank(place.challenge, role)
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
            data=jsonable({"assignment": place, "peer": peer, "role": role, **overridden(place)}),
        )
        if invite:
            machine.fire(TEAM, instance=place, name="invite", actor=actor, inputs={})
    return place


def assignment_transition(
    *,
    assignment: Assignment,
    name: str,
    actor: Actor,
    reason: str = "",
    facts: dict[str, Any] | None = None,
    **inputs: Any,
) -> Assignment:
    """Fire the place's transition `name` (workflow/team_transitions.py) with what the
    request supplied; `facts` add to its event what only the caller knows (see machine.fire)."""
    with transaction.atomic():
        _lock_case(assignment)
        machine.fire(
            TEAM,
            instance=assignment,
            name=name,
            actor=actor,
            reason=reason,
            inputs=inputs,
            facts=facts,
        )
        if inputs.get("override_reason") is not None:  # given with the invitation
            _stamp_override(assignment, actor)
            assignment.save(update_fields=["overridden_by", "overridden_at"])
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
        written = [*changed, "updated_at"]
        if "override_reason" in changed:
            _check_override(assignment, actor)
            written += ["overridden_by", "overridden_at"]
        if "role" in changed and assignment.status == Status.RESERVE:
            # Moved to another role's queue: at its end, as if newly added there.
            assignment.reserve_rank = reserves.next_rank(assignment.challenge, assignment.role)
            written.append("reserve_rank")
        assignment.save(update_fields=written)
        record_event(
            challenge=assignment.challenge,
            action=actions.ASSIGNMENT_UPDATED,
            from_state=assignment.challenge.state,
            actor=actor,
            data={"assignment": assignment.pk, "peer": assignment.peer_id, **jsonable(changed)},
        )
    return assignment


def assignment_revoke_link(
    *, assignment: Assignment, actor: Actor, resend: bool = False
) -> Assignment:
    """Replace the place's invitation link: a new nonce, so every link sent before it stops
    working (a forwarded email, a lost phone). With `resend`, the peer is sent the invitation
    again with the new link (a reaction writes the email); that needs the invitation still
    open, or the new link would be dead on arrival."""
    with undone_on_error(assignment), transaction.atomic():
        _lock_case(assignment)
        assignment.refresh_from_db(fields=["status", "respond_by", "link_nonce"])
        _refuse(guards.unmet_team_change(assignment))
        if assignment.status != Status.INVITED:
            status = Status(assignment.status).label.lower()
            _refuse([f"only an open invitation has a link to revoke; this place is {status}"])
        if resend and assignment.respond_by and assignment.respond_by < timezone.localdate():
            day = f"{assignment.respond_by:%-d %B %Y}"
            _refuse([f"the invitation lapsed after {day}: put its respond-by date back first"])
        assignment.link_nonce = new_nonce()
        assignment.save(update_fields=["link_nonce", "updated_at"])
        record_event(
            challenge=assignment.challenge,
            action=actions.ASSIGNMENT_INVITATION_RESENT
            if resend
            else actions.ASSIGNMENT_LINK_REVOKED,
            from_state=assignment.challenge.state,
            actor=actor,
            data={"assignment": assignment.pk, "peer": assignment.peer_id},
        )
    return assignment


def reserves_reorder(
    *, challenge: PeerChallenge, role: str, order: list[int], actor: Actor
) -> list[Assignment]:
    """Rank the reserves of `role`: `order` lists the id of every one of them, the first to be
    invited first (workflow/reactions_team.py). Anything else in it, or a reserve left out, is
    a 400 naming it; the same ranking again changes and records nothing."""
    if role not in AssignmentRole.values:
        choices = ", ".join(AssignmentRole.values)
        raise InvalidInput({"role": [f"not a role on a team; choose one of: {choices}"]})
    with transaction.atomic():
        anchor = Assignment(challenge=challenge, role=role)  # the team's rules read the case
        _lock_case(anchor)
        challenge = anchor.challenge
        _refuse(guards.unmet_team_change(anchor))
        queue = list(reserves.queue(challenge, role).select_related("peer"))
        if not queue:
            label = reserves.role_label(role)
            raise InvalidInput({"role": [f"this team has no {label} reserves to rank"]})
        problems = reserves.order_problems(queue, order, role)
        if problems:
            raise InvalidInput({"order": problems})
        by_pk = {place.pk: place for place in queue}
        ranked = [by_pk[pk] for pk in order]
        if all(place.reserve_rank == rank for rank, place in enumerate(ranked, 1)):
            return ranked
        now = timezone.now()
        for rank, place in enumerate(ranked, 1):
            place.reserve_rank, place.updated_at = rank, now
        Assignment.objects.bulk_update(ranked, ["reserve_rank", "updated_at"])
        record_event(
            challenge=challenge,
            action=actions.RESERVES_REORDERED,
            from_state=challenge.state,
            actor=actor,
            data={"role": role, "reserves": [place.peer_id for place in ranked]},
        )
    return ranked


def _check_override(place: Assignment, actor: Actor) -> None:
    """A place whose peer has soft conflicts keeps the manager's reason (400 without one),
    stamped with who gave it and when."""
    missing = guards.missing_override(place)
    if missing:
        raise InvalidInput(missing)
    _stamp_override(place, actor)


def _stamp_override(place: Assignment, actor: Actor) -> None:
    given = bool(place.override_reason.strip())
    person = actor if actor is not None and actor.is_authenticated else None
    place.overridden_by = person if given else None  # type: ignore[assignment]
    place.overridden_at = timezone.now() if given else None


def _lock_case(place: Assignment) -> None:
    place.challenge = PeerChallenge.objects.select_for_update().get(pk=place.challenge_id)
    guards.forget_conflicts(place)  # the case as locked now: its dates, its host


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
