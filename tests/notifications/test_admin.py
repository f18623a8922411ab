import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.workflow.factories import PeerChallengeFactory, council

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-123456!"))
    return client


def test_the_admin_shows_a_rendered_preview_of_the_email(admin_client):
    notification = NotificationFactory(kind=Kind.BOOKING_CONFIRMATION)

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
    root = User.objects.get(username="root")
    assert failed.resent_by == sent.resent_by == root


def test_the_admin_lists_one_cases_emails_from_the_link_on_the_case_page(admin_client):
    case = PeerChallengeFactory()
    other = PeerChallengeFactory(host=council("BIR"))
    mine = NotificationFactory.create_batch(2, challenge=case)
    NotificationFactory(challenge=other)
    url = reverse("admin:notifications_notification_changelist")

    response = admin_client.get(f"{url}?challenge__id__exact={case.pk}")

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == set(mine)
    assert str(case) in response.content.decode()  # the filter names the chosen case
    assert str(other) not in response.content.decode()  # and lists no other


@pytest.mark.parametrize("value", ["abc", "-1", "1 OR 1=1"])
def test_a_case_filter_that_is_not_an_id_is_the_admins_invalid_filter_page(admin_client, value):
    url = reverse("admin:notifications_notification_changelist")

    response = admin_client.get(url, {"challenge__id__exact": value})

    assert (response.status_code, response.url) == (302, f"{url}?e=1")


def test_a_case_filter_for_an_unknown_case_lists_nothing(admin_client):
    NotificationFactory()
    url = reverse("admin:notifications_notification_changelist")

    response = admin_client.get(url, {"challenge__id__exact": 999999})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
