"""Delivering one claimed outbox row: render, send, and record the outcome on the row.

Every outcome leaves the row SENT, FAILED, or QUEUED with a `next_attempt_at`; never SENDING,
which only the sweep's timeout could clear. Retries are rows waiting in the database, not Celery
countdowns (DESIGN §6): a countdown is a message in Redis that a restart loses and that Redis
redelivers after its visibility timeout if it waits longer than that.
"""

import datetime
import logging
import smtplib
from typing import cast

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from notifications.emails import PermanentEmailError, render_email
from notifications.models import Notification

logger = logging.getLogger(__name__)
Status = Notification.Status

# Sent once a row has failed for good (refused, unrenderable, out of attempts), with
# `notification` and `error`: the app the email is about records it on its own rows (a survey
# invitation's bounce) without this app importing it. Delivery, not domain flow: the failure
# happens here, outside any transaction a reaction could join.
email_failed = Signal()

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
    """Render and send a claimed row; the outcome is recorded on the row, never raised.

    The send is taken in the steps of an SMTP session, because what a failure means depends on
    when it happens: while connecting and logging in, nothing has been sent; once the server
    has answered that it accepted the message, the email is out, whatever goes wrong while the
    session closes (a timeout on QUIT), so the row is marked sent at once; in between, a
    timeout or a dropped connection with no answer leaves it unknown whether the server kept
    the message (RFC 1047), so the retry may deliver it twice: counted and logged.
    """
    try:
        message = render_email(notification)
    except PermanentEmailError as exc:  # with a traceback only where an exception caused it
        notification_mark_failed(notification, str(exc), exc=exc if exc.__cause__ else None)
        return
    connection = message.get_connection()
    session_open = False
    try:
        connection.open()
        session_open = True
        connection.send_messages([message])
    except Exception as exc:
        if session_open:
            _close_quietly(connection, notification)
        _record_send_failure(notification, exc, possibly_delivered=session_open)
        return
    notification_mark_sent(notification)
    _close_quietly(connection, notification)


def _record_send_failure(
    notification: Notification, exc: Exception, *, possibly_delivered: bool
) -> None:
    error = f"{type(exc).__name__}: {exc}"
    if refused_for_good(exc):
        notification_mark_failed(notification, f"refused by the mail server: {server_said(exc)}")
    elif isinstance(exc, TRANSIENT_ERRORS):
        notification_retry_later(
            notification, error, possibly_delivered=possibly_delivered and not answered(exc)
        )
    else:  # a bug or something unforeseen: recorded, and never left stuck in SENDING
        notification_mark_failed(notification, f"unexpected error: {error}", exc=exc)


def _close_quietly(connection: BaseEmailBackend, notification: Notification) -> None:
    """End the session. The outcome is already decided: a failure here changes nothing."""
    try:
        connection.close()
    except Exception as exc:
        logger.warning(
            "notification %s: %s: %s while closing the mail session (ignored)",
            notification.pk,
            type(exc).__name__,
            exc,
        )


def answered(exc: Exception) -> bool:
    """The mail server answered the failed send with a refusal (a reply code, or every
    recipient refused), or the client gave up before sending: either way it did not take the
    message. Anything else (a timeout, a dropped connection) may have come after it did."""
    return isinstance(
        exc,
        smtplib.SMTPResponseException
        | smtplib.SMTPRecipientsRefused
        | smtplib.SMTPNotSupportedError,
    )


def server_said(exc: Exception) -> str:
    """A refusal as the mail server worded it, for the person reading the emails panel: "550
    5.1.1 No such user (ce@adur.example.gov.uk)", not Python's repr of the exception."""

    def reply(code: int, text: bytes | str) -> str:
        words = text.decode(errors="replace") if isinstance(text, bytes) else text
        return f"{code} {words}".strip()

    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return "; ".join(
            f"{reply(code, text)} ({recipient})"
            for recipient, (code, text) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return reply(exc.smtp_code, exc.smtp_error)
    return f"{type(exc).__name__}: {exc}"


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
    notification: Notification,
    error: str,
    *,
    exc: BaseException | None = None,
    possibly_delivered: bool = False,
) -> None:
    """A permanent failure: recorded on the row for a manager to see and resend."""
    logger.warning("notification %s failed: %s", notification.pk, error, exc_info=exc)
    failed = Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.FAILED,
        last_error=error,
        next_attempt_at=None,
        uncertain_sends=F("uncertain_sends") + int(possibly_delivered),
    )
    if failed:
        # A receiver's error is logged: it must not leave the row's outcome unrecorded.
        sent = email_failed.send_robust(Notification, notification=notification, error=error)
        for receiver, result in sent:
            if isinstance(result, Exception):
                logger.error(
                    "%s failed on notification %s", receiver, notification.pk, exc_info=result
                )


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after the `attempts`-th failure: 1, 2, 4, 8 ... minutes, capped."""
    limits = settings.NOTIFICATION_SETTINGS
    seconds = limits["RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, limits["RETRY_MAX_SECONDS"]))


def notification_retry_later(
    notification: Notification, error: str, *, possibly_delivered: bool = False
) -> None:
    """A transient failure: back to QUEUED for the sweep to dispatch once the backoff is over,
    or FAILED once the attempts are used up.

    `possibly_delivered`: the failure came after the message may have reached the server. Like
    a row the sweep re-queues from SENDING, it is counted (`uncertain_sends`) and logged, since
    the next attempt may deliver it a second time."""
    if possibly_delivered:
        logger.warning(
            "notification %s: %s after the message may have reached the mail server; "
            "counted in uncertain_sends: it may be delivered twice",
            notification.pk,
            error,
        )
    attempts = notification.attempts
    if attempts >= cast(int, settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"]):
        notification_mark_failed(
            notification,
            f"gave up after {attempts} attempts: {error}",
            possibly_delivered=possibly_delivered,
        )
        return
    retry_at = timezone.now() + retry_delay(attempts)
    logger.info("notification %s: %s; next attempt at %s", notification.pk, error, retry_at)
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.QUEUED,
        last_error=error,
        next_attempt_at=retry_at,
        dispatched_at=None,
        uncertain_sends=F("uncertain_sends") + int(possibly_delivered),
    )
