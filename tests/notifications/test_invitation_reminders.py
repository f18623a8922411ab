"""Invitation reminders (notifications.rules.invitation_reminders): an unanswered invitation is
reminded to its peer INVITATION_REMINDER_DAYS after it was sent (3 and 6 by default), while it
is open; each reminder carries the signed link, signed when rendered, never stored."""

import datetime

import pytest
import time_machine

from notifications.emails import render_email
from notifications.models import Notification
from notifications.rules import invitation_reminders
from notifications.tasks import run_reminder_rule
from tests.notifications.factories import london
from tests.workflow import factories as f
from workflow import team_services
from workflow.invitation_links import open_invitation
from workflow.models import Assignment, State

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Status = Assignment.Status
RULE = "notifications.rules.invitation_reminders"
SENT = datetime.date(2025, 6, 2)  # the invitation's day; respond by 16 June
DAY = datetime.timedelta(days=1)


@pytest.fixture
def invited():
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY, onsite_start=SENT + 60 * DAY)
    return f.place(case, status=Status.INVITED, invited_on=SENT, respond_by=SENT + 14 * DAY)


def run_on(day: datetime.date) -> int:
    with time_machine.travel(london(day, hour=7), tick=False):
        return run_reminder_rule(RULE)


def reminders() -> list[Notification]:
    return list(Notification.objects.filter(kind=Kind.INVITATION_REMINDER).order_by("due_on"))


def test_an_unanswered_invitation_is_reminded_on_the_third_and_sixth_day(invited):
    created = {day: run_on(SENT + day * DAY) for day in range(0, 16)}

    assert {day: n for day, n in created.items() if n} == {3: 1, 6: 1}
    assert [r.due_on for r in reminders()] == [SENT + 3 * DAY, SENT + 6 * DAY]
    first = reminders()[0]
    assert (first.recipient_email, first.recipient_name) == (invited.peer.email, invited.peer.name)
    assert first.topic_key == f"assignment:{invited.pk}"
    assert first.context["assignment"] == invited.pk
    assert first.context["days_since_invitation"] == 3


def test_a_rerun_writes_nothing_new(invited):
    assert [run_on(SENT + 3 * DAY) for _ in range(3)] == [1, 0, 0]


def test_a_late_run_sends_the_reminder_then_due_not_every_one_missed(invited):
    assert run_on(SENT + 8 * DAY) == 1

    [late] = reminders()
    assert late.due_on == SENT + 6 * DAY
    assert run_on(SENT + 9 * DAY) == 0, "the 3-day reminder is not sent after the 6-day one"


def test_no_reminder_once_the_respond_by_day_is_over(invited):
    Assignment.objects.filter(pk=invited.pk).update(respond_by=SENT + 5 * DAY)

    assert run_on(SENT + 3 * DAY) == 1
    assert run_on(SENT + 5 * DAY) == 0
    assert run_on(SENT + 6 * DAY) == 0, "the 6-day reminder would come after respond-by"


def test_no_reminder_once_the_invitation_is_answered(invited):
    with time_machine.travel(london(SENT + 2 * DAY), tick=False):
        team_services.assignment_transition(
            assignment=invited, name="accept", actor=None, interests="none"
        )

    assert [run_on(SENT + day * DAY) for day in (3, 6)] == [0, 0]


@pytest.mark.parametrize("status", [Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN])
def test_no_reminder_for_an_invitation_that_is_no_longer_open(invited, status):
    Assignment.objects.filter(pk=invited.pk).update(status=status)

    assert run_on(SENT + 3 * DAY) == 0


def test_no_reminder_on_a_closed_case(invited):
    type(invited.challenge).objects.filter(pk=invited.challenge_id).update(state=State.CLOSED)

    assert run_on(SENT + 3 * DAY) == 0


def test_the_days_are_a_setting(invited, settings):
    settings.NOTIFICATION_SETTINGS = {**settings.NOTIFICATION_SETTINGS,
                                      "INVITATION_REMINDER_DAYS": [1]}  # fmt: skip

    created = {day: run_on(SENT + day * DAY) for day in range(0, 8)}

    assert {day: n for day, n in created.items() if n} == {1: 1}


def test_no_days_means_no_reminders(invited, settings):
    settings.NOTIFICATION_SETTINGS = {**settings.NOTIFICATION_SETTINGS,
                                      "INVITATION_REMINDER_DAYS": []}  # fmt: skip

    assert run_on(SENT + 6 * DAY) == 0


def test_the_rule_reads_every_invitation_in_one_query(invited, django_assert_num_queries):
    for _ in range(4):
        f.place(invited.challenge, status=Status.INVITED, invited_on=SENT,
                respond_by=SENT + 14 * DAY)  # fmt: skip

    with django_assert_num_queries(1):
        found = list(invitation_reminders(SENT + 3 * DAY))

    assert len(found) == 5


def test_the_reminder_carries_the_signed_link_to_the_open_invitation(invited):
    run_on(SENT + 3 * DAY)
    [reminder] = reminders()

    with time_machine.travel(london(SENT + 3 * DAY), tick=False):
        email = render_email(reminder)
        link = next(w for w in email.body.split() if "/invitations/" in w)
        token = link.rstrip("/").rsplit("/", 1)[-1]
        assert open_invitation(token) == invited

    assert link not in str(reminder.context), "the outbox row holds the place, not the link"
    assert "please answer by Monday 16 June 2025" in email.subject
    assert f"as {invited.get_role_display().lower()}" in email.body
    assert "Monday 16 June 2025" in email.body
