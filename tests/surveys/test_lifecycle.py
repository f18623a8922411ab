"""The invitations' lifecycle: invited when the report is issued, the impact survey scheduled at
post-challenge, a manager's extension and revocation, the case closed when the impact survey is
over; each change on the case's timeline in words."""

import datetime
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, Refused
from notifications.emails import render_email
from notifications.models import Notification
from surveys import actions, contacts, lifecycle
from surveys.links import open_survey, survey_token
from surveys.models import SurveyInvitation
from tests.notifications.conftest import eager_celery  # noqa: F401  (a fixture)
from tests.surveys.invitations import (
    CE,
    DAY,
    IMPACT_DAY,
    LEADER,
    events,
    invitation,
    london,
    no_surveys_type,
    post_challenge,
    report_issued,
    rows,
)
from tests.workflow.factories import manager
from workflow.models import State
from workflow.timeline import timeline

pytestmark = pytest.mark.django_db
Status = SurveyInvitation.Status
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(london(TODAY), tick=False):
        yield TODAY


def test_issuing_the_report_sends_the_feedback_survey_to_the_chief_executive_and_the_leader():
    case = report_issued()

    sent = {i.respondent: i for i in SurveyInvitation.objects.filter(challenge=case)}
    assert set(sent) == {CE, LEADER}
    for respondent, email in [(CE, case.chief_executive_email), (LEADER, case.leader_email)]:
        one = sent[respondent]
        assert one.questionnaire.kind == "feedback"
        assert (one.status, one.recipient_email) == (Status.SENT, email)
        assert one.sent_at == timezone.now()
        assert one.expires_on == TODAY + 28 * DAY
    outbox = rows(case)
    assert sorted(r.recipient_email for r in outbox) == sorted(
        [case.chief_executive_email, case.leader_email]
    )
    assert {r.context["survey_invitation"] for r in outbox} == {i.pk for i in sent.values()}
    assert {r.topic_key for r in outbox} == {f"survey_invitation:{i.pk}" for i in sent.values()}
    assert len(events(case, actions.SURVEY_SENT)) == 2


def test_a_type_that_sends_no_surveys_invites_no_one():
    case = report_issued(challenge_type=no_surveys_type())

    assert not SurveyInvitation.objects.filter(challenge=case).exists()
    assert rows(case) == []


def test_inviting_again_writes_nothing_new():
    case = report_issued()

    lifecycle.feedback_survey_invite(challenge=case)

    assert SurveyInvitation.objects.filter(challenge=case).count() == 2
    assert len(rows(case)) == 2
    assert len(events(case, actions.SURVEY_SCHEDULED)) == 2


def test_the_email_names_the_council_the_survey_its_length_and_closing_date_with_a_working_link():
    case = report_issued()
    row = next(r for r in rows(case) if r.recipient_email == case.chief_executive_email)

    message = render_email(row)

    body = message.body
    assert str(case.host) in message.subject and "10-minute survey" in message.subject
    assert "Corporate peer challenge: feedback survey" in body
    assert "It takes about 10 minutes" in body
    assert "The survey closes on Monday 30 March 2026." in body
    token = survey_token(invitation(case, CE))
    assert token in body and token in message.alternatives[0][0]
    assert token not in str(row.context)  # the outbox holds the id, never the link
    assert open_survey(token) == invitation(case, CE)


def test_a_contact_without_an_email_address_is_held_and_the_timeline_says_so_once():
    case = report_issued(leader_email="")

    held = invitation(case, LEADER)
    assert held.status == Status.SCHEDULED and contacts.waiting_for_address(held)
    assert invitation(case, CE).status == Status.SENT
    assert [r.recipient_email for r in rows(case)] == [case.chief_executive_email]
    lifecycle.survey_send(invitation=held)  # the next day's sweep, still no address
    [event] = events(case, actions.SURVEY_HELD)
    assert "no email address for the leader" in event.reason


