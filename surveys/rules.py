"""The daily survey sweep (DESIGN.md §6): what is due is computed from the invitations' rows, so
a twelve-month survey is a row with a date, not a message waiting in Redis, and a missed day is
caught up on the next run.

Each step selects its rows in one query and hands each to its service in surveys/lifecycle.py,
which locks the row and checks again: a rerun, or two sweeps at once, change nothing twice.
One row that fails is logged and skipped, never allowed to stop the others.

In this order: lapsed links expire first (an expired survey is not reminded), then cases whose
impact survey is over close, then invitations falling due are sent, then the unanswered are
reminded.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from surveys import closing, lifecycle
from surveys.models import InvitationStatus, SurveyInvitation, SurveyKind
from workflow.choices import TERMINAL
from workflow.models import PeerChallenge, State

logger = logging.getLogger(__name__)
Status = InvitationStatus


def _invitations() -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.select_related(
        "challenge__host", "challenge__challenge_type", "questionnaire"
    ).order_by("pk")


def due_to_expire(today: datetime.date) -> QuerySet[SurveyInvitation]:
    """Sent, and the closing day is over (the link works through that day)."""
    return _invitations().filter(status=Status.SENT, expires_on__lt=today)


def cases_with_impact_survey_over() -> QuerySet[PeerChallenge]:
    """Post-challenge cases with an impact survey none of whose invitations is still open: a
    close that could not happen when the last one finished is retried here."""
    impact = SurveyInvitation.objects.filter(
        challenge=OuterRef("pk"), questionnaire__kind=SurveyKind.IMPACT
    )
    return (
        PeerChallenge.objects.filter(state=State.POST_CHALLENGE)
        .filter(Exists(impact))
        .exclude(Exists(impact.filter(status__in=[Status.SCHEDULED, Status.SENT])))
        .order_by("pk")
    )


def due_to_send(today: datetime.date) -> QuerySet[SurveyInvitation]:
    """Scheduled for today or earlier. A closed or withdrawn case sends no more surveys."""
    return (
        _invitations()
        .filter(status=Status.SCHEDULED, send_on__lte=today)
        .exclude(challenge__state__in=TERMINAL)
    )


def due_to_remind(today: datetime.date) -> QuerySet[SurveyInvitation]:
    """Open and unanswered, sent at least the first reminder's days ago, with a reminder left,
    and not bounced (a refused address is the manager's to correct, not ours to retry)."""
    days = settings.SURVEY_REMINDER_DAYS
    if not days:
        return SurveyInvitation.objects.none()
    return (
        _invitations()
        .filter(
            status=Status.SENT,
            expires_on__gte=today,
            reminders_sent__lt=len(days),
            sent_at__date__lte=today - datetime.timedelta(days=min(days)),
            bounced_at__isnull=True,
        )
        .exclude(challenge__state__in=TERMINAL)
    )


def _each(step: str, rows: Iterable[Any], act: Callable[[Any], object]) -> int:
    """`act(row)` for every row; the number that did something. A row that fails is logged
    and skipped."""
    done = 0
    for row in rows:
        try:
            done += bool(act(row))
        except Exception:
            logger.exception("survey sweep, %s: %s %s skipped", step, type(row).__name__, row.pk)
    return done


def sweep(today: datetime.date) -> dict[str, int]:
    """Run every step for `today` (London); how many rows each changed."""
    expired = _each(
        "expire",
        due_to_expire(today),
        lambda i: lifecycle.survey_expire(invitation=i, today=today),
    )
    closed = _each(
        "close", cases_with_impact_survey_over(), closing.close_case_if_impact_survey_over
    )
    sent = _each(
        "send",
        due_to_send(today),
        lambda i: lifecycle.survey_send(invitation=i).status == Status.SENT,
    )
    reminded = _each(
        "remind",
        due_to_remind(today),
        lambda i: lifecycle.survey_remind(invitation=i, today=today),
    )
    return {"expired": expired, "closed": closed, "sent": sent, "reminded": reminded}
