"""The case page's surveys panel: the invitations for those who read every case, and each
council's answers for managers only (never for a programme lead or a peer on the case)."""

import datetime

import pytest
from django.utils import timezone

from tests.surveys.results_data import CE, LEADER, SCHEDULED, SENT, answer, invitation
from tests.workflow import factories as f
from workflow.models import State

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "Our planning service was slow to answer residents"


@pytest.fixture
def case_with_surveys():
    case = f.PeerChallengeFactory(state=State.POST_CHALLENGE)
    done = invitation(case, "feedback", CE, sent=datetime.date(2026, 1, 5))
    done.recipient_name, done.recipient_email = (
        case.chief_executive_name,
        case.chief_executive_email,
    )
    done.save()
    answer(done, {"FB1": "very_satisfied", "FB12": SECRET_ANSWER})
    waiting = invitation(case, "feedback", LEADER, status=SENT, sent=datetime.date(2026, 1, 5))
    # Sent to the former leader: the case names someone else now.
    waiting.recipient_name, waiting.recipient_email = "Old Leader", "old.leader@example.org"
    waiting.reminders_sent = 2
    waiting.bounced_at = timezone.now()
    waiting.bounce_reason = "550 Mailbox unavailable <script>"
    waiting.save()
    invitation(case, "impact", CE, status=SCHEDULED, sent=datetime.date(2027, 1, 5))
    return case


def case_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_manager_sees_every_invitation_and_the_councils_answers(client, case_with_surveys):
    html = case_page(client, f.manager(), case_with_surveys)

    assert 'id="surveys"' in html
    assert html.count('id="survey-invitation-') == 3
    assert "Very satisfied" in html
    assert SECRET_ANSWER in html
    assert "Old Leader" in html and "old.leader@example.org" in html
    assert 'data-testid="contact-changed"' in html
    assert "550 Mailbox unavailable &lt;script&gt;" in html  # escaped, never markup
    assert "Due 5 Jan 2027" in html  # the scheduled impact survey


def test_only_the_invitation_sent_to_someone_else_is_flagged(client, case_with_surveys):
    html = case_page(client, f.manager(), case_with_surveys)

    assert html.count('data-testid="contact-changed"') == 1
    row = html.split('id="survey-invitation-')[2].split("</tr>")[0]
    assert "Old Leader" in row and "contact-changed" in row


def test_a_programme_lead_sees_the_invitations_but_no_answers(client, case_with_surveys):
    html = case_page(client, f.programme_lead(), case_with_surveys)

    assert html.count('id="survey-invitation-') == 3
    assert SECRET_ANSWER not in html
    assert "Very satisfied" not in html
    assert 'data-testid="survey-answers"' not in html


def test_a_peer_on_the_case_sees_no_panel_and_no_answers(client, case_with_surveys):
    peer = f.peer_user()
    f.place(case_with_surveys, peer=peer.peer)

    html = case_page(client, peer, case_with_surveys)

    assert 'id="surveys"' not in html
    assert SECRET_ANSWER not in html
    assert "Very satisfied" not in html


def test_a_case_whose_type_sends_no_surveys_has_no_panel(client):
    case = f.PeerChallengeFactory()
    case.challenge_type.sends_surveys = False
    case.challenge_type.save()

    assert 'id="surveys"' not in case_page(client, f.manager(), case)


def test_before_any_invitation_the_panel_says_when_the_first_goes(client):
    html = case_page(client, f.manager(), f.PeerChallengeFactory())

    assert "No survey invitations yet" in html


def test_a_completed_survey_is_not_flagged_when_the_contact_changes_later(
    client, case_with_surveys
):
    case_with_surveys.chief_executive_name = "New Chief"
    case_with_surveys.chief_executive_email = "new.chief@adur.example.gov.uk"
    case_with_surveys.save()

    html = case_page(client, f.manager(), case_with_surveys)

    # Still only the leader's open invitation: the chief executive's answers are history.
    assert html.count('data-testid="contact-changed"') == 1