def test_the_impact_survey_is_scheduled_twelve_months_after_the_visit_and_not_sent():
    case = post_challenge()

    scheduled = SurveyInvitation.objects.filter(challenge=case, questionnaire__kind="impact")
    assert sorted(scheduled.values_list("respondent", "status", "send_on")) == [
        (CE, Status.SCHEDULED, IMPACT_DAY),
        (LEADER, Status.SCHEDULED, IMPACT_DAY),
    ]
    assert rows(case) == []
    [entry, *_] = [e for e in timeline(case) if e.event.action == actions.SURVEY_SCHEDULED]
    assert entry.what == "Survey scheduled"
    assert ("Send on", "Friday 12 June 2026") in entry.details


def test_no_impact_survey_for_a_type_that_sends_no_surveys():
    case = post_challenge(challenge_type=no_surveys_type())

    assert not SurveyInvitation.objects.filter(challenge=case).exists()


def test_a_changed_chief_executive_after_sending_is_flagged():
    case = report_issued()
    sent = invitation(case, CE)
    assert not contacts.contact_changed(sent)

    case.chief_executive_name, case.chief_executive_email = "Nia New", "nia@adur.example.gov.uk"
    case.save()

    assert contacts.contact_changed(invitation(case, CE))
    assert not contacts.contact_changed(invitation(case, LEADER))
    lifecycle.survey_completed(invitation(case, CE))
    assert not contacts.contact_changed(invitation(case, CE))  # answered: history, not a warning


# --- a manager's changes -------------------------------------------------------------------


def test_extending_moves_the_closing_date_and_is_recorded():
    case = report_issued()
    boss = manager()

    lifecycle.survey_extend(invitation=invitation(case, CE), until=TODAY + 40 * DAY, actor=boss)

    assert invitation(case, CE).expires_on == TODAY + 40 * DAY
    [event] = events(case, actions.SURVEY_EXTENDED)
    assert event.actor == boss and event.data["closes_on"] == "Saturday 11 April 2026"


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (TODAY - DAY, "The new closing date must be today or later"),
        (TODAY + 10 * DAY, "Choose a date after the current closing date, Monday 30 March 2026"),
        (TODAY + 181 * DAY, "The new closing date must be within 180 days"),
        ("2026-04-01", "Enter the new closing date as a date"),
    ],
)
def test_a_bad_closing_date_is_a_field_error_and_changes_nothing(until, message):
    case = report_issued()

    with pytest.raises(InvalidInput) as refused:
        lifecycle.survey_extend(invitation=invitation(case, CE), until=until, actor=manager())

    assert refused.value.errors == {"until": [message]}
    assert invitation(case, CE).expires_on == TODAY + 28 * DAY


def test_extending_an_expired_survey_opens_its_link_again():
    case = report_issued()
    with time_machine.travel(london(TODAY + 29 * DAY), tick=False):
        lifecycle.survey_expire(invitation=invitation(case, CE), today=TODAY + 29 * DAY)
        token = survey_token(invitation(case, CE))
        assert open_survey(token) is None

        lifecycle.survey_extend(
            invitation=invitation(case, CE), until=TODAY + 35 * DAY, actor=manager()
        )

        assert invitation(case, CE).status == Status.SENT
        assert open_survey(token) == invitation(case, CE)


def test_a_completed_or_unsent_survey_cannot_be_extended():
    case = post_challenge()

    with pytest.raises(Refused, match="has not been sent yet"):
        lifecycle.survey_extend(invitation=invitation(case, CE), until=TODAY, actor=manager())


def test_revoking_kills_the_old_link_and_sends_a_new_one_to_the_current_contact():
    case = report_issued()
    old = survey_token(invitation(case, CE))
    case.chief_executive_name, case.chief_executive_email = "Nia New", "nia@adur.example.gov.uk"
    case.save()

    with time_machine.travel(london(TODAY + 3 * DAY), tick=False):
        lifecycle.survey_revoke_link(invitation=invitation(case, CE), actor=manager())

    again = invitation(case, CE)
    assert open_survey(old) is None
    assert open_survey(survey_token(again)) == again
    assert (again.recipient_name, again.recipient_email) == ("Nia New", "nia@adur.example.gov.uk")
    assert not contacts.contact_changed(again)
    assert again.expires_on == TODAY + 31 * DAY  # open SURVEY_EXPIRE_DAYS from the new email
    newest = rows(case)[-1]
    assert (newest.recipient_email, newest.topic_key) == (
        "nia@adur.example.gov.uk",
        f"survey_invitation:{again.pk}:1",
    )
    assert len(events(case, actions.SURVEY_SENT_AGAIN)) == 1


