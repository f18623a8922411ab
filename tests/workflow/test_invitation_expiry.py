"""Invitations expire when their respond-by day is over: the nightly task
(workflow.tasks.expire_lapsed_invitations, and `manage.py expire_invitations`) fires each one's
`expire` transition through the team's service, by the system, each in its own transaction."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from core.errors import Refused
from tests.workflow import factories as f
from workflow import actions, tasks, team_services
from workflow.models import Assignment, State

pytestmark = pytest.mark.django_db

Status = Assignment.Status
RESPOND_BY = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)
LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time


def on(day: datetime.date, hour: int = 0, minute: int = 15):
    """The nightly run's moment on `day`, London time."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON), tick=False
    )


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)


def invited(case, respond_by=RESPOND_BY) -> Assignment:
    return f.place(
        case, status=Status.INVITED, invited_on=respond_by - 14 * DAY, respond_by=respond_by
    )


def status(place: Assignment) -> str:
    place.refresh_from_db()
    return place.status


def test_an_invitation_is_open_all_its_respond_by_day_and_expires_the_next(case):
    place = invited(case)

    with on(RESPOND_BY, hour=23, minute=59):
        assert tasks.expire_lapsed_invitations() == 0
    assert status(place) == Status.INVITED

    with on(RESPOND_BY + DAY):
        assert tasks.expire_lapsed_invitations() == 1
    assert status(place) == Status.EXPIRED
    [event] = case.events.filter(action=actions.ASSIGNMENT_EXPIRED)
    assert (event.actor, event.data["assignment"], event.data["from_status"]) == (
        None,
        place.pk,
        Status.INVITED,
    )


def test_a_second_run_expires_nothing_more(case):
    invited(case)

    with on(RESPOND_BY + DAY):
        assert [tasks.expire_lapsed_invitations() for _ in range(2)] == [1, 0]
    assert case.events.filter(action=actions.ASSIGNMENT_EXPIRED).count() == 1


def test_a_missed_night_is_caught_up(case):
    old, new = invited(case, RESPOND_BY - 5 * DAY), invited(case)

    with on(RESPOND_BY + 3 * DAY):
        assert tasks.expire_lapsed_invitations() == 2
    assert (status(old), status(new)) == (Status.EXPIRED, Status.EXPIRED)


def test_answered_places_and_closed_cases_are_left_alone(case):
    accepted = f.place(
        case, status=Status.ACCEPTED, invited_on=RESPOND_BY - DAY, respond_by=RESPOND_BY
    )
    closed = f.PeerChallengeFactory(state=State.CLOSED)
    on_closed_case = invited(closed)

    with on(RESPOND_BY + DAY):
        assert tasks.expire_lapsed_invitations() == 0
    assert (status(accepted), status(on_closed_case)) == (Status.ACCEPTED, Status.INVITED)


def test_one_that_fails_is_logged_and_the_rest_still_expire(case, monkeypatch, caplog):
    first, second, third = (invited(case) for _ in range(3))
    real = team_services.assignment_transition

    def fails_for_the_second(*, assignment, **kwargs):
        if assignment.pk == second.pk:
            raise RuntimeError("a reaction broke")
        return real(assignment=assignment, **kwargs)

    monkeypatch.setattr(tasks, "assignment_transition", fails_for_the_second)
    with on(RESPOND_BY + DAY):
        assert tasks.expire_lapsed_invitations() == 2

    assert [status(p) for p in (first, second, third)] == [
        Status.EXPIRED,
        Status.INVITED,
        Status.EXPIRED,
    ]
    assert f"place {second.pk} not expired" in caplog.text
    assert "a reaction broke" in caplog.text


def test_a_refusal_is_logged_not_raised(case, monkeypatch, caplog):
    place = invited(case)

    def refuses(**kwargs):
        raise Refused(["the case changed meanwhile"])

    monkeypatch.setattr(tasks, "assignment_transition", refuses)
    caplog.set_level("INFO", logger="workflow.tasks")
    with on(RESPOND_BY + DAY):
        assert tasks.expire_lapsed_invitations() == 0

    assert status(place) == Status.INVITED
    assert "the case changed meanwhile" in caplog.text


def test_the_command_runs_the_task(case):
    invited(case)
    out = StringIO()

    with on(RESPOND_BY + DAY):
        call_command("expire_invitations", stdout=out)

    assert out.getvalue().strip() == "1 invitation expired"


def test_the_task_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["expire-lapsed-invitations"]

    assert entry["task"] == "workflow.tasks.expire_lapsed_invitations"
    assert (entry["schedule"].hour, entry["schedule"].day_of_week) == ({0}, set(range(7)))
