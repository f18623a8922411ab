"""Writes to the outbox: rows queued by reactions, rules and managers; resends; the sweep that
recovers rows a crash left behind. Delivering a row is in `delivery`."""

import datetime
import logging
import uuid
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InvalidInput, Refused
from core.history import is_recording_history
from core.one_line import MESSAGE as ONE_LINE
from core.one_line import has_line_break
from notifications.delivery import retry_due
from notifications.emails import KINDS, PermanentEmailError, one_line, render_email
from notifications.models import Notification
from notifications.rules import Reminder
from notifications.snapshot import case_facts
from workflow.models import PeerChallenge

logger = logging.getLogger(__name__)
Status = Notification.Status
Kind = Notification.Kind


def notification_queue(
    *,
    kind: Kind,
    topic_key: str,
    recipient_email: str,
    due_on: datetime.date,
    recipient_name: str = "",
    challenge: PeerChallenge | None = None,
    context: dict | None = None,
) -> tuple[Notification, bool]:
    """Write one outbox row, idempotently: the unique key makes a re-run a no-op.

    Returns (row, created). The row carries a snapshot of its case (unless the caller took one),
    so it says what was true now whenever it is sent. A row that is already due is dispatched
    when the caller's transaction commits, never inside it; while history is being recorded
    (core.history) it is written as sent instead, and never dispatched.
    """
    context = dict(context or {})
    if challenge is not None and "case" not in context:
        context["case"] = case_facts(challenge)
    now = timezone.now()
    historic = is_recording_history()
    due_now = due_on <= timezone.localdate() and not historic
    with transaction.atomic():  # a savepoint, so a lost insert race does not poison the caller
        notification, created = Notification.objects.get_or_create(
            kind=kind,
            topic_key=topic_key,
            recipient_email=recipient_email.strip().lower(),
            due_on=due_on,
            defaults={
                "recipient_name": one_line(recipient_name),
                "challenge": challenge,
                "context": context,
                # Stamped in the insert itself: a sweep running between the insert and a later
                # stamp would see a due, undispatched row and dispatch it a second time.
                "dispatched_at": now if due_now else None,
                **({"status": Status.SENT, "sent_at": now} if historic else {}),
            },
        )
    if created and due_now:
        _deliver_on_commit(notification.pk)
    return notification, created


def _deliver_on_commit(pk: int) -> None:
    from notifications.tasks import send_notification_task

    transaction.on_commit(partial(send_notification_task.delay, pk))


RESENDABLE = (Status.FAILED, Status.SENT)


def notification_resend(*, notification: Notification, actor: User | None) -> Notification:
    """A manager's resend of a failed (or sent) email: the same row goes round again. The row
    keeps who resent it last, and when (`actor` None: the system); the log keeps every resend."""
    now = timezone.now()
    with transaction.atomic():
        resent = Notification.objects.filter(pk=notification.pk, status__in=RESENDABLE).update(
            status=Status.QUEUED,
            attempts=0,
            last_error="",
            sent_at=None,
            next_attempt_at=None,
            dispatched_at=now,
            resent_by=actor,
            resent_at=now,
        )
        notification.refresh_from_db()
        if not resent:
            state = notification.get_status_display().lower()
            raise Refused([f"only a failed or sent email can be sent again, not {state}"])
        _deliver_on_commit(notification.pk)
    logger.info("%s resent notification %s", actor or "the system", notification.pk)
    return notification


# The fields a row is written with: a Reminder and a draft Notification both carry them.
ROW_FIELDS = (
    "kind",
    "topic_key",
    "recipient_email",
    "recipient_name",
    "due_on",
    "challenge",
    "context",
)


def _queue_like(item) -> tuple[Notification, bool]:
    return notification_queue(**{name: getattr(item, name) for name in ROW_FIELDS})


