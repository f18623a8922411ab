"""A manager's actions from the case's surveys panel: send a survey again with a new link (the
old one then opens nothing), only stop the link, or move the closing date (an expired survey
opens again); what the services refuse is shown in their words, and nothing changes."""

import datetime

import pytest
from django.utils import timezone

from notifications.emails import render_email
from notifications.models import Notification
from surveys.links import open_survey, survey_path, survey_token
from surveys.models import SurveyInvitation
from tests.surveys import invitations as issued
from tests.surveys.results_data import CE, COMPLETED, LEADER, SENT, invitation
from tests.workflow import factories as f
from workflow.models import State

pytestmark = pytest.mark.django_db

EXPIRED = SurveyInvitation.Status.EXPIRED


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def manager_client(client):
    client.force_login(f.manager())
    return client


@pytest.fixture
def open_invitation():
    case = f.PeerChallengeFactory(state=State.REPORT_ISSUED)
    sent = invitation(case, "feedback", CE, status=SENT, sent=today() - datetime.timedelta(days=3))
    sent.recipient_name, sent.recipient_email = "Former Chief", "former@example.org"
    sent.save()
    return sent


def link_url(sent: SurveyInvitation) -> str:
    return f"/cases/{sent.challenge_id}/surveys/{sent.pk}/link/"


def closing_url(sent: SurveyInvitation) -> str:
    return f"/cases/{sent.challenge_id}/surveys/{sent.pk}/closing-date/"


def date_fields(day: datetime.date) -> dict:
    return {"until_day": day.day, "until_month": day.month, "until_year": day.year}


def test_the_page_names_who_had_it_and_who_gets_it_now(manager_client, open_invitation):
    html = manager_client.get(link_url(open_invitation)).content.decode()

    assert "Former Chief" in html and "former@example.org" in html
    assert "Chris Executive, chief.executive@adur.example.gov.uk" in html


def test_sending_again_stops_the_old_link_and_emails_the_current_contact(
    manager_client, open_invitation
):
    old_link = survey_token(open_invitation)

    response = manager_client.post(link_url(open_invitation), {"send_again": "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{open_invitation.challenge_id}/#surveys"
    assert open_survey(old_link) is None
    open_invitation.refresh_from_db()
    assert open_survey(survey_token(open_invitation)) == open_invitation
    emails = Notification.objects.filter(kind=Notification.Kind.SURVEY_INVITATION)
    assert [e.recipient_email for e in emails] == ["chief.executive@adur.example.gov.uk"]
    page = manager_client.get(response["Location"]).content.decode()
    assert "feedback survey for the chief executive is sent again" in page


def test_only_stopping_the_link_sends_nothing(manager_client, open_invitation):
    old_link = survey_token(open_invitation)

    manager_client.post(link_url(open_invitation), {"send_again": "no"})

    assert open_survey(old_link) is None
    assert not Notification.objects.exists()


def test_a_completed_surveys_link_is_refused_in_words_and_nothing_changes(manager_client):
    done = invitation(f.PeerChallengeFactory(), "feedback", LEADER, status=COMPLETED)
    nonce = done.nonce

    response = manager_client.post(link_url(done), {"send_again": "yes"})

    assert response.status_code == 200
    assert "only an open survey&#x27;s link can be revoked; this one is completed" in (
        response.content.decode()
    )
    done.refresh_from_db()
    assert done.nonce == nonce
    assert not Notification.objects.exists()


def test_without_an_address_there_is_no_send_button_and_a_post_is_refused(
    manager_client, open_invitation
):
    case = open_invitation.challenge
    case.chief_executive_email = ""
    case.save()

    html = manager_client.get(link_url(open_invitation)).content.decode()
    assert "record it on the case before sending the survey again" in html
    assert 'value="yes"' not in html

    response = manager_client.post(link_url(open_invitation), {"send_again": "yes"})
    assert "the case has no email address for the chief executive" in response.content.decode()
    assert not Notification.objects.exists()


def test_moving_the_closing_date(manager_client, open_invitation):
    later = open_invitation.expires_on + datetime.timedelta(days=10)

    response = manager_client.post(closing_url(open_invitation), date_fields(later))

    assert response.status_code == 302
    open_invitation.refresh_from_db()
    assert open_invitation.expires_on == later


def test_a_new_date_opens_an_expired_survey_again(manager_client):
    case = f.PeerChallengeFactory(state=State.POST_CHALLENGE)
    lapsed = invitation(case, "impact", CE, status=EXPIRED, sent=today() - datetime.timedelta(60))
    later = today() + datetime.timedelta(days=14)

    manager_client.post(closing_url(lapsed), date_fields(later))

    lapsed.refresh_from_db()
    assert (lapsed.status, lapsed.expires_on) == (SENT, later)
    assert open_survey(survey_token(lapsed)) == lapsed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Enter the new closing date"),
        ({"until_day": "31", "until_month": "2", "until_year": "2027"}, "Enter a valid date"),
        (date_fields(datetime.date(2020, 1, 1)), "The new closing date must be today or later"),
    ],
)
def test_a_bad_closing_date_is_a_form_error_and_nothing_changes(
    manager_client, open_invitation, fields, message
):
    before = open_invitation.expires_on

    response = manager_client.post(closing_url(open_invitation), fields)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    open_invitation.refresh_from_db()
    assert open_invitation.expires_on == before


def test_an_invitation_of_another_case_is_not_found(manager_client, open_invitation):
    other = f.PeerChallengeFactory(host=f.council("BIR"))

    response = manager_client.get(f"/cases/{other.pk}/surveys/{open_invitation.pk}/link/")

    assert response.status_code == 404


def test_the_panel_offers_each_action_where_it_applies(manager_client, open_invitation):
    case = open_invitation.challenge
    invitation(case, "feedback", LEADER, status=COMPLETED)

    html = manager_client.get(f"/cases/{case.pk}/").content.decode()

    assert html.count("Send again<span") == 1
    assert html.count("Change closing date<span") == 1
    assert link_url(open_invitation) in html and closing_url(open_invitation) in html


def test_a_programme_lead_gets_no_actions(client, open_invitation):
    client.force_login(f.programme_lead())

    html = client.get(f"/cases/{open_invitation.challenge_id}/").content.decode()

    assert "Send again" not in html and "Change closing date" not in html
    assert client.post(link_url(open_invitation), {"send_again": "yes"}).status_code == 403


def test_a_managers_preview_of_the_survey_email_holds_no_link(client):
    case = issued.report_issued()
    sent = issued.invitation(case)
    row = issued.rows(case)[0]
    client.force_login(case.manager)

    page = client.get(f"/cases/{case.pk}/emails/{row.pk}/").content.decode()

    assert "the respondent&#x27;s own link, made only in the email they are sent" in page
    assert survey_token(sent) not in page
    assert survey_path(sent) in render_email(row).body  # the email itself has it
