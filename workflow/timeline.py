"""A case's audit rows told in words for the case page: what happened, who did it, why, and
what changed (field names as the model labels them, people by name). Read in a constant number
of queries: the peers named in team events are fetched together."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from workflow import actions
from workflow.choices import AssignmentRole, AssignmentStatus, DeclineReason
from workflow.models import Assignment, CaseEvent, Peer, PeerChallenge
from workflow.team_transitions import TEAM_TRANSITIONS
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
    return [_entry(e, peers) for e in events]


def _entry(event: CaseEvent, peers: dict[int, str]) -> Entry:
    what = _DONE.get(event.action) or _OTHER.get(event.action) or event.action
    peer = peers.get(event.data.get("peer"))
    if peer:
        what = f"{peer}: {what.lower()}"
    # A place's step names the place's role for the record; the timeline says it where the
    # place was added or its role changed, not on every step.
    hidden = _NOT_SHOWN | {"peer"} | ({"role"} if "from_status" in event.data else set())
    details = [
        (_label(key), _value(key, value)) for key, value in event.data.items() if key not in hidden
    ]
    return Entry(event=event, what=what, details=details)


def _label(field: str) -> str:
    for model in (PeerChallenge, Assignment):  # a case's field, else a team place's
        try:
            return str(model._meta.get_field(field).verbose_name).capitalize()
        except FieldDoesNotExist:
            continue
    return field.replace("_", " ").capitalize()  # a key of an older row: say it plainly


def _value(field: str, value: Any) -> str:
    if value in (None, "", []):
        return "removed"
    if field in _LABELS and value in _LABELS[field].values:
        return _LABELS[field](value).label.lower()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
