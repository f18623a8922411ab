"""The outbox is the email history and its duplicate guard: nobody deletes a row by hand, a
superuser included, whatever the "admin" group's permissions say; only the retention rules
(reports.data_protection.apply_retention) remove old rows."""

import pytest
from django.contrib.auth.models import Group, User

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _admin_group_member() -> User:
    user = User.objects.create_user("office", "office@example.org", "pw-123456!", is_staff=True)
    user.groups.add(Group.objects.get(name="admin"))
    return user


def test_the_admin_group_cannot_delete_outbox_rows_one_or_in_bulk(client):
    notification = NotificationFactory()
    client.force_login(_admin_group_member())

    page = client.get(f"/admin/notifications/notification/{notification.pk}/delete/")
    posted = client.post(
        f"/admin/notifications/notification/{notification.pk}/delete/", {"post": "yes"}
    )
    bulk = client.post(
        "/admin/notifications/notification/",
        {"action": "delete_selected", "_selected_action": [notification.pk], "post": "yes"},
    )
    listing = client.get("/admin/notifications/notification/")

    assert page.status_code == 403
    assert posted.status_code == 403
    assert bulk.status_code in (200, 302)  # the admin ignores an action it does not offer
    assert "delete_selected" not in listing.content.decode()
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_not_even_a_superuser_deletes_an_outbox_row_by_hand(client):
    notification = NotificationFactory()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-123456!"))

    response = client.post(
        f"/admin/notifications/notification/{notification.pk}/delete/", {"post": "yes"}
    )
    listing = client.get("/admin/notifications/notification/")

    assert response.status_code == 403
    assert "delete_selected" not in listing.content.decode()
    assert Notification.objects.filter(pk=notification.pk).exists()
    # The retention rules are the one path (tests/security/test_data_protection.py).
