"""A survey invitation's life (DESIGN.md §5): every change of an invitation is one service here,
in one transaction under a lock on its row, with its audit row on the case's timeline.

    invite / schedule → send (to the case's contact as it is then) → remind → complete | expire
    a manager: extend the closing date (reopening an expired one), revoke the link (and send
    it again, to the case's current contact); delivery: a bounce recorded on the invitation

The emails are outbox rows (notifications.services.notification_queue) holding the
invitation's id, never its link: the template signs the link when it renders
(surveys/templatetags/survey_links.py). When the impact survey of a case is over (each
invitation completed or expired) the case closes through the workflow's own service.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput, Refused
from core.signed_links import new_nonce
from notifications.models import Notification
from notifications.rules import add_months
from notifications.services import notification_queue
from surveys import actions
from surveys.closing import close_case_if_impact_survey_over
from surveys.contacts import contact_changed as contact_changed  # the panel reads it here
from surveys.contacts import current_contact
from surveys.contacts import waiting_for_address as waiting_for_address
from surveys.models import (
    InvitationStatus,
    Questionnaire,
    Respondent,
    SurveyInvitation,
    SurveyKind,
)
from workflow.audit import record_event
from workflow.machine import Actor
from workflow.models import PeerChallenge

logger = logging.getLogger(__name__)
Status = InvitationStatus
Kind = Notification.Kind
# What the email says it takes: the questionnaires' own introductions say "about 10 minutes".
MINUTES_TO_ANSWER = 10
# How far ahead a manager may move a closing date.
MAX_EXTENSION_DAYS = 180


def latest_questionnaire(kind: str) -> Questionnaire | None:
    """The newest published version of a survey: what new invitations are for."""
    return (
        Questionnaire.objects.filter(kind=kind, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def _in_words(day: datetime.date) -> str:
    return f"{day:%A %-d %B %Y}"


def _facts(invitation: SurveyInvitation) -> dict:
    """What every audit row of an invitation records (the id is for the machine, not shown)."""
    return {
        "survey_invitation": invitation.pk,
        "survey": invitation.questionnaire.get_kind_display(),
        "respondent": invitation.get_respondent_display(),
    }


def _record(invitation: SurveyInvitation, action: str, actor: Actor = None, **data) -> None:
    case = invitation.challenge
    reason = data.pop("reason", "")
    record_event(
        challenge=case,
        action=action,
        from_state=case.state,
        actor=actor,
        reason=reason,
        data={**_facts(invitation), **data},
    )


def _locked(invitation: SurveyInvitation) -> SurveyInvitation:
    """The invitation's row, locked for the caller's transaction: two sweeps, or a sweep and a
    manager, never both act on one invitation."""
    # of=self: the joined case, council and questionnaire rows are read, not locked.
    return (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("challenge__host", "challenge__challenge_type", "questionnaire")
        .get(pk=invitation.pk)
    )


def _expire_after() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.SURVEY_EXPIRE_DAYS)


# --- creating --------------------------------------------------------------------------------


def invitations_create(
    *, challenge: PeerChallenge, kind: str, send_on: datetime.date, actor: Actor = None
) -> list[SurveyInvitation]:
    """One invitation per respondent (chief executive, leader) to the latest published
    questionnaire of `kind`, due on `send_on`. Idempotent: a rerun finds them and writes
    nothing new. Returns the invitations created now."""
    questionnaire = latest_questionnaire(kind)
    if questionnaire is None:
        # A deploy without the questionnaires' data migration: the case must still move on.
        logger.error("no published %s questionnaire: case %s not surveyed", kind, challenge.pk)
        return []
    created = []
    for respondent in Respondent:
        invitation, new = SurveyInvitation.objects.get_or_create(
            challenge=challenge,
            questionnaire=questionnaire,
            respondent=respondent,
            defaults={"send_on": send_on},
        )
        if new:
            created.append(invitation)
            _record(invitation, actions.SURVEY_SCHEDULED, actor, send_on=_in_words(send_on))
    return created


def feedback_survey_invite(*, challenge: PeerChallenge, actor: Actor = None) -> None:
    """The report is issued: the feedback survey goes to the chief executive and the leader
    at once (each waits for an address the case does not hold yet)."""
    if not challenge.challenge_type.sends_surveys:
        return
    today = timezone.localdate()
    for invitation in invitations_create(
        challenge=challenge, kind=SurveyKind.FEEDBACK, send_on=today, actor=actor
    ):
        survey_send(invitation=invitation, actor=actor)


def impact_survey_schedule(*, challenge: PeerChallenge, actor: Actor = None) -> None:
    """Post-challenge: the impact survey is a row due SURVEY_IMPACT_MONTHS after the visit
    ends, sent by the daily sweep (surveys/rules.py) on that day, never a Celery countdown."""
    if not challenge.challenge_type.sends_surveys:
        return
    start = challenge.onsite_end or timezone.localdate()
    send_on = add_months(start, settings.SURVEY_IMPACT_MONTHS)
    invitations_create(challenge=challenge, kind=SurveyKind.IMPACT, send_on=send_on, actor=actor)


# --- sending ---------------------------------------------------------------------------------


def _email(invitation: SurveyInvitation, kind: Kind, *, topic_key: str, due_on, **context):
    return notification_queue(
        kind=kind,
        topic_key=topic_key,
        recipient_email=invitation.recipient_email,
        recipient_name=invitation.recipient_name,
        due_on=due_on,
        challenge=invitation.challenge,
        # The invitation's id only: the link is signed when the email is rendered.
        context={
            "survey_invitation": invitation.pk,
            "survey": invitation.questionnaire.title,
            "survey_kind": invitation.questionnaire.kind,
            "respondent": invitation.get_respondent_display().lower(),
            "minutes": MINUTES_TO_ANSWER,
            "closes_on": _in_words(invitation.expires_on) if invitation.expires_on else "",
            **context,
        },
    )


def topic_key(invitation: SurveyInvitation) -> str:
    """The outbox key of an invitation's emails."""
    return f"survey_invitation:{invitation.pk}"


