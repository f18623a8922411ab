"""A case event's emails leave through the real stack: the outbox row commits with the booking,
its delivery task goes through a real Redis to a real Celery worker process, and the worker
writes the email."""

import email
from email.utils import getaddresses

import pytest

from notifications.models import Notification
from tests.support.processes import delivered_notification_ids, wait_until
from tests.workflow.factories import PeerChallengeFactory
from workflow.services import challenge_transition

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _recipients(mail_dir) -> set[str]:
    """Every To address in the file backend's output (messages are separated by dashes)."""
    addresses = set()
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk)
                addresses.update(addr for _, addr in getaddresses(message.get_all("To", [])))
    return addresses


def test_booking_confirmations_are_delivered_by_a_worker_through_redis(
    celery_broker, celery_worker_process, mail_dir
):
    challenge = PeerChallengeFactory()

    challenge_transition(name="book", challenge=challenge, actor=challenge.manager)

    rows = Notification.objects.filter(
        challenge=challenge, kind=Notification.Kind.BOOKING_CONFIRMATION
    )
    assert rows.count() == 2

    def all_sent() -> bool:
        return not rows.exclude(status=Notification.Status.SENT).exists()

    wait_until(all_sent, 30, "the worker to send both booking confirmations")
    delivered = delivered_notification_ids(mail_dir)
    assert delivered == {pk: 1 for pk in rows.values_list("pk", flat=True)}
    assert _recipients(mail_dir) == {
        "chief.executive@adur.example.gov.uk",
        "leader@adur.example.gov.uk",
    }
    assert "notifications.tasks.send_notification" in celery_worker_process.log_text()
