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
    assert counts == {"requeued_stale": 0, "dispatched": 1}
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


def test_two_sweeps_racing_dispatch_each_row_once(monkeypatch, django_capture_on_commit_callbacks):
    """The second sweep read the same candidate ids, but its conditional update finds the row
    already stamped and does nothing."""
    row = NotificationFactory()
    queued = []
    monkeypatch.setattr("notifications.tasks.send_notification_task.delay", queued.append)
    now = timezone.now()
    candidates = list(Notification.objects.values_list("pk", flat=True))
    monkeypatch.setattr(
        "django.db.models.query.QuerySet.values_list", lambda self, *a, **k: candidates
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.sweep_outbox(now=now)
        services.sweep_outbox(now=now)

    assert queued == [row.pk]


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
    assert counts == {"requeued_stale": 1, "dispatched": 1}
    assert (stuck.status, stuck.stale_requeues, stuck.attempts) == (Status.SENT, 1, 2)
    assert (busy.status, busy.stale_requeues) == (Status.SENDING, 0)
    assert "may be delivered twice" in caplog.text


def test_sweep_command_prints_the_counts_of_each_sweep(capsys, monkeypatch):
    monkeypatch.setattr("notifications.tasks.send_notification_task.delay", lambda pk: None)
    NotificationFactory()

    call_command("sweep_outbox", repeat=0.01, duration=0.05)

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) >= 2
    assert lines[0] == {"requeued_stale": 0, "dispatched": 1}
    assert all(line == {"requeued_stale": 0, "dispatched": 0} for line in lines[1:])


def test_a_row_waiting_for_its_retry_is_not_dispatched_early(monkeypatch):
    queued = []
    monkeypatch.setattr("notifications.tasks.send_notification_task.delay", queued.append)
    notification = NotificationFactory(status=Status.SENDING, attempts=1)

    services.notification_release_for_retry(notification, "SMTPServerDisconnected", retry_in=1800)
    counts = services.sweep_outbox(now=timezone.now() + datetime.timedelta(seconds=1000))

    assert counts["dispatched"] == 0
    assert services.sweep_outbox(now=timezone.now() + datetime.timedelta(hours=2))["dispatched"]
