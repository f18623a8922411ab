"""sweep_outbox: re-dispatches rows whose broker message was lost, re-queues rows a dead worker
left in SENDING, and is safe to run twice."""

import datetime
import json
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db
Status = Notification.Status


def ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def sweep(capture) -> dict:
    with capture(execute=True):
        return services.sweep_outbox()


def test_a_dispatched_but_lost_row_is_dispatched_again_only_after_the_timeout(
    settings, eager_celery, django_capture_on_commit_callbacks
):
    timeout = settings.NOTIFICATION_SETTINGS["DISPATCH_TIMEOUT_SECONDS"]
    recent = NotificationFactory(dispatched_at=ago(timeout - 30))
    lost = NotificationFactory(dispatched_at=ago(timeout + 30))

    counts = sweep(django_capture_on_commit_callbacks)

    recent.refresh_from_db()
    lost.refresh_from_db()
    assert counts == {"requeued_stale": 0, "failed_stale": 0, "dispatched": 1}
    assert (recent.status, lost.status) == (Status.QUEUED, Status.SENT)
    assert [m.extra_headers["X-Notification-Id"] for m in mail.outbox] == [str(lost.pk)]


def test_a_never_dispatched_row_is_sent_once_due_and_not_before(
    eager_celery, django_capture_on_commit_callbacks
):
    due = NotificationFactory()
    later = NotificationFactory(due_on=timezone.localdate() + datetime.timedelta(days=1))

    sweep(django_capture_on_commit_callbacks)

    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (Status.SENT, Status.QUEUED)
    assert later.dispatched_at is None


def test_sweeping_twice_sends_one_email(eager_celery, django_capture_on_commit_callbacks):
    NotificationFactory()

    first = sweep(django_capture_on_commit_callbacks)
    second = sweep(django_capture_on_commit_callbacks)

    assert (first["dispatched"], second["dispatched"]) == (1, 0)
    assert len(mail.outbox) == 1


def test_a_row_stuck_in_sending_is_requeued_with_a_warning(
    settings, caplog, eager_celery, django_capture_on_commit_callbacks
):
    timeout = settings.NOTIFICATION_SETTINGS["SENDING_TIMEOUT_SECONDS"]
    stuck = NotificationFactory(status=Status.SENDING, claimed_at=ago(timeout + 5), attempts=1)
    busy = NotificationFactory(status=Status.SENDING, claimed_at=ago(timeout - 5), attempts=1)

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        counts = sweep(django_capture_on_commit_callbacks)

    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert counts == {"requeued_stale": 1, "failed_stale": 0, "dispatched": 1}
    assert (stuck.status, stuck.stale_requeues, stuck.attempts) == (Status.SENT, 1, 2)
    assert (busy.status, busy.stale_requeues) == (Status.SENDING, 0)
    assert "may be delivered twice" in caplog.text


def test_sweep_command_prints_the_counts_of_each_sweep(capsys, monkeypatch):
    monkeypatch.setattr("notifications.tasks.send_notification_task.delay", lambda pk: None)
    NotificationFactory()

    # duration: room for two sweeps on a busy machine (each is a few statements)
    call_command("sweep_outbox", repeat=0.01, duration=0.5)

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) >= 2
    assert lines[0] == {"requeued_stale": 0, "failed_stale": 0, "dispatched": 1}
    assert all(line["dispatched"] == 0 for line in lines[1:])


def test_a_row_stuck_in_sending_with_its_attempts_used_up_fails_instead_of_going_round(
    settings, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    dispatched = []
    monkeypatch.setattr("notifications.tasks.send_notification_task.delay", dispatched.append)
    limits = settings.NOTIFICATION_SETTINGS
    stuck = NotificationFactory(
        status=Status.SENDING,
        claimed_at=ago(limits["SENDING_TIMEOUT_SECONDS"] + 5),
        attempts=limits["MAX_ATTEMPTS"],
    )

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        first = sweep(django_capture_on_commit_callbacks)
        second = sweep(django_capture_on_commit_callbacks)

    stuck.refresh_from_db()
    assert first == {"requeued_stale": 0, "failed_stale": 1, "dispatched": 0}
    assert second == {"requeued_stale": 0, "failed_stale": 0, "dispatched": 0}
    assert (stuck.status, stuck.attempts, stuck.stale_requeues) == (Status.FAILED, 5, 1)
    assert stuck.last_error.startswith("stuck in sending after 5 attempts")
    assert dispatched == []
    assert "may be delivered twice" not in caplog.text