def reminders_queue(reminders: Iterable[Reminder]) -> int:
    """Write a rule's reminders to the outbox; returns how many rows are new. A row the database
    refuses (an address too long for the column, ...) is logged and skipped, not allowed to stop
    every other case's reminders."""
    created = 0
    for reminder in reminders:
        try:
            created += _queue_like(reminder)[1]
        except DatabaseError:
            logger.exception("%s for %s not written", reminder.kind, reminder.topic_key)
    return created


# --- manager-written and previewed emails ------------------------------------------------------


def _draft(
    challenge: PeerChallenge,
    kind: Kind,
    recipient_email: str,
    recipient_name: str,
    context: dict,
) -> Notification:
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
    if has_line_break(recipient_name):
        errors["recipient_name"] = [f"the name {ONE_LINE}"]
    if has_line_break(context.get("subject", "")):
        errors["subject"] = [f"the subject {ONE_LINE}"]
    if kind == Kind.MANUAL:
        for name in ("subject", "message"):
            if not str(context.get(name, "")).strip():
                errors[name] = ["required for a manual message"]
    if errors:
        raise InvalidInput(errors)
    # A manual message is its own topic: a second one to the same person on the same day is
    # a new email, not a duplicate. Template kinds keep the case as their key.
    topic_key = (
        f"manual:{uuid.uuid4().hex}" if kind == Kind.MANUAL else Notification.case_topic(challenge)
    )
    return Notification(
        kind=kind,
        topic_key=topic_key,
        challenge=challenge,
        recipient_email=recipient_email.strip().lower(),
        recipient_name=recipient_name.strip(),
        due_on=timezone.localdate(),
        context={**context, "case": case_facts(challenge)},
    )


def notification_preview(
    *,
    challenge: PeerChallenge,
    kind: Kind,
    recipient_email: str,
    recipient_name: str = "",
    context: dict,
) -> dict[str, str]:
    """Render an email as it would be sent, saving nothing."""
    return rendered_parts(_draft(challenge, kind, recipient_email, recipient_name, context))


def rendered_parts(notification: Notification) -> dict[str, str]:
    """The email as shown to a manager (a preview, the admin): never with a link that acts
    without signing in, which only its recipient may hold."""
    try:
        message = render_email(notification, preview=True)
    except PermanentEmailError as exc:
        raise InvalidInput({"non_field_errors": [str(exc)]}) from exc
    html = next((body for body, mimetype in message.alternatives if mimetype == "text/html"), "")
    return {"subject": str(message.subject), "text": str(message.body), "html": str(html)}


def notification_send_manual(
    *,
    challenge: PeerChallenge,
    actor: User | None,
    kind: Kind,
    recipient_email: str,
    recipient_name: str = "",
    context: dict,
) -> Notification:
    """A manager sends an email now: rendered first (bad input is a 400, not a failed row).
    A manual message is signed with the actor's name (the team's, with no actor)."""
    if kind == Kind.MANUAL and actor is not None:
        context = {**context, "sender_name": actor.get_full_name() or actor.username}
    draft = _draft(challenge, kind, recipient_email, recipient_name, context)
    rendered_parts(draft)
    notification, created = _queue_like(draft)
    if not created:
        raise Refused(
            [f"a {kind} email to {draft.recipient_email} was already sent or queued today"]
        )
    logger.info("%s queued %s to %s", actor or "the system", kind, draft.recipient_email)
    return notification


# --- the sweep ---------------------------------------------------------------------------------


