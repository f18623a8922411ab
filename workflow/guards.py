"""Transition guards: what the case and its related rows must already hold before a transition
(workflow/transitions.py names each one's guard). Each returns the unmet conditions in plain
words; an empty list means the transition may go ahead. What a request supplies is not a guard's
business: the model validates input (HTTP 400), guards refuse (HTTP 409).

Guards only read: they have no side effects (django-fsm rule).
"""

from collections import Counter

from django.utils import timezone

from workflow.choices import (
    BEFORE_ONSITE,
    COUNTED_ROLES,
    HOLDS_A_PLACE,
    AssignmentRole,
    AssignmentStatus,
    State,
)
from workflow.conflicts import Conflict, conflicts_for_case
from workflow.models import Peer

Unmet = list[str]


def unmet_book(challenge) -> Unmet:
    unmet = []
    host = challenge.host
    if not host.is_active_english_council:
        unmet.append(f"{host} is not an active English council")
    unmet += _unmet_onsite_dates(challenge)
    if not (challenge.chief_executive_name and challenge.chief_executive_email):
        unmet.append("chief executive contact missing (name and email)")
    if not (challenge.leader_name and challenge.leader_email):
        unmet.append("leader contact missing (name and email)")
    if challenge.challenge_type.requires_parent and challenge.parent_id is None:
        unmet.append(f"a {challenge.challenge_type} must link to the challenge it follows up")
    return unmet + unmet_one_open_case(challenge)


def unmet_one_open_case(challenge) -> Unmet:
    """The host has no other booked-or-later open case of this type (the database holds the
    same rule as a constraint; services report a lost race with these words)."""
    other = (
        type(challenge)
        .objects.filter(HOLDS_A_PLACE, host=challenge.host, challenge_type=challenge.challenge_type)
        .exclude(pk=challenge.pk)
        .first()
    )
    if other is None:
        return []
    return [f"{challenge.host} already has an open {challenge.challenge_type} ({other.reference})"]


def _unmet_onsite_dates(challenge) -> Unmet:
    # The order of the dates is the model's rule (PeerChallenge.clean and a constraint).
    if not (challenge.onsite_start and challenge.onsite_end):
        return ["onsite dates not set"]
    if challenge.onsite_start < timezone.localdate():
        return [f"the onsite visit would start in the past ({challenge.onsite_start:%-d %B %Y})"]
    return []


def unmet_start_team_assembly(challenge) -> Unmet:
    unmet = []
    covered = set(challenge.scope_components or [])
    for component in challenge.challenge_type.mandatory_components:
        if component["code"] not in covered:
            unmet.append(
                f"scope misses the mandatory component “{component['label']}” "
                f"(code {component['code']})"
            )
    if not [o for o in challenge.local_objectives or [] if str(o).strip()]:
        unmet.append("no local objective agreed")
    return unmet


def unmet_confirm_team(challenge) -> Unmet:
    ctype = challenge.challenge_type
    accepted = challenge.assignments.filter(status=AssignmentStatus.ACCEPTED)
    team = list(accepted.select_related("peer").order_by("pk"))
    unmet = []
    counted = [a for a in team if a.role in COUNTED_ROLES]
    if not ctype.min_peers <= len(counted) <= ctype.max_peers:
        shadows = " (shadows not counted)" if len(counted) < len(team) else ""
        unmet.append(
            f"team has {len(counted)} accepted peers{shadows}; a {ctype} needs "
            f"{ctype.min_peers} to {ctype.max_peers}"
        )
    roles = Counter(a.role for a in team)
    for lead, required in [
        (AssignmentRole.LEAD_MEMBER, ctype.requires_lead_member_peer),
        (AssignmentRole.LEAD_OFFICER, ctype.requires_lead_officer_peer),
    ]:
        if required and not roles[lead]:
            unmet.append(f"no {lead.label.lower()} has accepted")
        elif roles[lead] > 1:
            unmet.append(f"{roles[lead]} {lead.label.lower()}s have accepted; a team has one")
    # Read live: the register, the peer's councils or the visit's date may have moved since
    # each place was made.
    found = conflicts_for_case([a.peer for a in team], challenge)
    for a in team:
        if not a.interests.strip():  # the model's rule too: kept here for rows written before
            unmet.append(f"{a.peer} has not declared interests")
        hard = cannot_serve(a.peer, found[a.peer_id])
        unmet += hard  # and no word of their soft ones: no reason lets them serve
        soft = [c for c in found[a.peer_id] if not c.is_hard]
        if soft and not hard and not a.override_reason.strip():
            conflict = "soft conflict" if len(soft) == 1 else "soft conflicts"
            unmet.append(f"the override for {a.peer}'s {conflict} has no reason")
    return unmet


