"""A case closes when its impact survey is over (DESIGN.md §3): each impact invitation completed
or expired. `surveys` fires the workflow's own `close` transition, with the reason in words;
the last answer or expiry calls it, and the daily sweep (surveys/rules.py) retries a close that
could not happen then."""

import logging

from django.db import DatabaseError, transaction
from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from surveys.models import InvitationStatus, SurveyInvitation, SurveyKind
from workflow.models import PeerChallenge, State
from workflow.services import challenge_transition

logger = logging.getLogger(__name__)
Status = InvitationStatus


def _people(invitations: list[SurveyInvitation]) -> str:
    return " and ".join(f"the {i.get_respondent_display().lower()}" for i in invitations)


def impact_survey_close_reason(invitations: list[SurveyInvitation]) -> str | None:
    """Why the case closes, in words, once no impact invitation is still open; else None."""
    if not invitations or any(i.status in (Status.SCHEDULED, Status.SENT) for i in invitations):
        return None
    completed = [i for i in invitations if i.status == Status.COMPLETED]
    expired = [i for i in invitations if i.status == Status.EXPIRED]
    if not expired:
        return f"Impact survey completed by {_people(completed)}"
    if not completed:
        return f"Impact survey expired unanswered by {_people(expired)}"
    return (
        f"Impact survey completed by {_people(completed)}; expired unanswered by {_people(expired)}"
    )


def close_case_if_impact_survey_over(challenge: PeerChallenge) -> bool:
    """Close a post-challenge case whose impact survey is over, through the workflow's service
    (the `close` transition takes a reason). In a savepoint: a case that cannot close now (a
    manager's edit won the race) does not undo the answer or the expiry that prompted it; the
    daily sweep tries again. Returns whether the case closed."""
    challenge.refresh_from_db()
    if challenge.state != State.POST_CHALLENGE:
        return False
    invitations = list(
        SurveyInvitation.objects.filter(challenge=challenge, questionnaire__kind=SurveyKind.IMPACT)
    )
    reason = impact_survey_close_reason(invitations)
    if reason is None:
        return False
    try:
        with transaction.atomic():
            challenge_transition(challenge=challenge, name="close", actor=None, reason=reason)
    except (Refused, InvalidInput, ConcurrentTransition, DatabaseError):
        logger.exception("case %s not closed after its impact survey", challenge.reference)
        return False
    return True