def sweep_outbox(now: datetime.datetime | None = None) -> dict[str, int]:
    """Recover what a crash or a broker restart left behind. Safe to run twice at once: every
    step is a conditional update, so only one sweep wins each row.

    1. Rows stuck in SENDING past the timeout go back to QUEUED (the worker died; the email may
       have gone out already, so it may be delivered twice), or to FAILED once they have used up
       their attempts: a row that kills its worker every time must not go round for ever.
    2. QUEUED rows that are due, are not waiting out a retry backoff, and were never dispatched
       (or dispatched long enough ago that the message must be lost) are dispatched again.
    """
    now = now or timezone.now()
    stuck = Q(
        status=Status.SENDING, claimed_at__lt=now - _seconds(_limit("SENDING_TIMEOUT_SECONDS"))
    )
    # One statement for both outcomes: out of attempts -> FAILED, else back to QUEUED.
    # `attempts` cannot change under us: only a claim raises it, and a claim needs QUEUED.
    most = _limit("MAX_ATTEMPTS")
    stale = _claim_batches(
        stuck,
        "status = CASE WHEN attempts >= %s THEN %s ELSE %s END,"
        " stale_requeues = stale_requeues + 1,"
        " dispatched_at = CASE WHEN attempts >= %s THEN dispatched_at END,"
        " last_error = CASE WHEN attempts >= %s THEN 'stuck in sending after '"
        " || attempts || ' attempts; not retried (it may have gone)' ELSE last_error END",
        [most, Status.FAILED.value, Status.QUEUED.value, most, most],
        returning="status",
    )
    failed = requeued = 0
    for pk, status in stale:
        if status == Status.FAILED:
            failed += 1
            logger.error("notification %s stuck in sending, out of attempts; not retried", pk)
        else:
            requeued += 1
            logger.warning(
                "notification %s was stuck in sending; re-queued: it may be delivered twice", pk
            )

    due = (
        Q(status=Status.QUEUED, due_on__lte=timezone.localdate(now))
        & retry_due(now)
        & (
            Q(dispatched_at__isnull=True)
            | Q(dispatched_at__lt=now - _seconds(_limit("DISPATCH_TIMEOUT_SECONDS")))
        )
    )
    dispatched = _claim_batches(
        due, "dispatched_at = %s", [connection.ops.adapt_datetimefield_value(now)]
    )
    for pk, *_ in dispatched:
        _deliver_on_commit(pk)
    return {"requeued_stale": requeued, "failed_stale": failed, "dispatched": len(dispatched)}


SWEEP_BATCH = 1000


def _claim_batches(where: Q, assignments: str, params: list, *, returning: str = "") -> list[tuple]:
    """Apply `assignments` (SQL with `params`) to every row matching `where`, a batch
    per statement: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING
    id`. Set-based (a statement per thousand rows, not per row); a second sweep running at
    once skips the rows this one holds and takes the others, and the outer statement re-checks
    `where`, so each row is claimed once. The assignments must make a row stop matching
    `where`, or the loop would take it again. Returns (id, *returning) per row."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    pk = connection.ops.quote_name(Notification._meta.pk.column)
    columns = ", ".join([pk, *filter(None, [returning])])
    claimed: list[tuple] = []
    while True:
        batch = Notification.objects.filter(where).order_by().values("pk")[:SWEEP_BATCH]
        if connection.features.has_select_for_update_skip_locked:
            batch = batch.select_for_update(skip_locked=True)
        recheck_sql, recheck_params = _where_sql(where)
        # Compiled inside the transaction: Django refuses FOR UPDATE in autocommit.
        with transaction.atomic(), connection.cursor() as cursor:
            batch_sql, batch_params = batch.query.sql_with_params()
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE {pk} IN ({batch_sql}) AND {recheck_sql}"
                f" RETURNING {columns}",
                [*params, *batch_params, *recheck_params],
            )
            rows = cursor.fetchall()
        claimed += rows
        if len(rows) < SWEEP_BATCH:
            return claimed


def _where_sql(where: Q) -> tuple[str, tuple]:
    """`where` as SQL on the bare table (no alias), for the UPDATE's own re-check."""
    query = Notification.objects.filter(where).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, tuple(params)


def _seconds(n: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=n)


def _limit(name: str) -> int:
    value = settings.NOTIFICATION_SETTINGS[name]
    assert isinstance(value, int), f"NOTIFICATION_SETTINGS[{name!r}] must be a whole number"
    return value
