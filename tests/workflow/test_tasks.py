import datetime

import pytest
import time_machine

from tests.workflow.factories import PeerChallengeFactory
from workflow.models import State
from workflow.tasks import start_due_onsite_visits

pytestmark = pytest.mark.django_db


def test_prepared_case_moves_onsite_on_its_start_date_once():
    challenge = PeerChallengeFactory(
        state=State.PREPARATION, onsite_start=datetime.date(2027, 3, 1)
    )
    with time_machine.travel(datetime.datetime(2027, 2, 28, 12), tick=False):
        assert start_due_onsite_visits() == 0
    with time_machine.travel(datetime.datetime(2027, 3, 1, 6), tick=False):
        assert start_due_onsite_visits() == 1
        assert start_due_onsite_visits() == 0  # run twice: one transition
    challenge.refresh_from_db()
    assert challenge.state == State.ONSITE
    assert list(challenge.events.values_list("action", "actor")) == [
        ("workflow.challenge.onsite_started", None)
    ]


def test_cases_in_other_states_are_left_alone():
    challenge = PeerChallengeFactory(state=State.BOOKED, onsite_start=datetime.date(2027, 3, 1))
    with time_machine.travel(datetime.datetime(2027, 3, 2, 6), tick=False):
        assert start_due_onsite_visits() == 0
    challenge.refresh_from_db()
    assert challenge.state == State.BOOKED
