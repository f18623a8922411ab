"""All writes to a case. Every state change goes through `_apply_transition`: one atomic block
that calls the pure @transition method, saves (compare-and-swap on state via
ConcurrentTransitionMixin), writes the CaseEvent and runs the reactions listed for it.
"""

import datetime
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from core.errors import InvalidInput, Refused
from workflow import guards
from workflow.choices import REPORT_ISSUED_OR_LATER
from workflow.models import Assignment, CaseEvent, PeerChallenge, State
from workflow.reactions import run_reactions
from workflow.roles import can_manage

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


def record_event(*, challenge, action, from_state, actor, reason="", data=None) -> CaseEvent:
    """Write the case's audit row and run the reactions listed for its action."""
    event = CaseEvent.objects.create(
        challenge=challenge,
        action=action,
        from_state=from_state,
        to_state=challenge.state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
        data=data or {},
    )
    run_reactions(event)
    return event


@contextmanager
def undone_on_error(instance):
    """If the write fails, reload the instance so the caller never holds a half-changed row.
    Enter it outside `transaction.atomic()`, so the reload reads the rolled-back state."""
    try:
        yield
    except Exception:
        instance.refresh_from_db()
        raise


def _apply_transition(
    *,
    challenge: PeerChallenge,
    actor,
    name: str,
    action: str,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> PeerChallenge:
    changes = changes or {}
    method = getattr(challenge, name)
    try:
        with undone_on_error(challenge), transaction.atomic():
            from_state = challenge.state
            for field, value in changes.items():
                setattr(challenge, field, value)
            _validate_fields(challenge, changes)
            if not can_proceed(method, check_conditions=False):
                current = challenge.get_state_display().lower()
                verb = name.replace("_", " ")
                raise Refused([f"cannot {verb} a case that is {current}"])
            unmet = _unmet(challenge, name)
            if unmet:
                raise Refused(unmet)
            method()
            # Only what this transition wrote: an edit made meanwhile to other fields survives.
            challenge.save(update_fields=[*changes, "state", "postponed_from", "updated_at"])
            record_event(
                challenge=challenge,
                action=action,
                from_state=from_state,
                actor=actor,
                reason=reason,
                data={**(data or {}), **jsonable(changes)},
            )
    except IntegrityError:
        # Lost a race the guard could not see: another case of this host and type was booked
        # between our guard's read and our save (constraint one_open_case_per_host_and_type).
        unmet = guards.unmet_one_open_case(challenge)
        if unmet:
            raise Refused(unmet) from None
        raise
    return challenge


def _validate_fields(challenge: PeerChallenge, changes: dict[str, Any]) -> None:
    """Model validation (lengths, URL and date bounds) of the fields a transition writes, so bad
    values are a 400 and never reach the database (where PostgreSQL would refuse them)."""
    unchanged = [f.name for f in challenge._meta.fields if f.name not in changes]
    try:
        challenge.clean_fields(exclude=[*unchanged, "report_file"])
    except ValidationError as invalid:
        raise InvalidInput(invalid.message_dict) from None


def jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    """Changes as an audit row stores them: related rows by key, uploads by name."""
    out = {}
    for field, value in changes.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif hasattr(value, "name") and hasattr(value, "read"):  # uploaded file
            value = value.name
        out[field] = value
    return out


# --- creation and edits ------------------------------------------------------------------


def challenge_create(*, actor, host, challenge_type, parent=None, **fields) -> PeerChallenge:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput({f: ["this field cannot be set on a new case"] for f in unknown})
    _check_parent(host, parent)
    with transaction.atomic():
        challenge = PeerChallenge(host=host, challenge_type=challenge_type, parent=parent, **fields)
        challenge.full_clean(exclude=["report_file", "state"])
        challenge.save()
        if parent is not None and challenge_type.requires_parent:
            _prefill_team_from(parent, challenge)
        record_event(
            challenge=challenge,
            action="workflow.challenge.created",
            from_state="",
            actor=actor,
            data={"host": host.code, "type": challenge_type.slug},
        )
    return challenge


def _check_parent(host, parent: PeerChallenge | None) -> None:
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


def _prefill_team_from(parent: PeerChallenge, child: PeerChallenge) -> None:
    """A follow-up visit starts with the parent's team, invited again."""
    for a in parent.assignments.filter(status__in=Assignment.ON_TEAM):
        Assignment.objects.create(challenge=child, peer=a.peer, is_lead=a.is_lead)


def challenge_update(*, challenge: PeerChallenge, actor, changes: dict[str, Any]) -> PeerChallenge:
    if challenge.state in (State.CLOSED, State.WITHDRAWN):
        raise Refused([f"a {challenge.get_state_display().lower()} case cannot be edited"])
    allowed = EDITABLE_FIELDS | (ENQUIRY_ONLY_FIELDS if challenge.state == State.ENQUIRY else set())
    refused = set(changes) - allowed
    if refused:
        raise InvalidInput({f: ["cannot be changed at this stage"] for f in refused})
    changed = {f: v for f, v in changes.items() if getattr(challenge, f) != v}
    if not changed:
        return challenge
    if {"host", "parent"} & set(changed):
        _check_parent(changed.get("host", challenge.host), changed.get("parent", challenge.parent))
    with undone_on_error(challenge), transaction.atomic():
        for field, value in changed.items():
            setattr(challenge, field, value)
        challenge.full_clean(exclude=["report_file", "state"])
        # Only the edited fields, so a concurrent edit of others survives. (A concurrent
        # transition makes this save fail the compare-and-swap on state: a 409.)
        challenge.save(update_fields=[*changed, "updated_at"])
        record_event(
            challenge=challenge,
            action="workflow.challenge.updated",
            from_state=challenge.state,
            actor=actor,
            data=jsonable(changed),
        )
    return challenge


# --- transitions: one service each -------------------------------------------------------


def challenge_book(*, challenge: PeerChallenge, actor) -> PeerChallenge:
    return _apply_transition(
        challenge=challenge, actor=actor, name="book", action="workflow.challenge.booked"
    )


def challenge_start_team_assembly(
    *,
    challenge: PeerChallenge,
    actor,
    scope_components: list[str] | None = None,
    local_objectives: list[str] | None = None,
) -> PeerChallenge:
    changes = {}
    if scope_components is not None:
        changes["scope_components"] = scope_components
    if local_objectives is not None:
        changes["local_objectives"] = local_objectives
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="start_team_assembly",
        action="workflow.challenge.team_assembly_started",
        changes=changes,
    )


