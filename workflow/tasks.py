"""Workflow's own periodic work: transitions that time alone makes due."""

import logging

from celery import shared_task
from django.utils import timezone
from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from workflow.choices import TERMINAL, AssignmentStatus
from workflow.models import Assignment, PeerChallenge, State
from workflow.services import challenge_transition
from workflow.team_services import assignment_transition

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def start_due_onsite_visits() -> int:
    """Move every prepared case whose onsite visit has begun to `onsite`. Safe to run twice:
    a case already moved is no longer in `preparation`."""
    started = 0
    due = PeerChallenge.objects.filter(
        state=State.PREPARATION, onsite_start__lte=timezone.localdate()
    )
    for challenge in due:
        try:
            challenge_transition(challenge=challenge, name="start_onsite", actor=None)
            started += 1
        except (Refused, ConcurrentTransition) as exc:
            logger.info("%s not started: %s", challenge.reference, exc)
    return started


@shared_task(ignore_result=True)
def expire_lapsed_invitations() -> int:
    """Fire `expire` on every open invitation whose respond-by day is over (its reaction
    invites the role's next reserve). Each in its own transaction: one that fails is logged
    and the rest still expire. Safe to run twice: an expired place is no longer invited."""
    expired = 0
    lapsed = (
        Assignment.objects.filter(
            status=AssignmentStatus.INVITED, respond_by__lt=timezone.localdate()
        )
        .exclude(challenge__state__in=TERMINAL)  # their teams cannot change
        .select_related("peer", "challenge")
        .order_by("respond_by", "pk")
    )
    for place in lapsed:
        try:
            assignment_transition(assignment=place, name="expire", actor=None)
            expired += 1
        except (Refused, InvalidInput, ConcurrentTransition) as exc:
            logger.info("place %s not expired: %s", place.pk, exc)
        except Exception:
            logger.exception("place %s not expired", place.pk)
    return expired
