"""Transition guards. Each `unmet_*` returns the unmet conditions in plain words; an empty
list means the transition may go ahead. The `can_*` forms are the django-fsm conditions.

Guards read only the case and its related rows: they have no side effects (django-fsm rule).
"""

from collections.abc import Callable

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
    if not (challenge.onsite_start and challenge.onsite_end):
        return ["onsite dates not set"]
    if challenge.onsite_end < challenge.onsite_start:
        return ["onsite end date is before the start date"]
    return []


def unmet_start_team_assembly(challenge) -> Unmet:
    unmet = []
    covered = set(challenge.scope_components or [])
    for component in challenge.challenge_type.mandatory_components:
        if component["code"] not in covered:
            unmet.append(f"scope misses the mandatory component “{component['label']}”")
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
    today = timezone.localdate()
    if challenge.onsite_start is None:
        return ["onsite dates not set"]
    if challenge.onsite_start > today:
        return [f"onsite visit starts on {challenge.onsite_start:%d %B %Y}"]
    return []


def unmet_record_feedback(challenge) -> Unmet:
    if challenge.feedback_date is None:
        return ["feedback presentation date not recorded"]
    if challenge.feedback_date > timezone.localdate():
        return ["feedback presentation date is in the future"]
    if challenge.onsite_start and challenge.feedback_date < challenge.onsite_start:
        return ["feedback presentation date is before the onsite visit"]
    return []


def unmet_issue_report(challenge) -> Unmet:
    if not (challenge.report_file or challenge.report_url):
        return ["final report not attached (file or URL)"]
    return []


def unmet_publish(challenge) -> Unmet:
    if not challenge.challenge_type.publication_expected:
        return []
    unmet = []
    if not challenge.publication_url:
        unmet.append("publication URL missing")
    if challenge.published_on is None:
        unmet.append("publication date missing")
    elif challenge.published_on > timezone.localdate():
        unmet.append("publication date is in the future")
    return unmet


REASON_REQUIRED = "a reason is required"


def _reason_required(field: str) -> Callable[[object], Unmet]:
    def unmet(challenge) -> Unmet:
        return [] if getattr(challenge, field).strip() else [REASON_REQUIRED]

    return unmet


unmet_close = _reason_required("closed_reason")
unmet_postpone = _reason_required("postponed_reason")
unmet_withdraw = _reason_required("withdrawn_reason")


def _as_condition(unmet: Callable[[object], Unmet]) -> Callable[[object], bool]:
    def condition(challenge) -> bool:
        return not unmet(challenge)

    return condition


can_book = _as_condition(unmet_book)
can_start_team_assembly = _as_condition(unmet_start_team_assembly)
can_confirm_team = _as_condition(unmet_confirm_team)
can_start_onsite = _as_condition(unmet_start_onsite)
can_record_feedback = _as_condition(unmet_record_feedback)
can_issue_report = _as_condition(unmet_issue_report)
can_publish = _as_condition(unmet_publish)
can_close = _as_condition(unmet_close)
can_postpone = _as_condition(unmet_postpone)
can_withdraw = _as_condition(unmet_withdraw)

# Transition name -> its unmet-conditions function (transitions without guards are absent).
UNMET = {
    "book": unmet_book,
    "start_team_assembly": unmet_start_team_assembly,
    "confirm_team": unmet_confirm_team,
    "start_onsite": unmet_start_onsite,
    "record_feedback": unmet_record_feedback,
    "issue_report": unmet_issue_report,
    "publish": unmet_publish,
    "close": unmet_close,
    "postpone": unmet_postpone,
    "withdraw": unmet_withdraw,
}
