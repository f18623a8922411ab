"""Writes to the outbox and the delivery steps a task runs. Tasks stay thin and call these."""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications.models import Notification

logger = logging.getLogger(__name__)
Status = Notification.Status


def notification_queue(
    *,
    kind: str,
    subject_ref: str,
    recipient_email: str,
    due_on: datetime.date,
    recipient_name: str = "",
    challenge=None,
    context: dict | None = None,
) -> tuple[Notification, bool]:
    """Write one outbox row, idempotently: the unique key makes a re-run a no-op.

    Returns (row, created). A row that is already due is dispatched when the caller's
    transaction commits, never inside it.
    """
    with transaction.atomic():  # a savepoint, so a lost insert race does not poison the caller
        notification, created = Notification.objects.get_or_create(
            kind=kind,
            subject_ref=subject_ref,
            recipient_email=recipient_email.strip().lower(),
            due_on=due_on,
            defaults={
                "recipient_name": recipient_name,
                "challenge": challenge,
                "context": context or {},
            },
        )
    if created and due_on <= timezone.localdate():
        dispatch_on_commit(notification)
    return notification, created


def dispatch_on_commit(notification: Notification) -> None:
    """Put the delivery task on the broker once the row is committed, and stamp it."""
    from notifications.tasks import send_notification_task

    Notification.objects.filter(pk=notification.pk).update(dispatched_at=timezone.now())
    transaction.on_commit(partial(send_notification_task.delay, notification.pk))


def notification_claim(pk: int) -> Notification | None:
    """Claim a queued row for sending. A second worker updates 0 rows and gets None."""
    claimed = Notification.objects.filter(pk=pk, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    return Notification.objects.select_related("challenge").get(pk=pk)


def notification_mark_sent(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )


def notification_mark_failed(notification: Notification, error: str) -> None:
    """A permanent failure: recorded on the row for a manager to see and resend."""
    logger.warning("notification %s failed: %s", notification.pk, error)
    Notification.objects.filter(pk=notification.pk).update(status=Status.FAILED, last_error=error)


def notification_release_for_retry(notification: Notification, error: str) -> bool:
    """A transient failure: back to QUEUED so the retry can claim it again.

    Returns False once the attempts are used up, marking the row failed instead.
    """
    if notification.attempts >= settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"]:
        notification_mark_failed(
            notification, f"gave up after {notification.attempts} attempts: {error}"
        )
        return False
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.QUEUED, last_error=error, dispatched_at=timezone.now()
    )
    return True


def notification_resend(notification: Notification) -> Notification:
    """A manager's resend of a failed (or sent) email: the same row goes round again."""
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).exclude(status=Status.SENDING).update(
            status=Status.QUEUED, attempts=0, last_error="", sent_at=None
        )
        notification.refresh_from_db()
        if notification.status == Status.QUEUED:
            dispatch_on_commit(notification)
    return notification
