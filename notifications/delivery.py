"""Delivering one claimed outbox row: render, send, and record the outcome on the row.

Every outcome leaves the row SENT, FAILED, or QUEUED with a `next_attempt_at`; never SENDING,
which only the sweep's timeout could clear. Retries are rows waiting in the database, not Celery
countdowns (DESIGN §6): a countdown is a message in Redis that a restart loses and that Redis
redelivers after its visibility timeout if it waits longer than that.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from notifications.emails import PermanentEmailError, render_email
from notifications.models import Notification

logger = logging.getLogger(__name__)
Status = Notification.Status

# Errors worth another try: the mail server or the network, not our data.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def retry_due(now: datetime.datetime) -> Q:
    """Rows not waiting out a backoff: the sweep dispatches and a task claims only these."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def notification_claim(pk: int) -> Notification | None:
    """Claim a queued row for sending. A second worker updates 0 rows and gets None; so does a
    stale broker message for a row still waiting out its backoff."""
    now = timezone.now()
    claimed = Notification.objects.filter(retry_due(now), pk=pk, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    return Notification.objects.select_related("challenge").get(pk=pk)


def notification_deliver(notification: Notification) -> None:
    """Render and send a claimed row; the outcome is recorded on the row, never raised."""
    try:
        message = render_email(notification)
    except PermanentEmailError as exc:  # with a traceback only where an exception caused it
        notification_mark_failed(notification, str(exc), exc=exc if exc.__cause__ else None)
        return
    try:
        message.send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if refused_for_good(exc):
            notification_mark_failed(notification, f"refused by the mail server: {error}")
        elif isinstance(exc, TRANSIENT_ERRORS):
            notification_retry_later(notification, error)
        else:  # a bug or something unforeseen: recorded, and never left stuck in SENDING
            notification_mark_failed(notification, f"unexpected error: {error}", exc=exc)
        return
    notification_mark_sent(notification)


def refused_for_good(exc: Exception) -> bool:
    """A permanent SMTP refusal. RFC 5321: a 5xx reply is permanent, a 4xx one temporary (a
    greylisting 450 succeeds on a later try), so the reply code decides."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return not codes or max(codes) >= 500
    # SMTPSenderRefused, SMTPDataError and SMTPAuthenticationError are response exceptions.
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def notification_mark_sent(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )


def notification_mark_failed(
    notification: Notification, error: str, exc: BaseException | None = None
) -> None:
    """A permanent failure: recorded on the row for a manager to see and resend."""
    logger.warning("notification %s failed: %s", notification.pk, error, exc_info=exc)
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.FAILED, last_error=error, next_attempt_at=None
    )


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after the `attempts`-th failure: 1, 2, 4, 8 ... minutes, capped."""
    limits = settings.NOTIFICATION_SETTINGS
    seconds = limits["RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, limits["RETRY_MAX_SECONDS"]))


def notification_retry_later(notification: Notification, error: str) -> None:
    """A transient failure: back to QUEUED for the sweep to dispatch once the backoff is over,
    or FAILED once the attempts are used up."""
    attempts = notification.attempts
    if attempts >= settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"]:
        notification_mark_failed(notification, f"gave up after {attempts} attempts: {error}")
        return
    retry_at = timezone.now() + retry_delay(attempts)
    logger.info("notification %s: %s; next attempt at %s", notification.pk, error, retry_at)
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.QUEUED, last_error=error, next_attempt_at=retry_at, dispatched_at=None
    )
