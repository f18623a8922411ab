"""The outbox API: who may read, preview, send and resend; bad input is a 400, never a 500."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory, programme_lead
from tests.workflow.factories import (
    PeerChallengeFactory,
    PeerFactory,
    UserFactory,
    manager,
    place,
)
from workflow import roles
from workflow.models import Assignment

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Status = Notification.Status


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def challenge():
    return PeerChallengeFactory()


def outbox_url(challenge) -> str:
    return f"/api/challenges/{challenge.pk}/notifications/"


def peer_on(challenge):
    user = UserFactory(role=roles.PEER)
    place(challenge, peer=PeerFactory(user=user), status=Assignment.Status.ACCEPTED)
    return user


def test_a_programme_lead_reads_the_case_outbox(challenge):
    NotificationFactory(
        challenge=challenge,
        status=Status.FAILED,
        attempts=5,
        last_error="gave up",
        stale_requeues=1,
        uncertain_sends=2,
    )
    NotificationFactory()  # another case's email

    response = client_for(programme_lead()).get(outbox_url(challenge))

    assert response.status_code == 200
    [row] = response.json()
    fields = ("status", "attempts", "last_error", "stale_requeues", "uncertain_sends")
    assert {k: row[k] for k in fields} == {
        "status": "failed",
        "attempts": 5,
        "last_error": "gave up",
        "stale_requeues": 1,
        "uncertain_sends": 2,
    }
    assert {"kind", "recipient_email", "due_on", "sent_at"} <= set(row)
    assert row["subject"] == f"Your Corporate peer challenge is booked [{challenge.reference}]"


def test_a_row_that_cannot_be_rendered_is_listed_without_a_subject(challenge):
    NotificationFactory(challenge=challenge, kind="retired_kind")

    response = client_for(programme_lead()).get(outbox_url(challenge))

    assert [row["subject"] for row in response.json()] == [None]


def test_a_peer_on_the_team_gets_404_for_the_outbox(challenge):
    response = client_for(peer_on(challenge)).get(outbox_url(challenge))

    assert response.status_code == 404


def test_a_manager_previews_an_email_and_nothing_is_saved(challenge):
    response = client_for(manager()).post(
        outbox_url(challenge) + "preview/",
        {
            "kind": Kind.BOOKING_CONFIRMATION,
            "recipient_email": "ce@adur.example.gov.uk",
            "recipient_name": "Chris Executive",
            "message": "Looking forward to it.",
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["subject"].startswith("Your Corporate peer challenge is booked")
    assert "Dear Chris Executive," in body["text"]
    assert "Looking forward to it." in body["html"]
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "no_such_kind", "recipient_email": "a@example.org"}, "kind"),
        ({"kind": Kind.BOOKING_CONFIRMATION}, "recipient_email"),
        (
            {"kind": Kind.BOOKING_CONFIRMATION, "recipient_email": "not-an-address"},
            "recipient_email",
        ),
        ({"kind": Kind.MANUAL, "recipient_email": "a@example.org", "subject": "Hello"}, "message"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(challenge, payload, field):
    client = client_for(manager())

    for url in (outbox_url(challenge) + "preview/", outbox_url(challenge)):
        response = client.post(url, payload, format="json")
        assert response.status_code == 400
        assert field in response.json()
    assert not Notification.objects.exists()


def test_a_programme_lead_may_not_preview_or_send(challenge):
    client = client_for(programme_lead())
    payload = {"kind": Kind.BOOKING_CONFIRMATION, "recipient_email": "a@example.org"}

    assert client.post(outbox_url(challenge) + "preview/", payload).status_code == 403
    assert client.post(outbox_url(challenge), payload).status_code == 403


def test_a_manager_sends_two_manual_messages_to_one_person_on_one_day(
    challenge, eager_celery, django_capture_on_commit_callbacks
):
    sender = manager(first_name="Morgan", last_name="Manager")
    payload = {
        "recipient_email": "Leader@Adur.example.gov.uk",
        "recipient_name": "Lee Leader",
        "subject": "Venue change",
        "message": "We now meet at the civic centre.",
    }

    with django_capture_on_commit_callbacks(execute=True):
        first = client_for(sender).post(outbox_url(challenge), payload, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        second = client_for(sender).post(
            outbox_url(challenge), {**payload, "subject": "Parking"}, format="json"
        )

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["kind"] == Kind.MANUAL
    assert [m.subject for m in mail.outbox] == [
        f"Venue change [{challenge.reference}]",
        f"Parking [{challenge.reference}]",
    ]
    assert "Morgan Manager" in mail.outbox[0].body
    rows = Notification.objects.order_by("pk")
    assert {(n.recipient_email, n.challenge_id) for n in rows} == {
        ("leader@adur.example.gov.uk", challenge.pk)
    }
    assert all(n.topic_key.startswith("manual:") for n in rows)
    assert len({n.topic_key for n in rows}) == 2


def test_a_template_email_sent_by_hand_twice_in_a_day_is_refused_the_second_time(challenge):
    payload = {"kind": Kind.BOOKING_CONFIRMATION, "recipient_email": "ce@adur.example.gov.uk"}
    client = client_for(manager())

    first = client.post(outbox_url(challenge), payload, format="json")
    again = client.post(outbox_url(challenge), payload, format="json")

    assert (first.status_code, again.status_code) == (201, 409)
    assert Notification.objects.get().topic_key == f"challenge:{challenge.pk}"


def test_a_recipient_name_with_a_line_break_is_a_400(challenge):
    payload = {
        "kind": Kind.BOOKING_CONFIRMATION,
        "recipient_email": "ce@adur.example.gov.uk",
        "recipient_name": "Chris\r\nBcc: everyone@example.org",
    }

    response = client_for(manager()).post(outbox_url(challenge), payload, format="json")

    assert response.status_code == 400
    assert "recipient_name" in response.json()
    assert not Notification.objects.exists()


def test_a_manager_resends_a_failed_email_and_is_recorded_as_its_resender(
    eager_celery, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(status=Status.FAILED, attempts=5, last_error="gave up")
    resender = manager()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(resender).post(f"/api/notifications/{failed.pk}/resend/")

    failed.refresh_from_db()
    assert response.status_code == 200
    assert (failed.status, failed.attempts, failed.last_error) == (Status.SENT, 1, "")
    assert len(mail.outbox) == 1
    assert failed.resent_by == resender and failed.resent_at is not None
    assert response.json()["resent_by"] == resender.pk


def test_a_queued_email_cannot_be_resent(challenge):
    queued = NotificationFactory(challenge=challenge)

    response = client_for(manager()).post(f"/api/notifications/{queued.pk}/resend/")

    assert response.status_code == 409
    assert "only a failed or sent email" in response.json()["unmet"][0]
    queued.refresh_from_db()
    assert (queued.resent_by, queued.resent_at) == (None, None)


@pytest.mark.parametrize(("who", "status"), [("lead", 403), ("peer", 404)])
def test_only_managers_may_resend(challenge, who, status):
    failed = NotificationFactory(challenge=challenge, status=Status.FAILED)
    user = programme_lead() if who == "lead" else peer_on(challenge)

    response = client_for(user).post(f"/api/notifications/{failed.pk}/resend/")

    failed.refresh_from_db()
    assert response.status_code == status
    assert failed.status == Status.FAILED