def survey_send(*, invitation: SurveyInvitation, actor: Actor = None) -> SurveyInvitation:
    """Send a scheduled invitation to the case's contact as it is now, recording who it went
    to. With no address on the case it stays scheduled (the sweep tries again each day) and
    the timeline says so, once. A row no longer scheduled is left alone (a rerun)."""
    with transaction.atomic():
        invitation = _locked(invitation)
        if invitation.status != Status.SCHEDULED:
            return invitation
        name, email = current_contact(invitation)
        if not email:
            _hold(invitation, actor)
            return invitation
        invitation.send()
        invitation.expires_on = _expire_after()
        _mail(
            invitation,
            (name, email),
            topic=topic_key(invitation),
            action=actions.SURVEY_SENT,
            actor=actor,
        )
    return invitation


def _mail(
    invitation: SurveyInvitation, to: tuple[str, str], *, topic: str, action: str, actor: Actor
) -> None:
    """Address the invitation to `to` (name, email), save it, queue its email (the link is
    signed when it renders) and record it on the timeline."""
    name, email = to
    invitation.recipient_name, invitation.recipient_email = name, email
    invitation.sent_at = timezone.now()
    invitation.save()
    _email(invitation, Kind.SURVEY_INVITATION, topic_key=topic, due_on=timezone.localdate())
    assert invitation.expires_on is not None  # every sent invitation has a closing date
    _record(
        invitation,
        action,
        actor,
        sent_to=f"{name} <{email}>" if name else email,
        closes_on=_in_words(invitation.expires_on),
    )


def _hold(invitation: SurveyInvitation, actor: Actor) -> None:
    held_before = invitation.challenge.events.filter(
        action=actions.SURVEY_HELD, data__survey_invitation=invitation.pk
    ).exists()
    if not held_before:
        role = invitation.get_respondent_display().lower()
        _record(
            invitation,
            actions.SURVEY_HELD,
            actor,
            reason=f"The case has no email address for the {role}: record it on the case "
            "and the survey goes with the next daily run",
        )
    logger.warning(
        "survey invitation %s (case %s) not sent: no email address",
        invitation.pk,
        invitation.challenge.reference,
    )


def survey_remind(*, invitation: SurveyInvitation, today: datetime.date) -> bool:
    """The reminder due now, if any: SURVEY_REMINDER_DAYS after sending, while the survey is
    open and unanswered. Keyed by its nominal day, so a rerun writes nothing new; after a
    missed run the latest reminder due stands for the ones missed (one email, not two).
    Returns whether a reminder was written."""
    with transaction.atomic():
        invitation = _locked(invitation)
        if invitation.status != Status.SENT or invitation.sent_at is None:
            return False
        if invitation.expires_on is not None and invitation.expires_on < today:
            return False
        sent_on = timezone.localdate(invitation.sent_at)
        passed = [d for d in settings.SURVEY_REMINDER_DAYS if sent_on + _days(d) <= today]
        if len(passed) <= invitation.reminders_sent:
            return False
        days = passed[-1]
        _, created = _email(
            invitation,
            Kind.SURVEY_REMINDER,
            topic_key=topic_key(invitation),
            due_on=sent_on + _days(days),
            days_since_sent=days,
        )
        if not created:
            return False
        invitation.reminders_sent += 1
        invitation.save(update_fields=["reminders_sent", "updated_at"])
        _record(invitation, actions.SURVEY_REMINDED, days_after_sending=days)
    return True


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def survey_expire(*, invitation: SurveyInvitation, today: datetime.date) -> bool:
    """A sent survey whose closing day is over expires; an impact survey's expiry may close
    its case. Returns whether it expired now."""
    with transaction.atomic():
        invitation = _locked(invitation)
        if invitation.status != Status.SENT or not invitation.expires_on:
            return False
        if invitation.expires_on >= today:
            return False
        invitation.expire()
        invitation.save()
        _record(invitation, actions.SURVEY_EXPIRED)
        if invitation.questionnaire.kind == SurveyKind.IMPACT:
            close_case_if_impact_survey_over(invitation.challenge)
    return True


