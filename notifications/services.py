"""Writes to the outbox and the delivery steps a task runs. Tasks stay thin and call these."""

import datetime
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.emails import KINDS, PermanentEmailError, render_email
from notifications.models import Notification
from notifications.rules import Reminder
from workflow.errors import InvalidInput, TransitionRefused

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


def notification_release_for_retry(notification: Notification, error: str, retry_in: int) -> bool:
    """A transient failure: back to QUEUED so the retry, due in `retry_in` seconds, can claim it.

    Returns False once the attempts are used up, marking the row failed instead.
    """
    if notification.attempts >= settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"]:
        notification_mark_failed(
            notification, f"gave up after {notification.attempts} attempts: {error}"
        )
        return False
    # dispatched_at is set to when the retry message will be delivered, so the sweep does not
    # dispatch the row again early and cut the backoff short.
    retry_at = timezone.now() + datetime.timedelta(seconds=retry_in)
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.QUEUED, last_error=error, dispatched_at=retry_at
    )
    return True


RESENDABLE = (Status.FAILED, Status.SENT)


def notification_resend(notification: Notification) -> Notification:
    """A manager's resend of a failed (or sent) email: the same row goes round again."""
    with transaction.atomic():
        resent = Notification.objects.filter(pk=notification.pk, status__in=RESENDABLE).update(
            status=Status.QUEUED, attempts=0, last_error="", sent_at=None
        )
        notification.refresh_from_db()
        if not resent:
            state = notification.get_status_display().lower()
            raise TransitionRefused([f"only a failed or sent email can be sent again, not {state}"])
        dispatch_on_commit(notification)
    return notification


# The fields a row is written with: a Reminder and a draft Notification both carry them.
ROW_FIELDS = (
    "kind",
    "subject_ref",
    "recipient_email",
    "recipient_name",
    "due_on",
    "challenge",
    "context",
)


def _queue_like(item) -> tuple[Notification, bool]:
    return notification_queue(**{name: getattr(item, name) for name in ROW_FIELDS})


def reminders_queue(reminders: Iterable[Reminder]) -> int:
    """Write a rule's reminders to the outbox; returns how many rows are new."""
    return sum(_queue_like(reminder)[1] for reminder in reminders)


# --- manager-written and previewed emails ------------------------------------------------------


def _draft(challenge, kind: str, recipient_email: str, recipient_name: str, context: dict):
    """An unsaved row for rendering; raises InvalidInput on anything that would not send."""
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"unknown kind; choose one of: {', '.join(KINDS)}"]
    if not recipient_email.strip():
        errors["recipient_email"] = ["a recipient email address is required"]
    else:
        try:
            validate_email(recipient_email.strip())
        except ValidationError:
            errors["recipient_email"] = ["enter a valid email address"]
    if kind == "manual":
        for name in ("subject", "message"):
            if not str(context.get(name, "")).strip():
                errors[name] = ["required for a manual message"]
    if errors:
        raise InvalidInput(errors)
    return Notification(
        kind=kind,
        subject_ref=f"challenge:{challenge.pk}",
        challenge=challenge,
        recipient_email=recipient_email.strip().lower(),
        recipient_name=recipient_name.strip(),
        due_on=timezone.localdate(),
        context=context,
    )


def notification_preview(
    *, challenge, kind: str, recipient_email: str, recipient_name: str = "", context: dict
) -> dict[str, str]:
    """Render an email as it would be sent, saving nothing."""
    return rendered_parts(_draft(challenge, kind, recipient_email, recipient_name, context))


def rendered_parts(notification: Notification) -> dict[str, str]:
    try:
        message = render_email(notification)
    except PermanentEmailError as exc:
        raise InvalidInput({"non_field_errors": [str(exc)]}) from exc
    html = next((body for body, mimetype in message.alternatives if mimetype == "text/html"), "")
    return {"subject": message.subject, "text": message.body, "html": html}


def notification_send_manual(
    *, challenge, actor, kind: str, recipient_email: str, recipient_name: str = "", context: dict
) -> Notification:
    """A manager sends an email now: rendered first (bad input is a 400, not a failed row)."""
    sender = actor.get_full_name() or actor.username
    context = {**context, "sender_name": sender} if kind == "manual" else context
    draft = _draft(challenge, kind, recipient_email, recipient_name, context)
    rendered_parts(draft)
    notification, created = _queue_like(draft)
    if not created:
        raise TransitionRefused(
            [f"a {kind} email to {draft.recipient_email} was already sent or queued today"]
        )
    logger.info("%s queued %s to %s", actor, kind, draft.recipient_email)
    return notification


# --- the sweep ---------------------------------------------------------------------------------


def sweep_outbox(now: datetime.datetime | None = None) -> dict[str, int]:
    """Recover what a crash or a broker restart left behind. Safe to run twice at once: every
    step is a conditional update, so only one sweep wins each row.

    1. Rows stuck in SENDING past the timeout go back to QUEUED (the worker died; the email may
       have gone out already, so it may be delivered twice).
    2. QUEUED rows that are due and were never dispatched, or dispatched long enough ago that the
       message must be lost, are dispatched again.
    """
    from notifications.tasks import send_notification_task

    now = now or timezone.now()
    limits = settings.NOTIFICATION_SETTINGS
    stuck = Q(
        status=Status.SENDING, claimed_at__lt=now - _seconds(limits["SENDING_TIMEOUT_SECONDS"])
    )
    requeued = 0
    for pk in Notification.objects.filter(stuck).values_list("pk", flat=True):
        if Notification.objects.filter(stuck, pk=pk).update(
            status=Status.QUEUED, stale_requeues=F("stale_requeues") + 1, dispatched_at=None
        ):
            requeued += 1
            logger.warning(
                "notification %s was stuck in sending; re-queued: it may be delivered twice", pk
            )

    due = Q(status=Status.QUEUED, due_on__lte=timezone.localdate(now)) & (
        Q(dispatched_at__isnull=True)
        | Q(dispatched_at__lt=now - _seconds(limits["DISPATCH_TIMEOUT_SECONDS"]))
    )
    dispatched = 0
    for pk in Notification.objects.filter(due).values_list("pk", flat=True):
        if Notification.objects.filter(due, pk=pk).update(dispatched_at=now):
            transaction.on_commit(partial(send_notification_task.delay, pk))
            dispatched += 1
    return {"requeued_stale": requeued, "dispatched": dispatched}


def _seconds(n: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=n)
