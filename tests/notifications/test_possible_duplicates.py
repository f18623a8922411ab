"""What a failed send means depends on when it failed, against a real SMTP server (Django's SMTP
backend talking to tests/support/smtp_sink.py over loopback):

* before the message went (no server, refused connection): retried, nothing can be duplicated;
* after the server said it took the message (a timeout on QUIT): the email is out; marked sent
  and never retried;
* after the message went but before the server answered (a timeout waiting for the 250): the
  server may have kept it, so the retry may deliver it twice; counted in `uncertain_sends` and
  logged, like a row the sweep re-queues from SENDING.
"""

import logging
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from notifications.models import Notification
from notifications.tasks import send_notification
from tests.notifications.factories import NotificationFactory
from tests.support.processes import free_port
from tests.support.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db
Status = Notification.Status
CLIENT_TIMEOUT = 0.2  # seconds: EMAIL_TIMEOUT, the client's patience for each server reply
SLOW = 3 * CLIENT_TIMEOUT  # a server pause the client gives up on
# How smtplib reports a reply that did not come in time.
TIMED_OUT = "SMTPServerDisconnected: Connection unexpectedly closed: timed out"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server the app sends to (instead of pytest-django's locmem backend)."""
    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.listen()
    settings.EMAIL_TIMEOUT = CLIENT_TIMEOUT
    yield sink
    sink.stop()


def row(notification: Notification) -> tuple:
    notification.refresh_from_db()
    return notification.status, notification.attempts, notification.uncertain_sends


def possible_duplicate_logs(caplog, notification: Notification) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.getMessage().startswith(f"notification {notification.pk}: ")
        and "may be delivered twice" in r.getMessage()
    ]


def test_a_normal_send_reaches_the_server_once_and_is_marked_sent(smtp_server):
    notification = NotificationFactory()

    send_notification(notification.pk)
    send_notification(notification.pk)

    assert row(notification) == (Status.SENT, 1, 0)
    assert smtp_server.delivered() == {notification.pk: 1}


def test_a_timeout_on_quit_after_the_server_took_the_message_marks_it_sent_once(smtp_server):
    """Django's SMTP backend ends the session quietly when QUIT gets no answer."""
    smtp_server.quit_delay = SLOW
    notification = NotificationFactory()

    send_notification(notification.pk)

    assert row(notification) == (Status.SENT, 1, 0)
    assert smtp_server.delivered() == {notification.pk: 1}


def test_a_backend_failing_to_close_after_the_message_went_marks_it_sent_once(monkeypatch, caplog):
    """Not every backend ends quietly; what fails once the message went changes nothing."""

    def close(self):
        raise TimeoutError("timed out")

    monkeypatch.setattr(LocmemBackend, "close", close, raising=False)
    notification = NotificationFactory()

    with caplog.at_level(logging.WARNING, logger="notifications.delivery"):
        send_notification(notification.pk)

    assert row(notification) == (Status.SENT, 1, 0)
    assert len(mail.outbox) == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"notification {notification.pk}: TimeoutError: timed out while closing the mail "
        "session (ignored)"
    ]


def test_a_timeout_waiting_for_the_servers_answer_is_retried_and_counted_as_a_possible_duplicate(
    smtp_server, caplog
):
    smtp_server.reply_delay = SLOW  # the server takes the message, then is slow to say so
    notification = NotificationFactory()

    with caplog.at_level(logging.WARNING, logger="notifications.delivery"):
        send_notification(notification.pk)

    assert row(notification) == (Status.QUEUED, 1, 1)
    assert notification.last_error == TIMED_OUT
    assert possible_duplicate_logs(caplog, notification) == [
        f"notification {notification.pk}: {TIMED_OUT} after the message may have reached the "
        "mail server; counted in uncertain_sends: it may be delivered twice"
    ]

    smtp_server.reply_delay = 0
    with time_machine.travel(notification.next_attempt_at, tick=False):
        send_notification(notification.pk)  # the retry, once its backoff is over

    # The server kept the first one: delivered twice, and the row says it may have been.
    assert smtp_server.delivered() == {notification.pk: 2}
    assert row(notification) == (Status.SENT, 2, 1)


def test_a_possible_duplicate_on_the_last_attempt_fails_the_row_and_is_still_counted(
    smtp_server, settings
):
    smtp_server.reply_delay = SLOW
    attempts = settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"] - 1
    notification = NotificationFactory(attempts=attempts)

    send_notification(notification.pk)

    assert row(notification) == (Status.FAILED, attempts + 1, 1)
    assert notification.last_error == f"gave up after {attempts + 1} attempts: {TIMED_OUT}"


def test_no_server_to_connect_to_is_retried_without_counting_a_possible_duplicate(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    notification = NotificationFactory()

    send_notification(notification.pk)

    assert row(notification) == (Status.QUEUED, 1, 0)
    assert notification.last_error.startswith("ConnectionRefusedError")


@pytest.mark.parametrize(
    ("error", "counted"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), 1),
        (TimeoutError("timed out"), 1),
        (smtplib.SMTPDataError(451, b"4.3.0 Temporary failure"), 0),
        (smtplib.SMTPRecipientsRefused({"ce@adur.example.gov.uk": (450, b"Greylisted")}), 0),
    ],
    ids=["dropped connection", "timeout", "4xx answer to the data", "greylisted"],
)
def test_only_a_send_the_server_did_not_answer_is_counted_as_a_possible_duplicate(
    error, counted, monkeypatch
):
    """An answer with a reply code means the server did not take the message; silence may
    come after it did."""

    def send_messages(self, messages):
        raise error

    monkeypatch.setattr(LocmemBackend, "send_messages", send_messages)
    notification = NotificationFactory()

    send_notification(notification.pk)

    assert row(notification) == (Status.QUEUED, 1, counted)
