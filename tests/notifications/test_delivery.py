"""send_notification: claim, render, send, mark. Every outcome is recorded on the row (sent,
failed, or queued again with a backoff); a row is never left in SENDING and the task never
asks Celery for a retry."""

import datetime
import logging
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.template import TemplateSyntaxError
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.tasks import send_notification
from tests.notifications.factories import NotificationFactory
from tests.workflow.factories import PeerChallengeFactory

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Status = Notification.Status
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def smtp_fails(monkeypatch):
    """Make the mail backend raise the given exception on every send."""

    def fail_with(exc: Exception) -> None:
        def send_messages(self, messages):
            raise exc

        monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    return fail_with


@pytest.fixture
def no_celery_retry(monkeypatch):
    """A Celery retry would be a countdown message in Redis (DESIGN §6 forbids them)."""

    def retry(*args, **kwargs):
        raise AssertionError("send_notification asked Celery for a retry")

    monkeypatch.setattr(send_notification, "retry", retry)


def state(notification: Notification) -> tuple:
    notification.refresh_from_db()
    return notification.status, notification.attempts


def test_running_the_task_twice_sends_one_email():
    notification = NotificationFactory()

    send_notification(notification.pk)
    send_notification(notification.pk)

    notification.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (notification.status, notification.attempts) == (Status.SENT, 1)
    assert notification.sent_at is not None
    assert mail.outbox[0].extra_headers["X-Notification-Id"] == str(notification.pk)


def test_a_missing_row_is_a_quiet_no_op():
    send_notification(987654)

    assert mail.outbox == []


def test_a_transient_error_queues_the_row_again_with_a_backoff_and_no_celery_retry(
    smtp_fails, no_celery_retry
):
    smtp_fails(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    notification = NotificationFactory(dispatched_at=timezone.now())

    with time_machine.travel(timezone.now(), tick=False):
        send_notification(notification.pk)
        now = timezone.now()

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.QUEUED, 1)
    assert notification.next_attempt_at == now + MINUTE
    assert notification.dispatched_at is None  # so the sweep dispatches it once it is due
    assert "SMTPServerDisconnected" in notification.last_error


def test_a_row_waiting_for_its_retry_is_neither_claimed_nor_dispatched_before_it_is_due(
    monkeypatch, django_capture_on_commit_callbacks
):
    dispatched = []
    monkeypatch.setattr("notifications.tasks.send_notification_task.delay", dispatched.append)
    later = timezone.now() + 4 * MINUTE
    notification = NotificationFactory(attempts=3, next_attempt_at=later)

    send_notification(notification.pk)  # a stale broker message arriving early
    with django_capture_on_commit_callbacks(execute=True):
        early = services.sweep_outbox(now=later - MINUTE)
        due = services.sweep_outbox(now=later)

    assert state(notification) == (Status.QUEUED, 3)
    assert mail.outbox == []
    assert (early["dispatched"], due["dispatched"]) == (0, 1)
    assert dispatched == [notification.pk]


def test_each_transient_failure_doubles_the_wait_until_the_attempts_are_used_up(
    smtp_fails, settings
):
    """Each attempt runs at the moment the row's backoff ends, as the sweep would start it."""
    smtp_fails(ConnectionRefusedError("Connection refused"))
    notification = NotificationFactory()
    waits = []

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(10):
            send_notification(notification.pk)
            notification.refresh_from_db()
            if notification.status != Status.QUEUED:
                break
            waits.append(notification.next_attempt_at - timezone.now())
            clock.move_to(notification.next_attempt_at)

    assert waits == [1 * MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE]
    assert (notification.status, notification.attempts) == (
        Status.FAILED,
        settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"],
    )
    assert notification.last_error.startswith("gave up after 5 attempts: ConnectionRefusedError")
    assert notification.next_attempt_at is None


# Each permanent refusal, and the error the emails panel shows for it: the server's words.
REFUSED = [
    (smtplib.SMTPRecipientsRefused({"ce@adur.example.gov.uk": (550, b"5.1.1 No such user")}),
     "550 5.1.1 No such user (ce@adur.example.gov.uk)"),
    (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", "peerchallenge@localhost"),
     "553 5.7.1 Sender address rejected"),
    (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"),
     "554 5.7.1 Message rejected as spam"),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"),
     "535 5.7.8 Authentication credentials invalid"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("refusal", "said"), REFUSED, ids=[type(exc).__name__ for exc, _ in REFUSED]
)
def test_a_permanent_smtp_refusal_fails_the_row_at_once(refusal, said, smtp_fails, no_celery_retry):
    smtp_fails(refusal)
    notification = NotificationFactory()

    send_notification(notification.pk)

    assert state(notification) == (Status.FAILED, 1)
    assert notification.last_error == f"refused by the mail server: {said}"


@pytest.mark.parametrize(
    "refusal",
    [
        smtplib.SMTPRecipientsRefused({"ce@adur.example.gov.uk": (450, b"4.2.0 Greylisted")}),
        smtplib.SMTPDataError(451, b"4.3.0 Temporary failure"),
    ],
    ids=["greylisted recipient", "temporary data error"],
)
def test_a_temporary_4xx_smtp_refusal_is_retried(refusal, smtp_fails):
    smtp_fails(refusal)
    notification = NotificationFactory()

    send_notification(notification.pk)

    assert state(notification) == (Status.QUEUED, 1)
    assert notification.next_attempt_at is not None


def test_an_unexpected_error_while_sending_fails_the_row_with_a_traceback(smtp_fails, caplog):
    smtp_fails(KeyError("a bug in a mail backend"))
    notification = NotificationFactory()

    with caplog.at_level(logging.WARNING, logger="notifications.delivery"):
        send_notification(notification.pk)

    assert state(notification) == (Status.FAILED, 1)
    assert notification.last_error == "unexpected error: KeyError: 'a bug in a mail backend'"
    [record] = caplog.records
    assert record.exc_info is not None


def broken_template(*args, **kwargs):
    raise TemplateSyntaxError("Invalid block tag on line 3: 'endblok'")


@pytest.mark.parametrize(
    ("row", "render", "error"),
    [
        ({"kind": "no_such_kind"}, None, "unknown kind 'no_such_kind'"),
        ({"recipient_email": ""}, None, "no recipient email address"),
        (
            {},
            broken_template,
            "cannot render 'booking_confirmation': TemplateSyntaxError: Invalid block tag",
        ),
        (
            {"recipient_email": "ce@adur.example.gov.uk\nBcc: all@example.org"},
            None,
            "cannot render 'booking_confirmation': BadHeaderError",
        ),
    ],
    ids=["unknown kind", "missing recipient", "template error", "newline in the address"],
)
def test_a_permanent_error_fails_the_row_with_a_clear_reason(row, render, error, monkeypatch):
    notification = NotificationFactory(**row)
    if render:
        monkeypatch.setattr("notifications.emails.render_to_string", render)

    send_notification(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert error in notification.last_error
    assert mail.outbox == []


def test_a_visit_the_calendar_cannot_hold_fails_the_row_instead_of_leaving_it_sending():
    challenge = PeerChallengeFactory(
        onsite_start=datetime.date(9999, 12, 29), onsite_end=datetime.date(9999, 12, 31)
    )
    notification = NotificationFactory(kind=Kind.JOINING_INSTRUCTIONS, challenge=challenge)

    send_notification(notification.pk)

    assert state(notification) == (Status.FAILED, 1)
    assert "cannot render 'joining_instructions': OverflowError" in notification.last_error
