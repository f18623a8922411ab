"""Celery tasks: thin, idempotent, keyed by id. The rules live in services and rules."""

import logging
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications import delivery, services

logger = logging.getLogger(__name__)


# acks_late: a worker killed mid-task leaves the message to be redelivered, and the sweep
# re-queues the row it left in SENDING. No Celery retries: a transient failure puts the row back
# in the queue with a next_attempt_at, and the sweep dispatches it when that comes.
@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: int) -> None:
    notification = delivery.notification_claim(notification_id)
    if notification is None:  # sent, being sent, failed, waiting to retry, or gone
        logger.info("notification %s not claimable; skipped", notification_id)
        return
    delivery.notification_deliver(notification)


send_notification_task = send_notification


@shared_task(ignore_result=True)
def run_reminder_rule(path: str) -> int:
    """Run one reminder rule (named by dotted path in the beat schedule) for today, London time,
    and write what is due to the outbox. Idempotent: the outbox key makes a re-run a no-op."""
    rule = import_string(path)
    created = services.reminders_queue(rule(timezone.localdate()))
    logger.info("%s: %s new notifications", path, created)
    return created


@shared_task(ignore_result=True)
def sweep_outbox() -> dict[str, int]:
    return services.sweep_outbox()


@shared_task(ignore_result=True)
def prune_broker_processed(max_age_seconds: int = 3600) -> int:
    """The filesystem broker keeps consumed messages (see settings); delete the old ones."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if not options.get("store_processed"):
        return 0
    cutoff, removed = time.time() - max_age_seconds, 0
    for path in Path(options["processed_folder"]).glob("*.msg"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed
