"""Delivery targets are set in the admin: one for all types and one per group a year, a second
one a form error (the database's constraint, checked by the form first), never a 500."""

import pytest

from reports.models import DeliveryTarget, ReportingGroup
from tests.workflow import factories as f

pytestmark = pytest.mark.django_db

ADD = "/admin/reports/deliverytarget/add/"


@pytest.fixture
def admin_client(client):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_target_for_the_year_and_one_for_a_group(admin_client):
    group = ReportingGroup.objects.get(slug="corporate-finance")
    assert admin_client.post(ADD, {"year": 2019, "target": 110}).status_code == 302
    assert (
        admin_client.post(ADD, {"year": 2019, "group": group.pk, "target": 70}).status_code == 302
    )
    assert sorted(DeliveryTarget.objects.values_list("target", flat=True)) == [70, 110]


def test_a_second_total_for_the_same_year_is_a_form_error(admin_client):
    DeliveryTarget.objects.create(year=2019, target=110)
    page = admin_client.post(ADD, {"year": 2019, "target": 120})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors
    assert DeliveryTarget.objects.count() == 1