# --- a manager's changes -----------------------------------------------------------------------


def survey_extend(
    *, invitation: SurveyInvitation, until: datetime.date, actor: Actor
) -> SurveyInvitation:
    """Move the closing date to `until`; an expired survey opens again (its link works)."""
    if not isinstance(until, datetime.date) or isinstance(until, datetime.datetime):
        raise InvalidInput({"until": ["Enter the new closing date as a date"]})
    today = timezone.localdate()
    if until < today:
        raise InvalidInput({"until": ["The new closing date must be today or later"]})
    if until > today + _days(MAX_EXTENSION_DAYS):
        raise InvalidInput(
            {"until": [f"The new closing date must be within {MAX_EXTENSION_DAYS} days"]}
        )
    with transaction.atomic():
        invitation = _locked(invitation)
        if invitation.status == Status.SCHEDULED:
            raise Refused(["the survey has not been sent yet: it has no closing date"])
        if invitation.status == Status.COMPLETED:
            raise Refused(["the survey is already completed"])
        current = invitation.expires_on
        if invitation.status == Status.SENT and current is not None and until <= current:
            raise InvalidInput(
                {"until": [f"Choose a date after the current closing date, {_in_words(current)}"]}
            )
        if invitation.status == Status.EXPIRED:
            invitation.reopen()
        invitation.expires_on = until
        invitation.save()
        _record(invitation, actions.SURVEY_EXTENDED, actor, closes_on=_in_words(until))
    return invitation


def survey_revoke_link(
    *, invitation: SurveyInvitation, actor: Actor, send_again: bool = True
) -> SurveyInvitation:
    """Replace the link's nonce, so the link already sent opens nothing. With `send_again`,
    the survey goes again with a new link to the case's current contact (a new chief
    executive, a corrected address), its reminders start over and it stays open at least
    SURVEY_EXPIRE_DAYS; the answers already saved stay with the invitation."""
    with transaction.atomic():
        invitation = _locked(invitation)
        if invitation.status != Status.SENT:
            state = invitation.get_status_display().lower()
            raise Refused([f"only an open survey's link can be revoked; this one is {state}"])
        invitation.nonce = new_nonce()
        if not send_again:
            invitation.save(update_fields=["nonce", "updated_at"])
            _record(invitation, actions.SURVEY_LINK_REVOKED, actor)
            return invitation
        name, email = current_contact(invitation)
        if not email:
            role = invitation.get_respondent_display().lower()
            raise Refused([f"the case has no email address for the {role}: record it first"])
        resends = invitation.challenge.events.filter(
            action=actions.SURVEY_SENT_AGAIN, data__survey_invitation=invitation.pk
        ).count()
        invitation.reminders_sent = 0
        invitation.bounced_at, invitation.bounce_reason = None, ""
        invitation.expires_on = max(invitation.expires_on or _expire_after(), _expire_after())
        # Its own topic: a second email to the same person on the same day is news, not a
        # duplicate for the outbox's key to swallow.
        topic = f"{topic_key(invitation)}:{resends + 1}"
        _mail(invitation, (name, email), topic=topic, action=actions.SURVEY_SENT_AGAIN, actor=actor)
    return invitation


# --- delivery and answers ----------------------------------------------------------------------


def survey_record_bounce(*, invitation: SurveyInvitation, reason: str) -> SurveyInvitation:
    """The mail server refused an email of this invitation for good (or it could not be
    rendered): recorded for the manager, who may correct the address and send it again."""
    with transaction.atomic():
        invitation = _locked(invitation)
        invitation.bounced_at = timezone.now()
        invitation.bounce_reason = reason[:500]
        invitation.save(update_fields=["bounced_at", "bounce_reason", "updated_at"])
        _record(invitation, actions.SURVEY_BOUNCED, reason=reason[:500])
    return invitation


def survey_completed(invitation: SurveyInvitation) -> SurveyInvitation:
    """The respondent submitted (surveys.responding.survey_submit, which completes the
    invitation and records it): for an impact survey the case closes once every invitation
    of it is completed or expired. Also completes an invitation still open, for a caller that
    did not."""
    with transaction.atomic():
        invitation = _locked(invitation)
        if invitation.status == Status.SENT:
            invitation.complete()
            invitation.completed_at = timezone.now()
            invitation.save()
            _record(invitation, actions.SURVEY_COMPLETED)
        elif invitation.status != Status.COMPLETED:
            raise Refused(["the survey is closed"])
        if invitation.questionnaire.kind == SurveyKind.IMPACT:
            close_case_if_impact_survey_over(invitation.challenge)
    return invitation
