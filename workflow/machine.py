"""The one service path of every state machine in workflow: the case's
(workflow/transitions.py) and a team place's (workflow/team_transitions.py).

A `Transition` declares one step once: the model's `@transition` method, the event it writes,
its guard, its input. A `Machine` says what the path needs to know about a model: its state
field, its table of transitions, how a refusal names it, and on which case's timeline its
events go. `fire` is the path itself, in one transaction:

    a refusal of the instance as a whole (a team place on a closed case)  409
    a step the current state does not take                                409
    the request's values against the model's own field checks and rules  400
    the declared guard: what the instance and its records still lack      409
    the declared check: what the request must add, given those records    400
    the pure @transition method, then what the new state needs            400
    save(update_fields) with a compare-and-swap on the state               409 on a lost race
    the CaseEvent on the case's timeline, and the reactions listed for it

What a refusal means, everywhere: a value in the request that is wrong or missing is
`InvalidInput` (HTTP 400, per field); an instance whose state or records do not allow the step
is `Refused` (HTTP 409, with the unmet conditions in words).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django_fsm import can_proceed

from core.errors import InvalidInput, Refused
from workflow.audit import jsonable, record_event, undone_on_error
from workflow.roles import can_manage

Actor = AbstractBaseUser | AnonymousUser | None
Unmet = list[str]


class Reason(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class Transition:
    name: str  # the model's @transition method
    action: str  # the CaseEvent action it writes (workflow.actions)
    label: str  # its button, in words
    done: str  # what the timeline says once it has happened
    guard: Callable[[Any], Unmet] | None = None
    # What the request must supply given the instance's records (a soft conflict needs the
    # manager's reason): {field: [messages]}, a 400, asked once the guard is satisfied.
    check: Callable[[Any], dict[str, list[str]]] | None = None
    fields: tuple[str, ...] = ()  # model fields the request supplies
    required: tuple[str, ...] = ()  # of those, the ones every request must supply
    reason: Reason = Reason.NONE
    reason_field: str = ""  # where the model keeps the reason, if it keeps it
    # Facts for the audit row, read before the transition runs.
    event_data: Callable[[Any], dict[str, Any]] | None = None
    # Where it leads, when the model's method decides that at run time (a case's resume).
    target_of: Callable[[Any], str] | None = None

    def unmet(self, instance: Any) -> Unmet:
        return self.guard(instance) if self.guard else []

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every key a request may send: the fields, and `reason` where one is taken."""
        return (*self.fields, "reason") if self.reason != Reason.NONE else self.fields


@dataclass(frozen=True)
class Machine:
    model: type[models.Model]
    field: str  # the protected FSMField
    transitions: Mapping[str, Transition]
    describe: Callable[[Any], str]  # how a refusal names the instance: "the case"
    case_of: Callable[[Any], Any]  # the case on whose timeline its events go
    # Refusals of the instance as a whole, whatever the step (the team of a closed case).
    refusal: Callable[[Any, Transition], Unmet] | None = None
    # Facts every event of this machine records (which place, which peer).
    event_data: Callable[[Any], dict[str, Any]] | None = None

    def unmet(self, instance: Any, spec: Transition) -> Unmet:
        """Everything that stops `spec` now, in words (the guard after the whole-instance
        refusal); an empty list means it may go ahead."""
        refused = self.refusal(instance, spec) if self.refusal else []
        return refused or spec.unmet(instance)


