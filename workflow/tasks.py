"""Workflow's own periodic work: transitions that time alone makes due."""

import logging

from celery import shared_task
from django.utils import timezone
from django_fsm import ConcurrentTransition

from core.errors import Refused
from workflow.models import PeerChallenge, State
from workflow.services import challenge_transition

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
