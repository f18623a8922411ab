"""A case's audit rows told in words for the case page: what happened, who did it, why, and
what changed (field names as the model labels them, people by name). Read in a constant number
of queries: the peers named in team events are fetched together."""

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.module_loading import import_string

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
    actions.DATE_OPTIONS_SET: "Dates offered to the team",
    actions.AVAILABILITY_ANSWERED: "Said which dates they can make",
    actions.RESERVES_REORDERED: "Reserves ranked",
    actions.NO_RESERVE_LEFT: "No reserve left to invite",
    actions.ASSIGNMENT_LINK_REVOKED: "Invitation link revoked",
    actions.ASSIGNMENT_INVITATION_RESENT: "Invitation sent again with a new link",
}
# Keys the audit rows carry for the machine, not for people.
_NOT_SHOWN = {"assignment", "peers", "host", "type", "from_status", "survey_invitation"}
# Keys that are a person's own business: shown to managers only (timeline(personal=False)).
# A reserve passed over is named with why (a conflict, no longer active): the manager's too.
PERSONAL = {
    "decline_reason",
    "decline_note",
    "interests",
    "override_reason",
    "soft_conflicts",
    "skipped",
}
# Values kept as codes, told by their labels.
_LABELS = {"status": AssignmentStatus, "role": AssignmentRole, "decline_reason": DeclineReason}
# How a peer answered an invitation when it was not signed in (workflow.invitation_answers).
ANSWERED_BY_LINK = "link"
_ANSWERED_BY = {ANSWERED_BY_LINK: "the invitation link in their email"}


@dataclass(frozen=True)
class Entry:
    event: CaseEvent
    what: str
    details: list[tuple[str, str]]  # (what changed, its new value), in words
    who: str  # who did it: a person's name, the peer who answered by link, or the system
    why: str  # the reason given, where this reader may see it (shown_reason)


def shown_reason(event: CaseEvent, *, personal: bool) -> str:
    """The event's reason, but a team place's reason (why a peer left the team, in free text)
    is a person's own business, as PERSONAL's keys are: managers only."""
    if not personal and "assignment" in event.data:
        return ""
    return event.reason


def timeline(case: PeerChallenge, *, personal: bool = True) -> list[Entry]:
    """The case's events in words; without `personal`, none of the personal data they hold
    (a peer's reasons and declarations, conflicts and overrides): only managers see those."""
    events = list(case.events.select_related("actor"))
    peer_ids = {pk for e in events for pk in _peers_named(e.data)}
    peers = dict(Peer.objects.filter(pk__in=peer_ids).values_list("pk", "name"))
    components = {c["code"]: c["label"] for c in case.challenge_type.mandatory_components}
    return [_entry(e, peers, components, personal) for e in events]


def _entry(
    event: CaseEvent, peers: dict[int, str], components: dict[str, str], personal: bool
) -> Entry:
    what = (
        _DONE.get(event.action)
        or _OTHER.get(event.action)
        or _other_apps_words().get(event.action)
        or event.action
    )
    peer = peers.get(event.data.get("peer"))
    who = _who(event, peer)
    if peer:
        what = f"{peer}: {what.lower()}"
    told = set()  # said in `what` already
    if event.action == actions.ASSIGNMENT_INVITED and "replaces" in event.data:
        what += f" in place of {_reserve_value('replaces', event.data['replaces'], peers)}"
        told.add("replaces")
    # A place's step names the place's role for the record; the timeline says it where the
    # place was added or its role changed, not on every step.
    hidden = _NOT_SHOWN | {"peer"} | told | (set() if personal else PERSONAL)
    hidden |= {"role"} if "from_status" in event.data else set()
    details = [
        (_RESERVE_WORDS.get(key) or _label(key), _value(key, value, components, peers))
        for key, value in event.data.items()
        if key not in hidden
    ]
    why = shown_reason(event, personal=personal)
    return Entry(event=event, what=what, details=details, who=who, why=why)


# The reserve queue's keys (workflow/reactions_team.py, team_services.reserves_reorder): peers
# by id, told by name.
_RESERVE_WORDS = {"replaces": "In place of", "skipped": "Passed over", "reserves": "In order"}


def _peers_named(data: dict[str, Any]) -> set[int]:
    named = [data.get("peer"), data.get("replaces"), *(data.get("reserves") or [])]
    named += [s.get("peer") for s in data.get("skipped") or [] if isinstance(s, dict)]
    return {pk for pk in named if isinstance(pk, int)}


def _reserve_value(name: str, value: Any, peers: dict[int, str]) -> str:
    def who(pk: Any) -> str:
        return peers.get(pk, "a peer no longer listed")

    if name == "replaces":
        return who(value)
    if name == "reserves":
        return "; ".join(f"{rank}. {who(pk)}" for rank, pk in enumerate(value, 1))
    return "; ".join(f"{who(s.get('peer'))} ({s.get('why')})" for s in value)


@cache
def _other_apps_words() -> dict[str, str]:
    """The words of the events other apps record, listed in settings.CASE_EVENT_WORDS."""
    words: dict[str, str] = {}
    for path in getattr(settings, "CASE_EVENT_WORDS", []):
        words.update(import_string(path))
    return words


def _who(event: CaseEvent, peer: str | None) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.username
    if event.data.get("answered_by") == ANSWERED_BY_LINK:
        return peer or "The peer"  # no account: they answered from the email's link
    return "The system"


def _field(name: str) -> models.Field | None:
    for model in (PeerChallenge, Assignment):  # a case's field, else a team place's
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None  # a key of an older row


# Keys that name no field: what the manager overrode (workflow.team_transitions.overridden).
_KEY_WORDS = {"soft_conflicts": "Soft conflicts overridden"}


def _label(name: str) -> str:
    if name in _KEY_WORDS:
        return _KEY_WORDS[name]
    field = _field(name)
    if field is None:
        return name.replace("_", " ").capitalize()  # said plainly
    return field_label(field.verbose_name)


def _value(name: str, value: Any, components: dict[str, str], peers: dict[int, str]) -> str:
    if value in (None, "", []):
        return "removed"
    if name in _RESERVE_WORDS:
        return _reserve_value(name, value, peers)
    if name == "answered_by":
        return _ANSWERED_BY.get(value, str(value))
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