def challenge_confirm_team(*, challenge: PeerChallenge, actor) -> PeerChallenge:
    team = challenge.assignments.filter(status=Assignment.Status.ACCEPTED)
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="confirm_team",
        action="workflow.challenge.team_confirmed",
        data={"peers": list(team.values_list("peer_id", flat=True))},
    )


def challenge_start_onsite(*, challenge: PeerChallenge, actor=None) -> PeerChallenge:
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="start_onsite",
        action="workflow.challenge.onsite_started",
    )


def challenge_record_feedback(
    *, challenge: PeerChallenge, actor, feedback_date: datetime.date
) -> PeerChallenge:
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="record_feedback",
        action="workflow.challenge.feedback_recorded",
        changes={"feedback_date": feedback_date},
    )


def challenge_issue_report(
    *,
    challenge: PeerChallenge,
    actor,
    report_url: str = "",
    report_file=None,
    issued_on: datetime.date | None = None,
) -> PeerChallenge:
    issued_on = issued_on or timezone.localdate()
    if challenge.feedback_date and issued_on < challenge.feedback_date:
        raise InvalidInput(
            {"issued_on": [f"is before the feedback presentation ({challenge.feedback_date})"]}
        )
    changes: dict[str, Any] = {"report_issued_on": issued_on}
    if report_url:
        changes["report_url"] = report_url
    if report_file is not None:
        changes["report_file"] = report_file
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="issue_report",
        action="workflow.challenge.report_issued",
        changes=changes,
    )


