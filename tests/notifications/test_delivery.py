"""send_notification: claim, render, send, mark; transient errors retried, permanent ones
recorded on the row; never a crashed worker."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.template import TemplateSyntaxError

from notifications.models import Notification
from notifications.tasks import send_notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db
Status = Notification.Status


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)


class RetryRequested(Exception):
    pass


@pytest.fixture
def retries(monkeypatch):
    """Record the retries the task asks for instead of re-raising into the test."""
    asked = []

    def retry(*, exc, countdown):
        asked.append(countdown)
        return RetryRequested()

    monkeypatch.setattr(send_notification, "retry", retry)
    return asked


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


def test_a_transient_smtp_error_puts_the_row_back_in_the_queue_and_retries(smtp_down, retries):
    notification = NotificationFactory()

    with pytest.raises(RetryRequested):
        send_notification(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Status.QUEUED
    assert notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    assert retries == [30]


def test_the_row_fails_once_the_attempts_are_used_up(smtp_down, settings):
    notification = NotificationFactory()

    calls = 0
    while calls < 10:  # the broker delivering each retry in turn
        calls += 1
        try:
            send_notification(notification.pk)  # called directly, a retry re-raises the error
        except smtplib.SMTPServerDisconnected:
            continue
        break

    notification.refresh_from_db()
    assert calls == settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"]
    assert notification.status == Status.FAILED
    assert notification.attempts == settings.NOTIFICATION_SETTINGS["MAX_ATTEMPTS"]
    assert notification.last_error.startswith("gave up after 5 attempts: SMTPServerDisconnected")


def broken_template(*args, **kwargs):
    raise TemplateSyntaxError("Invalid block tag on line 3: 'endblok'")


@pytest.mark.parametrize(
    ("row", "render", "error"),
    [
        ({"kind": "no_such_kind"}, None, "unknown kind 'no_such_kind'"),
        ({"recipient_email": ""}, None, "no recipient email address"),
        ({}, broken_template, "cannot render 'booking_confirmation': Invalid block tag"),
    ],
    ids=["unknown kind", "missing recipient", "template error"],
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
