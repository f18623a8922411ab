"""The daily survey sweep (surveys/rules.py): the impact survey sent on its day and not before, to
the case's contacts as they are then; reminders at +7 and +14 days while unanswered; expiry
after the closing day; the case closed when its impact survey is over. Time is travelled."""

import re

import pytest
import time_machine

from notifications import rules as notification_rules
from notifications.emails import render_email
from notifications.models import Notification
from peerchallenge.celery import app
from surveys import actions, contacts, lifecycle, rules
from surveys.links import open_survey, survey_token
from surveys.models import SurveyInvitation
from surveys.tasks import sweep_surveys
from tests.surveys.invitations import (
    CE,
    DAY,
    IMPACT_DAY,
    LEADER,
    events,
    invitation,
    london,
    post_challenge,
    report_issued,
    rows,
)
from tests.workflow.factories import council, manager
from workflow.models import State
from workflow.services import challenge_transition

pytestmark = pytest.mark.django_db
Status = SurveyInvitation.Status
REMINDER = Notification.Kind.SURVEY_REMINDER


def sweep_on(day):
    with time_machine.travel(london(day, hour=7), tick=False):
        return sweep_surveys()


def test_the_impact_survey_goes_on_its_day_and_not_before():
    case = post_challenge()

    assert sweep_on(IMPACT_DAY - DAY)["sent"] == 0
    assert rows(case) == []

    assert sweep_on(IMPACT_DAY)["sent"] == 2
    sent = invitation(case, CE)
    assert (sent.status, sent.expires_on) == (Status.SENT, IMPACT_DAY + 28 * DAY)
    assert sorted(r.recipient_email for r in rows(case)) == sorted(
        [case.chief_executive_email, case.leader_email]
    )
    assert sweep_on(IMPACT_DAY)["sent"] == 0  # a rerun sends nothing twice
    assert len(rows(case)) == 2


def test_a_missed_day_is_caught_up():
    case = post_challenge()

    assert sweep_on(IMPACT_DAY + 3 * DAY)["sent"] == 2
    assert invitation(case, LEADER).status == Status.SENT


def test_the_impact_survey_goes_to_the_chief_executive_the_case_names_when_it_is_sent():
    case = post_challenge()
    case.chief_executive_name, case.chief_executive_email = "Nia New", "nia@adur.example.gov.uk"
    case.save()

    sweep_on(IMPACT_DAY)

    sent = invitation(case, CE)
    assert (sent.recipient_name, sent.recipient_email) == ("Nia New", "nia@adur.example.gov.uk")
    assert "nia@adur.example.gov.uk" in [r.recipient_email for r in rows(case)]
    assert not contacts.contact_changed(sent)


def test_a_held_survey_goes_once_the_address_is_recorded():
    case = post_challenge(leader_email="")
    sweep_on(IMPACT_DAY)
    sweep_on(IMPACT_DAY + DAY)
    assert invitation(case, LEADER).status == Status.SCHEDULED
    assert len(events(case, actions.SURVEY_HELD)) == 1

    case.leader_email = "leader@adur.example.gov.uk"
    case.save()
    sweep_on(IMPACT_DAY + 2 * DAY)

    assert invitation(case, LEADER).recipient_email == "leader@adur.example.gov.uk"


def test_a_closed_case_sends_no_scheduled_survey():
    case = post_challenge()
    challenge_transition(challenge=case, name="close", actor=manager(), reason="Council merged")

    assert sweep_on(IMPACT_DAY)["sent"] == 0
    assert invitation(case, CE).status == Status.SCHEDULED


def test_reminders_go_at_seven_and_fourteen_days_while_unanswered():
    start = IMPACT_DAY
    case = post_challenge()
    sweep_on(start)

    reminded = [sweep_on(start + n * DAY)["reminded"] for n in (6, 7, 7, 13, 14, 20, 28)]

    assert reminded == [0, 2, 0, 0, 2, 0, 0]
    ce_reminders = rows(case, REMINDER)[::2]
    assert [r.due_on for r in ce_reminders] == [start + 7 * DAY, start + 14 * DAY]
    assert invitation(case, CE).reminders_sent == 2
    assert len(events(case, actions.SURVEY_REMINDED)) == 4


def test_no_reminder_after_completion():
    case = post_challenge()
    sweep_on(IMPACT_DAY)
    lifecycle.survey_completed(invitation(case, CE))

    sweep_on(IMPACT_DAY + 7 * DAY)

    assert [r.recipient_email for r in rows(case, REMINDER)] == [case.leader_email]


def test_a_late_sweep_sends_the_latest_reminder_only():
    case = post_challenge()
    sweep_on(IMPACT_DAY)

    sweep_on(IMPACT_DAY + 15 * DAY)
    sweep_on(IMPACT_DAY + 16 * DAY)

    assert [r.due_on for r in rows(case, REMINDER)] == [IMPACT_DAY + 14 * DAY] * 2