def challenge_publish(
    *,
    challenge: PeerChallenge,
    actor,
    publication_url: str = "",
    published_on: datetime.date | None = None,
    action_plan_url: str = "",
    action_plan_published_on: datetime.date | None = None,
) -> PeerChallenge:
    """Types that expect no publication may pass neither URL nor date (their guard allows it)."""
    issued = challenge.report_issued_on
    if published_on and issued and published_on < issued:
        raise InvalidInput({"published_on": [f"is before the report was issued ({issued})"]})
    changes: dict[str, Any] = {}
    if publication_url:
        changes["publication_url"] = publication_url
    if published_on:
        changes["published_on"] = published_on
    if action_plan_url:
        changes["action_plan_url"] = action_plan_url
        changes["action_plan_published_on"] = action_plan_published_on or published_on
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="publish",
        action="workflow.challenge.published",
        changes=changes,
    )


def challenge_start_post_challenge(*, challenge: PeerChallenge, actor) -> PeerChallenge:
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="start_post_challenge",
        action="workflow.challenge.post_challenge_started",
    )


def challenge_close(*, challenge: PeerChallenge, actor, reason: str) -> PeerChallenge:
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="close",
        action="workflow.challenge.closed",
        reason=reason,
        changes={"closed_reason": reason.strip()},
    )


def challenge_postpone(*, challenge: PeerChallenge, actor, reason: str) -> PeerChallenge:
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="postpone",
        action="workflow.challenge.postponed",
        reason=reason,
        changes={"postponed_reason": reason.strip()},
    )


def challenge_resume(*, challenge: PeerChallenge, actor, reason: str = "") -> PeerChallenge:
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="resume",
        action="workflow.challenge.resumed",
        reason=reason,
        data={"resumed_to": challenge.postponed_from},
    )


def challenge_withdraw(*, challenge: PeerChallenge, actor, reason: str) -> PeerChallenge:
    return _apply_transition(
        challenge=challenge,
        actor=actor,
        name="withdraw",
        action="workflow.challenge.withdrawn",
        reason=reason,
        changes={"withdrawn_reason": reason.strip()},
    )


# Transition name -> service. The API, admin and commands look services up here.
TRANSITION_SERVICES = {
    "book": challenge_book,
    "start_team_assembly": challenge_start_team_assembly,
    "confirm_team": challenge_confirm_team,
    "start_onsite": challenge_start_onsite,
    "record_feedback": challenge_record_feedback,
    "issue_report": challenge_issue_report,
    "publish": challenge_publish,
    "start_post_challenge": challenge_start_post_challenge,
    "close": challenge_close,
    "postpone": challenge_postpone,
    "resume": challenge_resume,
    "withdraw": challenge_withdraw,
}


def _unmet(challenge: PeerChallenge, name: str) -> list[str]:
    return guards.UNMET[name](challenge) if name in guards.UNMET else []


def available_transitions(
    challenge: PeerChallenge, user, *, with_unmet: bool = True
) -> list[dict[str, Any]]:
    """Transitions leaving the current state that this user may fire. With `with_unmet`, each
    also says whether it is ready and what is unmet; without, only the current state is read,
    so a list of cases costs no query per case."""
    if not can_manage(user):
        return []
    out = []
    for name in TRANSITION_SERVICES:
        method = getattr(challenge, name)
        if not can_proceed(method, check_conditions=False):
            continue
        target = method._django_fsm.get_transition(challenge.state).target
        transition = {
            "name": name,
            "target": str(challenge.postponed_from if name == "resume" else target),
        }
        if with_unmet:
            # Reasons come with the request itself, so they never block availability.
            unmet = [u for u in _unmet(challenge, name) if u != guards.REASON_REQUIRED]
            transition.update(ready=not unmet, unmet=unmet)
        out.append(transition)
    return out
