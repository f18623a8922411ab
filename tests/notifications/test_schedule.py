"""The beat schedule: every reminder rule it names exists, and the weekly digest survives a
missed Monday."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils.module_loading import import_string

from notifications.models import Notification
from notifications.tasks import run_reminder_rule
from tests.notifications.factories import london
from tests.workflow.factories import PeerChallengeFactory
from workflow.models import State

Kind = Notification.Kind

MONDAY = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)
RULE_TASK = "notifications.tasks.run_reminder_rule"


def scheduled_rules() -> dict[str, object]:
    return {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] == RULE_TASK
    }


def test_every_scheduled_rule_names_a_rule_function():
    paths = [entry["args"][0] for entry in scheduled_rules().values()]

    assert "notifications.rules.action_plan_due" in paths
    assert all(callable(import_string(path)) for path in paths)


def test_every_rule_runs_every_day():
    for name, entry in scheduled_rules().items():
        assert entry["schedule"].day_of_week == set(range(7)), name


@pytest.mark.django_db
def test_a_digest_missed_on_monday_goes_on_tuesday_and_only_once_that_week():
    PeerChallengeFactory(state=State.REPORTING, feedback_date=MONDAY - 30 * DAY)

    created = []
    for day in (MONDAY + DAY, MONDAY + 2 * DAY, MONDAY + 7 * DAY):  # Monday's run was missed
        with time_machine.travel(london(day, hour=8), tick=False):
            created.append(run_reminder_rule("notifications.rules.manager_weekly_digest"))

    assert created == [1, 0, 1]
    assert list(
        Notification.objects.filter(kind=Kind.MANAGER_DIGEST).values_list("due_on", flat=True)
    ) == [MONDAY + 7 * DAY, MONDAY]
