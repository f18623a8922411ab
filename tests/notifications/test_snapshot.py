"""An email says what was true when it was written: its row carries a snapshot of the case,
and a later edit changes neither a queued email nor a resent one."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.history import recording_history
from notifications import services
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory, queued_about
from tests.workflow.factories import PeerChallengeFactory, manager
from workflow.services import challenge_transition, challenge_update

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
DAY = datetime.timedelta(days=1)


def visit(start: datetime.date) -> str:
    return f"{start:%A} {start.day} {start:%B %Y} to {start + 3 * DAY:%A} {(start + 3 * DAY).day}"


def test_a_confirmation_delivered_after_an_edit_says_what_was_booked(
    eager_celery, django_capture_on_commit_callbacks
):
    challenge = PeerChallengeFactory()
    booked_start, booked_by = challenge.onsite_start, challenge.manager
    with django_capture_on_commit_callbacks() as deliveries:
        challenge_transition(challenge=challenge, name="book", actor=booked_by)
    # Edited before the delivery task ran (the 130 ms of the report).
    later = booked_start + 14 * DAY
    challenge_update(
        challenge=challenge,
        actor=booked_by,
        changes={"onsite_start": later, "onsite_end": later + 3 * DAY, "manager": manager()},
    )

    for deliver in deliveries:
        deliver()

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert visit(booked_start) in message.body
        assert visit(later) not in message.body
        assert f"Your challenge manager is {booked_by.username}" in message.body


def test_a_resent_email_says_what_it_said_the_first_time(
    eager_celery, django_capture_on_commit_callbacks
):
    challenge = PeerChallengeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = services.notification_queue(
            kind=Kind.BOOKING_CONFIRMATION,
            topic_key=Notification.case_topic(challenge),
            recipient_email=challenge.chief_executive_email,
            due_on=timezone.localdate(),
            challenge=challenge,
        )
    first = mail.outbox[0].body
    challenge_update(
        challenge=challenge,
        actor=challenge.manager,
        changes={"onsite_start": challenge.onsite_start + DAY},
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.notification_resend(
            notification=Notification.objects.get(pk=notification.pk), actor=None
        )

    assert [m.body for m in mail.outbox] == [first, first]


def test_every_row_written_for_a_case_carries_its_facts_as_json():
    challenge = PeerChallengeFactory(local_objectives=["Test the financial plan"])

    notification = queued_about(challenge, Kind.ONSITE_REMINDER, days_before=14)

    notification.refresh_from_db()
    case = notification.context["case"]
    assert notification.context["days_before"] == 14
    assert case["reference"] == challenge.reference
    assert (case["type"], case["host"]) == ("Corporate peer challenge", "Adur")
    assert case["onsite_start"] == challenge.onsite_start.isoformat()
    assert case["chief_executive_name"] == "Chris Executive"
    assert case["manager_email"] == challenge.manager.email
    assert case["local_objectives"] == ["Test the financial plan"]
    assert case["visit_sequence"] == 0


def test_a_row_written_before_snapshots_renders_from_the_live_case():
    challenge = PeerChallengeFactory()
    notification = NotificationFactory(challenge=challenge, context={})

    text = services.rendered_parts(notification)["text"]

    assert visit(challenge.onsite_start) in text


def test_while_history_is_recorded_an_email_is_on_record_as_sent_and_never_mailed(
    eager_celery, django_capture_on_commit_callbacks
):
    challenge = PeerChallengeFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, recording_history():
        challenge_transition(challenge=challenge, name="book", actor=challenge.manager)

    rows = Notification.objects.filter(challenge=challenge)
    assert rows.count() == 2
    assert {(n.status, n.dispatched_at) for n in rows} == {(Notification.Status.SENT, None)}
    assert all(n.sent_at for n in rows)
    assert callbacks == []
    assert services.sweep_outbox()["dispatched"] == 0
    assert mail.outbox == []
