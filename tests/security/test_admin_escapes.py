"""HTML typed into free text is escaped in the admin: every registered model's list and change
page (read from the admin's registry, so a new model is covered) is opened by a superuser with
markup planted in names, reasons, notes and emails, and the markup never arrives as markup."""

import pytest
from django.contrib import admin
from django.urls import reverse

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.workflow import factories as f
from workflow.models import Assignment, CaseEvent, State

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def planted():
    case = f.PeerChallengeFactory(
        state=State.WITHDRAWN,
        chief_executive_name=MARKUP,
        leader_name=MARKUP,
        withdrawn_reason=MARKUP,
        local_objectives=[MARKUP],
    )
    peer = f.PeerFactory(name=MARKUP, job_title=MARKUP)
    f.place(case, peer=peer, status=Assignment.Status.DECLINED, decline_note=MARKUP)
    CaseEvent.objects.create(
        challenge=case, action="workflow.test", reason=MARKUP, data={"note": MARKUP}
    )
    NotificationFactory(
        challenge=case,
        recipient_name=MARKUP,
        status=Notification.Status.FAILED,
        last_error=MARKUP,
        context={"subject": MARKUP, "message": MARKUP},
    )
    return case


def test_markup_in_free_text_is_escaped_on_every_admin_page(admin_client, planted):
    opened, wrong = 0, []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:3]:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
        for url in urls:
            response = admin_client.get(url)
            opened += 1
            if response.status_code != 200:
                wrong.append(f"{url}: {response.status_code}")
            elif any(raw in response.content.decode() for raw in ("<script>alert", "<img src=x")):
                wrong.append(f"{url}: markup arrived as markup")
    assert not wrong, "\n".join(wrong)
    assert opened > 30
