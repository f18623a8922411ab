"""Every reminder rule: not yet due, due (queued and sent), idempotent, caught up after a miss."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core import mail

from notifications.models import Notification
from notifications.tasks import run_reminder_rule
from tests.notifications.factories import london
from tests.workflow.factories import PeerChallengeFactory
from workflow.models import State

pytestmark = pytest.mark.django_db
Kind = Notification.Kind

# A Monday, so the weekly digest is due on the same nominal date as the rest.
DUE = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)
# A report 28 days past the feedback presentation on DUE: overdue, and in the manager's digest.
REPORT_LATE = {
    "state": State.REPORTING,
    "onsite_start": DUE - 35 * DAY,
    "onsite_end": DUE - 32 * DAY,
    "feedback_date": DUE - 28 * DAY,
}


@dataclass
class Scenario:
    rule: str
    kind: str
    case: dict[str, Any]
    to_council: bool = False  # council contacts get it as well as (or instead of) the manager
    to_manager: bool = True

    @property
    def path(self) -> str:
        return f"notifications.rules.{self.rule}"

    def expected_recipients(self, challenge) -> set[str]:
        emails = {challenge.manager.email} if self.to_manager else set()
        if self.to_council:
            emails |= {email for _, email in challenge.council_contacts}
        return emails


SCENARIOS = [
    Scenario(
        "onsite_approaching",
        Kind.ONSITE_REMINDER,
        {
            "state": State.BOOKED,
            "onsite_start": DUE + 14 * DAY,
            "onsite_end": DUE + 16 * DAY,
        },
        to_council=True,
    ),
    Scenario(
        "report_overdue",
        Kind.REPORT_OVERDUE,
        REPORT_LATE,
    ),
    Scenario(
        "publication_due",
        Kind.PUBLICATION_REMINDER,
        {
            "state": State.REPORT_ISSUED,
            "onsite_start": datetime.date(2025, 1, 6),
            "onsite_end": datetime.date(2025, 1, 9),
            "report_issued_on": datetime.date(2025, 3, 16),
        },
        to_council=True,
        to_manager=False,
    ),
    Scenario(
        "action_plan_due",
        Kind.ACTION_PLAN_DUE,
        {
            "state": State.PUBLISHED,
            "onsite_start": datetime.date(2024, 12, 2),
            "onsite_end": datetime.date(2024, 12, 5),
            "report_issued_on": datetime.date(2025, 1, 16),  # + 5 months = DUE
        },
        to_council=True,
        to_manager=False,
    ),
    Scenario(
        "follow_up_prompt",
        Kind.FOLLOW_UP_PROMPT,
        {
            "state": State.CLOSED,
            "onsite_start": datetime.date(2024, 6, 13),
            "onsite_end": datetime.date(2024, 6, 16),
        },
    ),
    Scenario(
        "manager_weekly_digest",
        Kind.MANAGER_DIGEST,
        REPORT_LATE,
    ),
]


@pytest.fixture(params=SCENARIOS, ids=[s.rule for s in SCENARIOS])
def scenario(request):
    return request.param


def run_on(day: datetime.date, path: str, capture) -> int:
    with time_machine.travel(london(day, hour=7), tick=False), capture(execute=True):
        return run_reminder_rule(path)


def rows(kind: str):
    return Notification.objects.filter(kind=kind)


def test_rule_queues_nothing_the_day_before_it_is_due(
    scenario, eager_celery, django_capture_on_commit_callbacks
):
    PeerChallengeFactory(**scenario.case)

    assert run_on(DUE - DAY, scenario.path, django_capture_on_commit_callbacks) == 0
    assert not rows(scenario.kind).exists()
    assert mail.outbox == []


def test_rule_queues_and_sends_on_its_due_date(
    scenario, eager_celery, django_capture_on_commit_callbacks
):
    challenge = PeerChallengeFactory(**scenario.case)

    run_on(DUE, scenario.path, django_capture_on_commit_callbacks)

    expected = scenario.expected_recipients(challenge)
    queued = rows(scenario.kind)
    assert {n.recipient_email for n in queued} == expected
    assert {n.due_on for n in queued} == {DUE}
    assert {n.status for n in queued} == {Notification.Status.SENT}
    assert {m.to[0].split("<")[-1].rstrip(">") for m in mail.outbox} == expected


def test_running_a_rule_twice_writes_and_sends_each_email_once(
    scenario, eager_celery, django_capture_on_commit_callbacks
):
    challenge = PeerChallengeFactory(**scenario.case)

    first = run_on(DUE, scenario.path, django_capture_on_commit_callbacks)
    second = run_on(DUE, scenario.path, django_capture_on_commit_callbacks)

    assert first == len(scenario.expected_recipients(challenge))
    assert second == 0
    assert rows(scenario.kind).count() == first
    assert len(mail.outbox) == first


def test_a_missed_day_is_caught_up_under_the_nominal_due_date(
    scenario, eager_celery, django_capture_on_commit_callbacks
):
    challenge = PeerChallengeFactory(**scenario.case)

    run_on(DUE + DAY, scenario.path, django_capture_on_commit_callbacks)
    run_on(DUE + 2 * DAY, scenario.path, django_capture_on_commit_callbacks)

    assert {n.due_on for n in rows(scenario.kind)} == {DUE}
    assert len(mail.outbox) == len(scenario.expected_recipients(challenge))


def test_rules_run_for_the_london_date_not_the_utc_one():
    PeerChallengeFactory(**REPORT_LATE)

    # 00:30 on DUE in London (BST) is still the day before in UTC.
    with time_machine.travel(london(DUE, hour=0) + datetime.timedelta(minutes=30), tick=False):
        created = run_reminder_rule("notifications.rules.report_overdue")

    assert created == 1
