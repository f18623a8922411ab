"""Celery tasks: thin; what is due and what to do are in surveys/rules.py and lifecycle.py."""

import logging

from celery import shared_task
from django.utils import timezone

from surveys import rules

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_surveys() -> dict[str, int]:
    """The daily survey sweep for today, London time (settings.CELERY_BEAT_SCHEDULE)."""
    done = rules.sweep(timezone.localdate())
    logger.info("survey sweep: %s", done)
    return done