def fire(
    machine: Machine,
    *,
    instance: Any,
    name: str,
    actor: Actor,
    reason: str = "",
    inputs: dict[str, Any],
    facts: dict[str, Any] | None = None,
) -> None:
    """Fire transition `name` of `machine` on `instance` with what the request supplied.
    `facts` go on the audit row as they are: what only the caller knows (whose place an
    automatic invitation fills), never anything the instance is changed by."""
    spec = machine.transitions[name]
    check_inputs(spec, inputs, reason)
    changes = {f: v for f, v in inputs.items() if v is not None}
    if spec.reason_field:
        changes[spec.reason_field] = reason.strip()
    with undone_on_error(instance), transaction.atomic():
        case = machine.case_of(instance)
        from_state = case.state
        data = machine.event_data(instance) if machine.event_data else {}
        data |= spec.event_data(instance) if spec.event_data else {}
        data |= facts or {}
        if machine.refusal:
            _refuse(machine.refusal(instance, spec))  # 409: nothing may change here
        for field, value in changes.items():
            setattr(instance, field, value)
        _refuse_from_wrong_state(machine, instance, spec)  # 409: not a step this state takes
        validate(instance, fields=list(changes))  # 400: the request's values
        _refuse(spec.unmet(instance))  # 409: what the instance and its records still lack
        if spec.check and (missing := spec.check(instance)):
            raise InvalidInput(missing)  # 400: what the request must add, given those records
        before = _values(instance)
        getattr(instance, name)()
        validate(instance)  # 400: what the new state needs (a completed place's days...)
        # Only what this transition wrote (the request's fields and whatever the method set,
        # read off the instance, so a new method cannot forget to declare one): an edit made
        # meanwhile to other fields survives.
        written = {f for f, v in _values(instance).items() if before[f] != v}
        instance.save(update_fields=sorted({*changes, *written, machine.field, "updated_at"}))
        record_event(
            challenge=case,
            action=spec.action,
            from_state=from_state,
            actor=actor,
            reason=reason.strip(),
            data={**data, **jsonable(changes)},
        )


def _values(instance: Any) -> dict[str, Any]:
    return {f.name: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def check_inputs(spec: Transition, inputs: dict[str, Any], reason: str) -> None:
    errors = {f: ["not an input of this step"] for f in inputs if f not in spec.fields}
    errors |= {f: ["This field is required."] for f in spec.required if inputs.get(f) is None}
    if spec.reason == Reason.REQUIRED and not reason.strip():
        errors["reason"] = ["a reason is required"]
    elif spec.reason == Reason.NONE and reason:
        errors["reason"] = ["this step takes no reason"]
    if errors:
        raise InvalidInput(errors)


def _refuse(unmet: Unmet) -> None:
    if unmet:
        raise Refused(unmet)


def _refuse_from_wrong_state(machine: Machine, instance: Any, spec: Transition) -> None:
    if not can_proceed(getattr(instance, spec.name)):
        current = getattr(instance, f"get_{machine.field}_display")().lower()
        raise Refused(
            [f"cannot {spec.label.lower()} while {machine.describe(instance)} is {current}"]
        )


def validate(instance: models.Model, *, fields: list[str] | None = None) -> None:
    """The given fields' own checks (lengths, URLs, date bounds), then the model's rules
    (its clean()), which read the state too."""
    try:
        if fields:
            exclude = [f.name for f in instance._meta.fields if f.name not in fields]
            instance.clean_fields(exclude=exclude)
        instance.clean()
    except ValidationError as invalid:
        raise InvalidInput(invalid.message_dict) from None


def available(
    machine: Machine, instance: Any, user: Actor, *, with_unmet: bool = True
) -> list[dict[str, Any]]:
    """Transitions leaving the current state that this user may fire. With `with_unmet`, each
    also says whether it is ready and what is unmet; without, only the current state is read,
    so a list costs no query per row."""
    return steps(machine, instance, with_unmet=with_unmet) if can_manage(user) else []


def steps(machine: Machine, instance: Any, *, with_unmet: bool = True) -> list[dict[str, Any]]:
    """Transitions leaving the current state, whoever asks (see `available`)."""
    out = []
    state = getattr(instance, machine.field)
    for name, spec in machine.transitions.items():
        method = getattr(instance, name)
        if not can_proceed(method):
            continue
        target = spec.target_of(instance) if spec.target_of else None
        transition: dict[str, Any] = {
            "name": name,
            "label": spec.label,
            "target": str(target or method._django_fsm.get_transition(state).target),
        }
        if with_unmet:
            unmet = machine.unmet(instance, spec)
            transition.update(ready=not unmet, unmet=unmet)
        out.append(transition)
    return out
