"""Two people work on one case from copies loaded at the same time. Each save writes only the
fields its own action changed, so neither silently undoes the other's work."""

import pytest

from tests.workflow.factories import PeerChallengeFactory, api_client, manager
from workflow import services
from workflow.models import PeerChallenge, State

pytestmark = pytest.mark.django_db


def test_a_transition_from_a_stale_copy_keeps_an_edit_made_meanwhile():
    pk = PeerChallengeFactory().pk
    stale = PeerChallenge.objects.get(pk=pk)  # B opened the case before A's edit

    edited = api_client(manager()).patch(
        f"/api/challenges/{pk}/", {"leader_email": "new.leader@adur.example.gov.uk"}, format="json"
    )
    services.challenge_transition(name="book", challenge=stale, actor=None)

    assert edited.status_code == 200, edited.data
    stored = PeerChallenge.objects.get(pk=pk)
    assert (stored.state, stored.leader_email) == (State.BOOKED, "new.leader@adur.example.gov.uk")


def test_a_transition_with_inputs_from_a_stale_copy_keeps_an_edit_made_meanwhile():
    pk = PeerChallengeFactory(state=State.POST_CHALLENGE).pk
    stale = PeerChallenge.objects.get(pk=pk)

    services.challenge_update(
        challenge=PeerChallenge.objects.get(pk=pk),
        actor=None,
        changes={"action_plan_url": "https://adur.example.gov.uk/plan"},
    )
    services.challenge_transition(
        name="close", challenge=stale, actor=None, reason="Impact survey completed"
    )

    stored = PeerChallenge.objects.get(pk=pk)
    assert (stored.state, stored.closed_reason) == (State.CLOSED, "Impact survey completed")
    assert stored.action_plan_url == "https://adur.example.gov.uk/plan"


def test_two_edits_of_different_fields_from_stale_copies_both_survive():
    pk = PeerChallengeFactory().pk
    first, second = PeerChallenge.objects.get(pk=pk), PeerChallenge.objects.get(pk=pk)

    services.challenge_update(challenge=first, actor=None, changes={"leader_name": "Lesley"})
    services.challenge_update(challenge=second, actor=None, changes={"chief_executive_name": "Kim"})

    stored = PeerChallenge.objects.get(pk=pk)
    assert (stored.leader_name, stored.chief_executive_name) == ("Lesley", "Kim")