def test_revoking_without_sending_again_leaves_no_working_link():
    case = report_issued()
    old = survey_token(invitation(case, CE))

    lifecycle.survey_revoke_link(invitation=invitation(case, CE), actor=manager(), send_again=False)

    assert open_survey(old) is None
    assert len(rows(case)) == 2
    assert len(events(case, actions.SURVEY_LINK_REVOKED)) == 1


def test_a_scheduled_survey_has_no_link_to_revoke():
    case = post_challenge()

    with pytest.raises(Refused, match="only an open survey's link can be revoked"):
        lifecycle.survey_revoke_link(invitation=invitation(case, CE), actor=manager())


# --- completion closes the case ------------------------------------------------------------


def _impact_sent(case):
    with time_machine.travel(london(IMPACT_DAY), tick=False):
        for one in SurveyInvitation.objects.filter(challenge=case):
            lifecycle.survey_send(invitation=one)


def test_the_case_closes_when_both_have_completed_the_impact_survey():
    case = post_challenge()
    _impact_sent(case)

    lifecycle.survey_completed(invitation(case, CE))
    case.refresh_from_db()
    assert case.state == State.POST_CHALLENGE  # the leader has not answered yet

    lifecycle.survey_completed(invitation(case, LEADER))
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert case.closed_reason == "Impact survey completed by the chief executive and the leader"
    assert len(events(case, actions.SURVEY_COMPLETED)) == 2


def test_completing_the_feedback_survey_leaves_the_case_open():
    case = report_issued()

    lifecycle.survey_completed(invitation(case, CE))
    lifecycle.survey_completed(invitation(case, LEADER))

    case.refresh_from_db()
    assert case.state == State.REPORT_ISSUED


def test_completing_twice_records_it_once():
    case = report_issued()

    lifecycle.survey_completed(invitation(case, CE))
    lifecycle.survey_completed(invitation(case, CE))

    assert len(events(case, actions.SURVEY_COMPLETED)) == 1
    assert invitation(case, CE).status == Status.COMPLETED


def test_the_timeline_tells_the_survey_events_in_words():
    case = report_issued()

    told = [(e.what, dict(e.details)) for e in timeline(case)]

    sent = [details for what, details in told if what == "Survey sent"]
    assert len(sent) == 2
    assert {d["Respondent"] for d in sent} == {"Chief executive", "Leader"}
    assert all(d["Survey"] == "Feedback survey" for d in sent)
    assert all("survey_invitation" not in str(d) for d in sent)


def test_no_outbox_row_names_a_survey_link():
    case = report_issued()

    for row in Notification.objects.filter(challenge=case):
        for one in SurveyInvitation.objects.filter(challenge=case):
            assert survey_token(one) not in str(row.context)


def test_the_case_page_flags_a_survey_waiting_for_an_email_address(client):
    case = report_issued(leader_email="")
    client.force_login(manager())

    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert page.count('data-testid="waiting-for-address"') == 1
    assert "record the leader\N{RIGHT SINGLE QUOTATION MARK}s email address on the case" in page
    assert "Survey not sent: no email address" in page  # the timeline, once


@pytest.mark.usefixtures("eager_celery")
def test_the_email_reaches_them_with_a_link_that_opens_their_survey_and_is_logged_nowhere(
    django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        case = report_issued()

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        [token] = re.findall(r"/surveys/([^/\s]+)/", message.body)
        opened = open_survey(token)
        assert opened is not None and message.to[0].endswith(f"<{opened.recipient_email}>")
        assert token not in caplog.text
    assert {r.status for r in rows(case)} == {Notification.Status.SENT}