def test_the_reminder_carries_the_current_link():
    case = report_issued()
    sent = invitation(case, CE).sent_at
    lifecycle.survey_revoke_link(invitation=invitation(case, CE), actor=manager(), send_again=False)

    sweep_on(sent.date() + 7 * DAY)

    reminder = next(
        r for r in rows(case, REMINDER) if r.recipient_email == case.chief_executive_email
    )
    body = render_email(reminder).body
    [token] = re.findall(r"/surveys/([^/\s]+)/", body)
    assert open_survey(token) == invitation(case, CE)  # the new link, not the revoked one
    assert "7 days ago we asked for your views" in body


def test_the_link_closes_after_its_closing_day():
    case = post_challenge()
    sweep_on(IMPACT_DAY)
    token = survey_token(invitation(case, CE))

    assert sweep_on(IMPACT_DAY + 28 * DAY)["expired"] == 0
    with time_machine.travel(london(IMPACT_DAY + 28 * DAY), tick=False):
        assert open_survey(token) is not None

    assert sweep_on(IMPACT_DAY + 29 * DAY)["expired"] == 2
    assert invitation(case, CE).status == Status.EXPIRED
    assert open_survey(token) is None
    assert len(events(case, actions.SURVEY_EXPIRED)) == 2


def test_the_case_closes_when_its_impact_survey_expires_unanswered():
    case = post_challenge()
    sweep_on(IMPACT_DAY)

    sweep_on(IMPACT_DAY + 29 * DAY)

    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert case.closed_reason == (
        "Impact survey expired unanswered by the chief executive and the leader"
    )


def test_one_answered_one_expired_closes_the_case_saying_which():
    case = post_challenge()
    sweep_on(IMPACT_DAY)
    lifecycle.survey_completed(invitation(case, LEADER))

    sweep_on(IMPACT_DAY + 29 * DAY)

    case.refresh_from_db()
    assert case.closed_reason == (
        "Impact survey completed by the leader; expired unanswered by the chief executive"
    )


def test_one_bad_row_is_logged_and_the_others_still_go(monkeypatch, caplog):
    first, second = post_challenge(), post_challenge(host=council("BIR"))
    real = lifecycle.survey_send

    def send(*, invitation, actor=None):
        if invitation.challenge_id == first.pk:
            raise RuntimeError("boom")
        return real(invitation=invitation, actor=actor)

    monkeypatch.setattr(lifecycle, "survey_send", send)

    assert sweep_on(IMPACT_DAY)["sent"] == 2
    assert invitation(second, CE).status == Status.SENT
    assert invitation(first, CE).status == Status.SCHEDULED
    assert "survey sweep, send: SurveyInvitation" in caplog.text


def test_each_step_selects_its_rows_in_one_query(django_assert_num_queries):
    post_challenge()
    post_challenge(host=council("BIR"))
    sweep_on(IMPACT_DAY)
    today = IMPACT_DAY + 7 * DAY

    for due in (rules.due_to_send, rules.due_to_remind, rules.due_to_expire):
        with django_assert_num_queries(1):
            found = list(due(today))
        for one in found:
            assert one.challenge.host and one.questionnaire.kind  # read without a query


def test_the_reminder_days_and_the_closing_day_come_from_settings(settings):
    settings.SURVEY_REMINDER_DAYS = [3]
    settings.SURVEY_EXPIRE_DAYS = 10
    case = post_challenge()
    sweep_on(IMPACT_DAY)

    assert invitation(case, CE).expires_on == IMPACT_DAY + 10 * DAY
    assert [sweep_on(IMPACT_DAY + n * DAY)["reminded"] for n in (2, 3, 7)] == [0, 2, 0]
    assert sweep_on(IMPACT_DAY + 11 * DAY)["expired"] == 2


def test_the_sweep_runs_daily_from_the_beat_schedule_and_the_manager_prompt_is_gone(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["survey-sweep"]
    assert entry["task"] == sweep_surveys.name and entry["task"] in app.tasks
    assert entry["schedule"].day_of_week == set(range(7))
    assert not hasattr(notification_rules, "impact_survey_due")
    assert "impact_survey_due" not in str(settings.CELERY_BEAT_SCHEDULE)


def test_a_case_left_open_after_its_impact_survey_is_closed_by_the_next_sweep():
    case = post_challenge()
    sweep_on(IMPACT_DAY)
    # As if the close had lost a race when the last survey lapsed: the rows say it is over.
    SurveyInvitation.objects.filter(challenge=case).update(status=Status.EXPIRED)

    assert sweep_on(IMPACT_DAY + DAY)["closed"] == 1

    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert sweep_on(IMPACT_DAY + 2 * DAY)["closed"] == 0