def unmet_start_onsite(challenge) -> Unmet:
    if challenge.onsite_start is None:
        return ["onsite dates not set"]
    if challenge.onsite_start > timezone.localdate():
        return [f"onsite visit starts on {challenge.onsite_start:%-d %B %Y}"]
    return []


def unmet_record_feedback(challenge) -> Unmet:
    """Feedback is presented at the end of the visit: not while it is still running."""
    if challenge.onsite_end and challenge.onsite_end > timezone.localdate():
        return [f"the onsite visit runs until {challenge.onsite_end:%-d %B %Y}"]
    return []


# --- a team place (workflow/team_transitions.py) ------------------------------------------


def unmet_team_change(place, spec=None) -> Unmet:
    """No team changes once a case is over; a withdrawn case's places may only be withdrawn
    (which is how its withdrawal takes the team with it)."""
    case = place.challenge
    withdrawing = spec is not None and spec.name == "withdraw"
    if case.state == State.CLOSED or (case.state == State.WITHDRAWN and not withdrawing):
        return [f"the team of a {case.get_state_display().lower()} case cannot change"]
    return []


def unmet_invite(place) -> Unmet:
    if not place.peer.is_active:
        return [f"{place.peer} is no longer an active peer"]
    return unmet_conflicts(place)


# --- conflicts with the host (workflow/conflicts.py), read live from the register ----------
# A hard conflict keeps a peer off the team (HTTP 409); a soft one needs the manager's reason
# for choosing them anyway (HTTP 400 on `override_reason` while it is missing).


def place_conflicts(place) -> list[Conflict]:
    """Read once per team write: the guard, the check and the event ask alike, and each
    write forgets them as it begins (`forget_conflicts`). The peer's councils are read as
    stored now, not from a copy held since (an interest declared meanwhile counts)."""
    found = getattr(place, "_conflicts", None)
    if found is None:
        peer = Peer.objects.with_councils().get(pk=place.peer_id)
        found = place._conflicts = conflicts_for_case([peer], place.challenge)[peer.pk]
    return found


def forget_conflicts(place) -> None:
    place.__dict__.pop("_conflicts", None)


def cannot_serve(peer, found: list[Conflict]) -> Unmet:
    return [f"{peer} cannot serve: {c.reason}" for c in found if c.is_hard]


def unmet_conflicts(place) -> Unmet:
    """The peer's hard conflicts with the host: no place on the team, not even as a reserve."""
    return cannot_serve(place.peer, place_conflicts(place))


def missing_override(place) -> dict[str, list[str]]:
    """A place whose peer has soft conflicts with the host needs the manager's reason for
    choosing them anyway, naming each conflict."""
    if place.override_reason.strip():
        return {}
    soft = [c.reason for c in place_conflicts(place) if not c.is_hard]
    if not soft:
        return {}
    conflict = "a soft conflict" if len(soft) == 1 else "soft conflicts"
    words = f"{place.peer} has {conflict} with the host ({'; '.join(soft)}): give your reason"
    return {"override_reason": [f"{words} for choosing them anyway"]}


def unmet_expire(place) -> Unmet:
    """An invitation lapses once its respond-by day is over."""
    if place.respond_by and place.respond_by >= timezone.localdate():
        return [f"the invitation is open until {place.respond_by:%-d %B %Y}"]
    return []


def unmet_complete(place) -> Unmet:
    """Days on a challenge are logged once its visit has begun."""
    case = place.challenge
    if case.state in (*BEFORE_ONSITE, State.POSTPONED):
        state = case.get_state_display().lower()
        return [f"the onsite visit has not started (the case is {state})"]
    return []
