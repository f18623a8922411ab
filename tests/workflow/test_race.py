"""A real race on PostgreSQL: twenty threads, each on its own connection, fire a transition at
one case at the same instant. The compare-and-swap save (ConcurrentTransitionMixin) must let
exactly one through; the others lose cleanly and the audit trail shows one event."""

from collections import Counter
from collections.abc import Callable
from functools import partial

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_fsm import ConcurrentTransition

from core.errors import Refused
from tests.support.races import Start, race, real_race
from tests.workflow import factories as f
from workflow import guards, services
from workflow.challenge_types import CPC_COMPONENTS_2016
from workflow.models import CaseEvent, PeerChallenge, State

THREADS = 20
SCOPE = {
    "scope_components": [c["code"] for c in CPC_COMPONENTS_2016],
    "local_objectives": ["Test the medium-term financial plan"],
}


def in_twenty_threads(attempt: Callable[[int, Start], str]) -> Counter:
    """Run `attempt(i, start)` in THREADS threads released together; count the outcomes."""
    return Counter(race([partial(attempt, i) for i in range(THREADS)]))


def start_team_assembly(challenge, actor, i: int) -> None:
    services.challenge_transition(
        name="start_team_assembly", challenge=challenge, actor=actor, **SCOPE
    )


def postpone_or_withdraw(challenge, actor, i: int) -> None:
    name = "postpone" if i % 2 else "withdraw"
    services.challenge_transition(
        challenge=challenge, name=name, actor=actor, reason=f"attempt {i}"
    )


@real_race
@pytest.mark.parametrize(
    ("source", "fire", "targets"),
    [
        (State.BOOKED, start_team_assembly, {State.TEAM_ASSEMBLY}),
        (State.PREPARATION, postpone_or_withdraw, {State.POSTPONED, State.WITHDRAWN}),
    ],
    ids=["one transition twenty times", "two transitions from one state"],
)
def test_twenty_simultaneous_transitions_let_exactly_one_through(source, fire, targets):
    actor = f.manager()
    pk = f.PeerChallengeFactory(state=source).pk

    def attempt(i: int, start: Start) -> str:
        # Every thread holds the case in its source state before any of them fires.
        challenge = PeerChallenge.objects.get(pk=pk)
        start()
        try:
            fire(challenge, actor, i)
        except ConcurrentTransition:
            return "lost race"
        except Refused:
            return "refused"
        return "won"

    outcomes = in_twenty_threads(attempt)

    assert outcomes["won"] == 1, outcomes
    assert outcomes["lost race"] + outcomes["refused"] == THREADS - 1, outcomes
    assert outcomes["lost race"] >= 1, "no thread actually raced the winner"
    winner = PeerChallenge.objects.get(pk=pk).state
    assert winner in targets
    [event] = CaseEvent.objects.filter(challenge_id=pk)
    assert (event.from_state, event.to_state) == (source, winner)


@real_race
def test_enquiries_for_one_host_and_type_booked_at_once_book_exactly_one():
    """The booking guard reads "no other open case" before the save; only the database's
    partial unique constraint stops two bookings that both read before either committed."""
    actor = f.manager()
    pks = [f.PeerChallengeFactory().pk for _ in range(THREADS)]  # Adur CPC enquiries

    def attempt(i: int, start: Start) -> str:
        challenge = PeerChallenge.objects.get(pk=pks[i])
        start()
        try:
            services.challenge_transition(name="book", challenge=challenge, actor=actor)
        except Refused as refused:
            return "; ".join(refused.unmet)
        return "booked"

    outcomes = in_twenty_threads(attempt)

    [booked] = PeerChallenge.objects.filter(pk__in=pks, state=State.BOOKED)
    refusal = f"Adur already has an open Corporate peer challenge ({booked.reference})"
    assert outcomes == Counter({"booked": 1, refusal: THREADS - 1})
    assert CaseEvent.objects.filter(challenge_id__in=pks).count() == 1


@pytest.mark.django_db
def test_a_booking_whose_guard_missed_the_rival_is_refused_in_plain_words(monkeypatch):
    """The losing side of the race above, made deterministic and on any database: the guard
    does not see the rival (as if it read before the rival's booking committed)."""
    rival, late = f.PeerChallengeFactory(), f.PeerChallengeFactory()
    PeerChallenge.objects.filter(pk=rival.pk).update(state=State.BOOKED)
    saved, sees = [], guards.unmet_one_open_case
    monkeypatch.setattr(guards, "unmet_one_open_case", lambda c: sees(c) if saved else [])
    save = late.save
    late.save = lambda *args, **kwargs: saved.append(True) or save(*args, **kwargs)

    with pytest.raises(Refused) as refused:
        services.challenge_transition(name="book", challenge=late, actor=None)

    assert saved, "the guard refused before the database was asked"
    assert refused.value.unmet == [
        f"Adur already has an open Corporate peer challenge ({rival.reference})"
    ]
    assert late.state == PeerChallenge.objects.get(pk=late.pk).state == State.ENQUIRY
    assert not late.events.exists()


@real_race
def test_twenty_simultaneous_api_requests_get_one_200_and_nineteen_409s():
    user = f.manager()
    pk = f.PeerChallengeFactory(state=State.BOOKED).pk
    url = f"/api/challenges/{pk}/transitions/start_team_assembly/"

    def attempt(i: int, start: Start) -> str:
        client = f.api_client(user)
        start()
        return str(client.post(url, SCOPE, format="json").status_code)

    outcomes = in_twenty_threads(attempt)

    assert outcomes == Counter({"200": 1, "409": THREADS - 1})
    assert CaseEvent.objects.filter(challenge_id=pk).count() == 1


def _lose_the_race(*, challenge, name, actor, **inputs):
    raise ConcurrentTransition("Cannot save object! The state has been changed")


@pytest.mark.django_db
def test_a_lost_race_is_a_409_from_the_api(monkeypatch):
    challenge = f.PeerChallengeFactory()
    monkeypatch.setattr(services, "challenge_transition", _lose_the_race)

    response = f.api_client(f.manager()).post(f"/api/challenges/{challenge.pk}/transitions/book/")

    assert response.status_code == 409
    assert response.data["unmet"] == ["the case changed since it was loaded"]


@pytest.mark.django_db
def test_a_lost_race_is_a_message_in_admin(monkeypatch, admin_client):
    challenge = f.PeerChallengeFactory()
    monkeypatch.setattr(services, "challenge_transition", _lose_the_race)

    response = admin_client.post(
        reverse("admin:workflow_peerchallenge_transition", args=[challenge.pk, "book"])
    )

    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Someone else changed this case meanwhile: reload it."
    ]
