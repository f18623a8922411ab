"""Celery tasks: thin, idempotent, keyed by id. The rules live in services and rules."""

import logging
import smtplib
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications import services
from notifications.emails import PermanentEmailError, render_email

logger = logging.getLogger(__name__)

# Errors worth another try: the mail server or the network, not our data.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(bind=True, acks_late=True, max_retries=5, ignore_result=True)
def send_notification(self, notification_id: int) -> None:
    notification = services.notification_claim(notification_id)
    if notification is None:  # already sent, being sent, failed or gone: nothing to do
        logger.info("notification %s not claimable; skipped", notification_id)
        return
    try:
        message = render_email(notification)
    except PermanentEmailError as exc:
        services.notification_mark_failed(notification, str(exc))
        return
    try:
        message.send()
    except TRANSIENT_ERRORS as exc:
        countdown = min(2**self.request.retries * 30, 1800)  # 30 s, 1 min, 2 min, ... 30 min
        error = f"{type(exc).__name__}: {exc}"
        if services.notification_release_for_retry(notification, error, retry_in=countdown):
            raise self.retry(exc=exc, countdown=countdown) from exc
        return
    services.notification_mark_sent(notification)


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
