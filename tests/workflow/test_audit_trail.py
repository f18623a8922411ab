import pytest
from django.db.models import ProtectedError

from tests.workflow.factories import PeerChallengeFactory
from workflow import services
from workflow.models import CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    challenge = PeerChallengeFactory()
    return services.challenge_transition(name="book", challenge=challenge, actor=challenge.manager)


def test_bulk_update_and_delete_of_events_are_refused(booked):
    events = CaseEvent.objects.filter(challenge=booked)
    with pytest.raises(ValueError, match="immutable"):
        events.update(reason="rewritten")
    with pytest.raises(ValueError, match="immutable"):
        events.delete()
    assert list(events.values_list("action", "reason")) == [("workflow.challenge.booked", "")]


def test_a_case_with_a_history_cannot_be_deleted(booked):
    with pytest.raises(ProtectedError):
        booked.delete()
    assert CaseEvent.objects.filter(challenge=booked).count() == 1
