import pytest
from django.contrib.auth.models import User

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-123456!"))
    return client


def test_the_admin_shows_a_rendered_preview_of_the_email(admin_client):
    notification = NotificationFactory(kind="booking_confirmation")

    response = admin_client.get(f"/admin/notifications/notification/{notification.pk}/change/")

    assert response.status_code == 200
    assert "Your Corporate peer challenge is booked" in response.content.decode()


def test_the_admin_filters_by_status_and_resends_failed_rows(
    admin_client, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(status=Notification.Status.FAILED, last_error="gave up")
    sent = NotificationFactory(status=Notification.Status.SENT)

    listing = admin_client.get("/admin/notifications/notification/?status__exact=failed")
    with django_capture_on_commit_callbacks():
        admin_client.post(
            "/admin/notifications/notification/",
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
        )

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [failed]
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.last_error) == (Notification.Status.QUEUED, "")
    assert sent.status == Notification.Status.QUEUED
