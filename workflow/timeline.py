"""A case's audit rows told in words for the case page: what happened, who did it, why, and
what changed (field names as the model labels them, people by name). Read in a constant number
of queries: the peers named in team events are fetched together."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from workflow import actions
from workflow.choices import AssignmentRole, AssignmentStatus, DeclineReason
from workflow.models import Assignment, CaseEvent, Peer, PeerChallenge
from workflow.team_transitions import TEAM_TRANSITIONS
from workflow.transition_forms import field_label
from workflow.transitions import TRANSITIONS

_DONE = {spec.action: spec.done for spec in [*TRANSITIONS.values(), *TEAM_TRANSITIONS.values()]}
_OTHER = {
    actions.CASE_CREATED: "Case opened",
    actions.CASE_UPDATED: "Details changed",
    actions.ASSIGNMENT_ADDED: "Added to the team",
    actions.ASSIGNMENT_UPDATED: "Team place changed",
}
# Keys the audit rows carry for the machine, not for people.
_NOT_SHOWN = {"assignment", "peers", "host", "type", "from_status"}
# Values kept as codes, told by their labels.
_LABELS = {"status": AssignmentStatus, "role": AssignmentRole, "decline_reason": DeclineReason}


@dataclass(frozen=True)
class Entry:
    event: CaseEvent
    what: str
    details: list[tuple[str, str]]  # (what changed, its new value), in words


def timeline(case: PeerChallenge) -> list[Entry]:
    events = list(case.events.select_related("actor"))
    peer_ids = {e.data.get("peer") for e in events if isinstance(e.data.get("peer"), int)}
    peers = dict(Peer.objects.filter(pk__in=peer_ids).values_list("pk", "name"))
    components = {c["code"]: c["label"] for c in case.challenge_type.mandatory_components}
    return [_entry(e, peers, components) for e in events]


def _entry(event: CaseEvent, peers: dict[int, str], components: dict[str, str]) -> Entry:
    what = _DONE.get(event.action) or _OTHER.get(event.action) or event.action
    peer = peers.get(event.data.get("peer"))
    if peer:
        what = f"{peer}: {what.lower()}"
    # A place's step names the place's role for the record; the timeline says it where the
    # place was added or its role changed, not on every step.
    hidden = _NOT_SHOWN | {"peer"} | ({"role"} if "from_status" in event.data else set())
    details = [
        (_label(key), _value(key, value, components))
        for key, value in event.data.items()
        if key not in hidden
    ]
    return Entry(event=event, what=what, details=details)


def _field(name: str) -> models.Field | None:
    for model in (PeerChallenge, Assignment):  # a case's field, else a team place's
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None  # a key of an older row


def _label(name: str) -> str:
    field = _field(name)
    if field is None:
        return name.replace("_", " ").capitalize()  # said plainly
    return field_label(field.verbose_name)


def _value(name: str, value: Any, components: dict[str, str]) -> str:
    if value in (None, "", []):
        return "removed"
    if name in _LABELS and value in _LABELS[name].values:
        return _LABELS[name](value).label.lower()
    if name == "scope_components" and isinstance(value, list):
        return "; ".join(components.get(code) or str(code) for code in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(_field(name), models.DateField) and isinstance(value, str):
        try:
            return f"{datetime.date.fromisoformat(value):%-d %B %Y}"
        except ValueError:
            return value
    return str(value)
