"""Transition guards: what the case and its related rows must already hold before a transition
(workflow/transitions.py names each one's guard). Each returns the unmet conditions in plain
words; an empty list means the transition may go ahead. What a request supplies is not a guard's
business: the model validates input (HTTP 400), guards refuse (HTTP 409).

Guards only read: they have no side effects (django-fsm rule).
"""

from django.utils import timezone

from workflow.choices import HOLDS_A_PLACE, AssignmentStatus, PeerKind

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
    team = list(accepted.select_related("peer"))
    unmet = []
    if not ctype.min_peers <= len(team) <= ctype.max_peers:
        unmet.append(
            f"team has {len(team)} accepted peers; a {ctype} needs "
            f"{ctype.min_peers} to {ctype.max_peers}"
        )
    leads = {a.peer.kind for a in team if a.is_lead}
    if ctype.requires_lead_member_peer and PeerKind.MEMBER not in leads:
        unmet.append("no lead member peer")
    if ctype.requires_lead_officer_peer and PeerKind.OFFICER not in leads:
        unmet.append("no lead officer peer")
    for a in team:
        if not a.interests_declared:
            unmet.append(f"{a.peer} has not declared interests")
        if a.conflict_unresolved:
            unmet.append(f"{a.peer} has an unresolved conflict of interest")
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
