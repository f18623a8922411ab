"""Reactions write outbox rows inside the transition's transaction: they commit with the change
and roll back with it."""

import pytest
from django.core import mail

from notifications.models import Notification
from peerchallenge.reactions import REACTIONS
from tests.workflow.factories import PeerChallengeFactory, full_team, manager, scoped
from workflow.models import CaseEvent, State
from workflow.services import challenge_transition

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def test_booking_writes_and_sends_the_confirmation_to_the_council_contacts(
    eager_celery, django_capture_on_commit_callbacks
):
    challenge = PeerChallengeFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        challenge_transition(name="book", challenge=challenge, actor=manager())
        # Written before commit, in the booking's own transaction; sent only after it.
        queued = set(Notification.objects.filter(challenge=challenge).values_list("kind", "status"))
        assert queued == {(Kind.BOOKING_CONFIRMATION, Notification.Status.QUEUED)}
        assert mail.outbox == []

    assert len(callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Chris Executive <chief.executive@adur.example.gov.uk>",
        "Lee Leader <leader@adur.example.gov.uk>",
    ]


def test_a_failing_reaction_rolls_the_booking_back(monkeypatch, django_capture_on_commit_callbacks):
    def boom(event):
        raise RuntimeError("reaction failed")

    monkeypatch.setitem(
        REACTIONS, "workflow.challenge.booked", [*REACTIONS["workflow.challenge.booked"], boom]
    )
    challenge = PeerChallengeFactory()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        challenge_transition(name="book", challenge=challenge, actor=manager())

    challenge.refresh_from_db()
    assert challenge.state == State.ENQUIRY
    assert not CaseEvent.objects.filter(challenge=challenge).exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_confirming_the_team_sends_each_accepted_peer_joining_instructions(
    eager_celery, django_capture_on_commit_callbacks
):
    challenge = scoped(PeerChallengeFactory(state=State.TEAM_ASSEMBLY))
    team = full_team(challenge)

    with django_capture_on_commit_callbacks(execute=True):
        challenge_transition(name="confirm_team", challenge=challenge, actor=challenge.manager)

    assert {m.to[0].split("<")[-1].rstrip(">") for m in mail.outbox} == {a.peer.email for a in team}
    assert all(m.attachments[0][0] == "peer-challenge.ics" for m in mail.outbox)
