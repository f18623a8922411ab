"""The case page's emails panel and its pages (preview, resend, a manual message), through
Django's test client: the API's rules (a peer gets nothing, a programme lead reads but never
acts), the same services, user text shown as text, a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.notifications.test_escaping import NAME, SCRIPT, assert_previews_as_text
from tests.workflow import factories as f
from workflow.models import Assignment

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Status = Notification.Status


@pytest.fixture
def case():
    return f.PeerChallengeFactory()


@pytest.fixture
def failed(case) -> Notification:
    return NotificationFactory(
        challenge=case, status=Status.FAILED, attempts=5, last_error="550 mailbox unavailable"
    )


@pytest.fixture
def as_manager(client):
    client.force_login(f.manager())
    return client


def case_url(case) -> str:
    return f"/cases/{case.pk}/"


def preview_url(row: Notification) -> str:
    return f"/cases/{row.challenge_id}/emails/{row.pk}/"


def resend_url(row: Notification) -> str:
    return f"/cases/{row.challenge_id}/emails/{row.pk}/resend/"


def new_url(case) -> str:
    return f"/cases/{case.pk}/emails/new/"


def panel(client, case) -> str:
    page = client.get(case_url(case)).content.decode()
    if 'id="emails"' not in page:
        return ""
    return page.split('id="emails"', 1)[1].split("</section>", 1)[0]


# --- the panel ---------------------------------------------------------------------------------


def test_a_manager_sees_the_case_emails_and_no_other_case_s(as_manager, case, failed):
    sent = NotificationFactory(challenge=case, kind=Kind.ONSITE_REMINDER, status=Status.SENT)
    other = NotificationFactory(recipient_email="someone.else@example.org")

    shown = panel(as_manager, case)

    assert "Booking confirmation (council)" in shown
    assert "Onsite visit approaching" in shown
    assert failed.recipient_email in shown and sent.recipient_email in shown
    assert other.recipient_email not in shown
    assert "550 mailbox unavailable" in shown
    assert 'class="govuk-tag govuk-tag--red">Failed' in shown
    assert preview_url(failed) in shown and resend_url(failed) in shown
    assert new_url(case) in shown


def test_the_panel_says_when_a_row_may_have_been_delivered_twice(as_manager, case):
    NotificationFactory(challenge=case, status=Status.SENT, stale_requeues=1, uncertain_sends=2)

    shown = panel(as_manager, case)

    assert "May have been delivered more than once" in shown
    assert "1 re-queued after a crash, 2 retried after an unanswered send" in shown


def test_a_queued_row_offers_no_resend(as_manager, case):
    queued = NotificationFactory(challenge=case)

    shown = panel(as_manager, case)

    assert preview_url(queued) in shown
    assert resend_url(queued) not in shown


def test_a_peer_on_the_case_sees_no_emails_panel(client, case, failed):
    peer = f.peer_user()
    f.place(case, peer=peer.peer, status=Assignment.Status.ACCEPTED)
    client.force_login(peer)

    page = client.get(case_url(case))

    assert page.status_code == 200
    assert 'id="emails"' not in page.content.decode()
    assert failed.recipient_email not in page.content.decode()
    for url in (preview_url(failed), new_url(case)):
        assert client.get(url).status_code == 404
    assert client.post(resend_url(failed)).status_code == 404


def test_a_programme_lead_reads_the_panel_and_cannot_act(client, case, failed):
    client.force_login(f.programme_lead())

    shown = panel(client, case)

    assert failed.recipient_email in shown
    assert "<button" not in shown and "<form" not in shown
    assert new_url(case) not in shown and preview_url(failed) not in shown
    assert client.post(resend_url(failed)).status_code == 403
    assert client.post(new_url(case), {"recipient": "leader"}).status_code == 403
    assert client.get(new_url(case)).status_code == 403
    assert client.get(preview_url(failed)).status_code == 403  # the API's rule for previews
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert Notification.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, failed):
    for response in (
        client.get(preview_url(failed)),
        client.get(new_url(failed.challenge)),
        client.post(resend_url(failed)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_the_panel_costs_the_same_queries_for_5_rows_as_for_50(as_manager, case):
    def queries(rows: int) -> int:
        NotificationFactory.create_batch(rows - case.notifications.count(), challenge=case)
        with CaptureQueriesContext(connection) as captured:
            page = as_manager.get(case_url(case))
        assert page.content.decode().count('id="email-') == rows
        return len(captured)

    assert queries(5) == queries(50)


# --- preview -----------------------------------------------------------------------------------


@pytest.fixture
def manual_message(case, as_manager, django_capture_on_commit_callbacks) -> Notification:
    """The attack of tests/notifications/test_escaping.py, sent through the page."""
    case.chief_executive_name = NAME
    case.save()
    with django_capture_on_commit_callbacks():
        response = as_manager.post(
            new_url(case),
            {"recipient": "chief_executive", "subject": f"Agenda {SCRIPT}", "message": SCRIPT},
        )
    assert response.status_code == 302
    return Notification.objects.get(kind=Kind.MANUAL)


def test_the_preview_shows_every_part_as_text(as_manager, manual_message):
    page = as_manager.get(preview_url(manual_message))

    assert_previews_as_text(page, manual_message)
    html = page.content.decode()
    assert "&lt;script&gt;alert(document.domain)&lt;/script&gt;" in html
    assert "O&#x27;Brien" in html  # the apostrophe, escaped where it is shown
    assert "<iframe sandbox " in html


def test_an_account_email_is_never_previewed(as_manager, case):
    reset = NotificationFactory(challenge=case, kind=Kind.PASSWORD_RESET, context={"user_id": 1})

    assert as_manager.get(preview_url(reset)).status_code == 404
    assert as_manager.get(preview_url(reset) + "html/").status_code == 404  # nor its HTML part
    assert preview_url(reset) not in panel(as_manager, case)


def test_another_case_s_email_is_404_under_this_case(as_manager, case):
    other = NotificationFactory(status=Status.FAILED)

    assert as_manager.get(f"/cases/{case.pk}/emails/{other.pk}/").status_code == 404
    assert as_manager.get(f"/cases/{case.pk}/emails/{other.pk}/html/").status_code == 404
    assert as_manager.post(f"/cases/{case.pk}/emails/{other.pk}/resend/").status_code == 404
    other.refresh_from_db()
    assert other.status == Status.FAILED


def test_a_row_that_cannot_be_rendered_says_why(as_manager, case):
    broken = NotificationFactory(challenge=case, kind="no_such_kind")

    page = as_manager.get(preview_url(broken))

    assert page.status_code == 200
    assert "unknown kind &#x27;no_such_kind&#x27;" in page.content.decode()
    assert "<iframe" not in page.content.decode()
    assert as_manager.get(preview_url(broken) + "html/").status_code == 404


# --- resend ------------------------------------------------------------------------------------


def test_resending_a_failed_email_queues_it(as_manager, failed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as delivered:
        response = as_manager.post(resend_url(failed), follow=True)

    failed.refresh_from_db()
    assert failed.status == Status.QUEUED and failed.last_error == ""
    assert failed.resent_by_id == int(as_manager.session["_auth_user_id"])
    assert len(delivered) == 1
    assert response.redirect_chain == [(f"{case_url(failed.challenge)}#emails", 302)]
    assert f"The email to {failed.recipient_email} is queued to be sent again" in (
        response.content.decode()
    )


def test_resending_a_queued_email_is_refused_with_its_reason(as_manager, case):
    queued = NotificationFactory(challenge=case)

    response = as_manager.post(resend_url(queued), follow=True)

    assert response.status_code == 200
    assert "only a failed or sent email can be sent again, not queued" in (
        response.content.decode()
    )
    assert "Important" in response.content.decode()
    queued.refresh_from_db()
    assert queued.status == Status.QUEUED


def test_get_never_resends(as_manager, failed):
    assert as_manager.get(resend_url(failed)).status_code == 405
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


# --- a manual message --------------------------------------------------------------------------


def test_the_form_offers_the_case_s_people(as_manager, case):
    f.full_team(case, size=2)

    page = as_manager.get(new_url(case)).content.decode()

    assert case.chief_executive_email in page and case.leader_email in page
    assert case.manager.email in page
    for assignment in case.assignments.all():
        assert assignment.peer.email in page


def test_a_manual_message_needs_a_recipient_a_subject_and_a_message(as_manager, case):
    response = as_manager.post(new_url(case), {"subject": "  ", "message": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    for error in ("Choose who to send the message to", "Enter a subject", "Enter a message"):
        assert error in page
    assert not Notification.objects.exists()


def test_only_the_case_s_people_can_be_chosen(as_manager, case):
    response = as_manager.post(
        new_url(case), {"recipient": "someone@evil.example", "subject": "Hi", "message": "Hi"}
    )

    assert "Choose one of the people on this case" in response.content.decode()
    assert not Notification.objects.exists()


def test_a_manual_message_is_sent_through_the_service(
    as_manager, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as delivered:
        response = as_manager.post(
            new_url(case),
            {"recipient": "leader", "subject": "Agenda", "message": "See you on Monday."},
            follow=True,
        )

    row = Notification.objects.get()
    assert (row.kind, row.challenge, row.recipient_email) == (Kind.MANUAL, case, case.leader_email)
    assert row.recipient_name == case.leader_name
    assert row.context["subject"] == "Agenda" and row.context["message"] == "See you on Monday."
    assert row.context["sender_name"]  # signed by the manager, as the API's sends are
    assert len(delivered) == 1
    assert response.redirect_chain == [(f"{case_url(case)}#emails", 302)]
    assert f"Your message to {case.leader_name} is queued to be sent" in response.content.decode()
