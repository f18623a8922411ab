"""All writes to a case. Every state change goes through `challenge_transition`, the case's
use of the one service path (workflow/machine.py): one atomic block that applies the request's
input, checks the declared guard, calls the pure @transition method, validates the case against
its own rules, saves (compare-and-swap on state via ConcurrentTransitionMixin), writes the
CaseEvent and runs the reactions listed for it.

What a refusal means, everywhere: a value in the request that is wrong or missing is
`InvalidInput` (HTTP 400, per field); a case whose state or records do not allow the step is
`Refused` (HTTP 409, with the unmet conditions in words).
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from workflow import actions, guards, machine, selectors, team_services
from workflow.audit import jsonable, record_event, undone_on_error
from workflow.choices import REPORT_ISSUED_OR_LATER
from workflow.conflicts import conflicts_for_case
from workflow.machine import Actor
from workflow.models import Assignment, ChallengeType, Council, PeerChallenge, State
from workflow.transitions import CASE

# Fields a manager edits directly; everything else changes through a transition.
EDITABLE_FIELDS = {
    "manager",
    "onsite_start",
    "onsite_end",
    "scope_components",
    "local_objectives",
    "chief_executive_name",
    "chief_executive_email",
    "leader_name",
    "leader_email",
    "action_plan_url",
    "action_plan_published_on",
}
# Who and what the case is about can change only while it is an enquiry.
ENQUIRY_ONLY_FIELDS = {"host", "challenge_type", "parent"}
# Model validation that is not ours to run on every write: the state moves only by transitions,
# and a report file only by `issue_report`, whose path (machine.fire) runs the field's
# validators, content check included, on the file it brings, whoever calls it.
_NOT_VALIDATED = ["state", "report_file"]


def _as_input_errors(invalid: ValidationError) -> InvalidInput:
    return InvalidInput(invalid.message_dict)


def _full_clean(challenge: PeerChallenge) -> None:
    try:
        challenge.full_clean(exclude=_NOT_VALIDATED, validate_constraints=False)
    except ValidationError as invalid:
        raise _as_input_errors(invalid) from None


# --- transitions -------------------------------------------------------------------------


def challenge_transition(
    *, challenge: PeerChallenge, name: str, actor: Actor, reason: str = "", **inputs: Any
) -> PeerChallenge:
    """Fire transition `name` (workflow/transitions.py) with what the request supplied."""
    try:
        machine.fire(CASE, instance=challenge, name=name, actor=actor, reason=reason, inputs=inputs)
    except IntegrityError:
        # Lost a race the guard could not see: another case of this host and type was booked
        # between our guard's read and our save (constraint one_open_case_per_host_and_type).
        unmet = guards.unmet_one_open_case(challenge)
        if unmet:
            raise Refused(unmet) from None
        raise
    return challenge


def available_transitions(
    challenge: PeerChallenge, user: Actor, *, with_unmet: bool = True
) -> list[dict[str, Any]]:
    """Transitions leaving the case's state that this user may fire. With `with_unmet`, each
    also says whether it is ready and what is unmet; without, only the current state is read,
    so a list of cases costs no query per case."""
    return machine.available(CASE, challenge, user, with_unmet=with_unmet)


# --- creation and edits ------------------------------------------------------------------


def challenge_create(
    *,
    actor: Actor,
    host: Council,
    challenge_type: ChallengeType,
    parent: PeerChallenge | None = None,
    **fields: Any,
) -> PeerChallenge:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput({f: ["this field cannot be set on a new case"] for f in unknown})
    check_new_case(host=host, challenge_type=challenge_type, parent=parent)
    with transaction.atomic():
        challenge = PeerChallenge(host=host, challenge_type=challenge_type, parent=parent, **fields)
        _full_clean(challenge)
        challenge.save()
        record_event(
            challenge=challenge,
            action=actions.CASE_CREATED,
            from_state="",
            actor=actor,
            data={"host": host.code, "type": challenge_type.slug},
        )
        if parent is not None and challenge_type.requires_parent:
            _prefill_team_from(parent, challenge, actor=actor)
    return challenge


def check_new_case(
    *, host: Council, challenge_type: ChallengeType, parent: PeerChallenge | None
) -> None:
    """Who a new case may be for (forms call it too, to show the refusal on the form)."""
    _check_host(host)
    _check_parent(host, parent)
    _refuse_second_open_case(host, challenge_type)


def _check_host(host: Council) -> None:
    if not host.is_active_english_council:
        why = "no longer exists" if not host.is_current else "is not an English council"
        raise InvalidInput(
            {"host": [f"{host} {why}: a peer challenge needs a current English council"]}
        )


def _refuse_second_open_case(
    host: Council, challenge_type: ChallengeType, *, exclude: PeerChallenge | None = None
) -> None:
    """One open case per council and type, enquiries included: a second enquiry is almost
    always the same request made twice."""
    other = selectors.other_open_case(
        host=host, challenge_type=challenge_type, exclude=exclude, enquiries_too=True
    )
    if other is not None:
        raise Refused(
            [f"{host} already has an open {challenge_type} ({other.reference}): carry on with it"]
        )


def _check_parent(host: Council, parent: PeerChallenge | None) -> None:
    """A follow-up follows a challenge at the same council whose report has been issued."""
    if parent is None:
        return
    errors = []
    if parent.host_id != host.pk:
        errors.append(f"{parent.reference} is a case for {parent.host}, not {host}")
    if parent.state not in REPORT_ISSUED_OR_LATER:
        errors.append(
            f"{parent.reference} is {parent.get_state_display().lower()}: "
            "a follow-up follows a challenge whose report has been issued"
        )
    if errors:
        raise InvalidInput({"parent": errors})


def _refuse_if_changed_since(challenge: PeerChallenge, seen: datetime.datetime) -> None:
    # Locked (on PostgreSQL) so that no other edit or step lands between this read and the save.
    current = PeerChallenge.objects.select_for_update().filter(pk=challenge.pk)
    if current.values_list("updated_at", flat=True).get() != seen:
        raise ConcurrentTransition("the case changed since the form was shown")


def _prefill_team_from(parent: PeerChallenge, child: PeerChallenge, *, actor: Actor) -> None:
    """A follow-up visit starts with the parent's team, invited again in their roles, each
    with the manager's reason for a soft conflict (the host is the same). A peer who may no
    longer serve there (a hard conflict since, or a soft one never given a reason) is left for
    the manager to choose on the candidates page, which says why."""
    team = list(
        parent.assignments.filter(status__in=Assignment.ON_TEAM)
        .select_related("peer")
        .order_by("pk")
    )
    found = conflicts_for_case([a.peer for a in team], child)
    for a in team:
        if any(c.is_hard for c in found[a.peer_id]) or (
            found[a.peer_id] and not a.override_reason.strip()
        ):
            continue
        team_services.assignment_add(
            challenge=child,
            peer=a.peer,
            actor=actor,
            role=a.role,
            invite=True,
            override_reason=a.override_reason,
        )


def edit_refusal(challenge: PeerChallenge) -> list[str]:
    """Why the case takes no edits at all, if it does not (pages ask before showing a form)."""
    if challenge.state in (State.CLOSED, State.WITHDRAWN):
        return [f"a {challenge.get_state_display().lower()} case cannot be edited"]
    return []


def challenge_update(
    *,
    challenge: PeerChallenge,
    actor: Actor,
    changes: dict[str, Any],
    seen: datetime.datetime | None = None,
) -> PeerChallenge:
    """Edit the case. With `seen` (the `updated_at` the person's form was built from), a case
    changed since is a lost race: saving would write back values they never saw change."""
    refusal = edit_refusal(challenge)
    if refusal:
        raise Refused(refusal)
    allowed = EDITABLE_FIELDS | (ENQUIRY_ONLY_FIELDS if challenge.state == State.ENQUIRY else set())
    refused = set(changes) - allowed
    if refused:
        raise InvalidInput({f: ["cannot be changed at this stage"] for f in refused})
    changed = {f: v for f, v in changes.items() if getattr(challenge, f) != v}
    if not changed:
        return challenge
    if "host" in changed:
        _check_host(changed["host"])
    if {"host", "challenge_type"} & set(changed):
        _refuse_second_open_case(
            changed.get("host", challenge.host),
            changed.get("challenge_type", challenge.challenge_type),
            exclude=challenge,
        )
    if {"host", "parent"} & set(changed):
        _check_parent(changed.get("host", challenge.host), changed.get("parent", challenge.parent))
    if (
        "parent" in changed
        and changed["parent"] is not None
        and changed["parent"].pk == challenge.pk
    ):
        raise InvalidInput({"parent": ["a case cannot follow up itself"]})
    with undone_on_error(challenge), transaction.atomic():
        if seen is not None:
            _refuse_if_changed_since(challenge, seen)
        for field, value in changed.items():
            setattr(challenge, field, value)
        _full_clean(challenge)
        # Only the edited fields, so a concurrent edit of others survives. (A concurrent
        # transition makes this save fail the compare-and-swap on state: a 409.)
        challenge.save(update_fields=[*changed, "updated_at"])
        record_event(
            challenge=challenge,
            action=actions.CASE_UPDATED,
            from_state=challenge.state,
            actor=actor,
            data=jsonable(changed),
        )
    return challenge
