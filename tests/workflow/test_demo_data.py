"""The demo programme: every state, real people and follow-ups, all built through the services,
and a second run that changes nothing."""

import datetime
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction

from tests.workflow.spec import ACTIONS, SPEC
from workflow import roles
from workflow.models import Assignment, CaseEvent, Peer, PeerChallenge, State

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 29, 9, tzinfo=datetime.UTC)
TRANSITION_OF = {action: name for name, action in ACTIONS.items()}


def demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """Load once for the module (it takes seconds), rolled back when the module is done."""
    with django_db_blocker.unblock(), time_machine.travel(TODAY), transaction.atomic():
        yield demo_data()
        transaction.set_rollback(True)


def test_every_state_is_present(first_run):
    states = Counter(PeerChallenge.objects.values_list("state", flat=True))
    assert set(states) == set(State), f"missing: {set(State) - set(states)}"
    assert 55 <= sum(states.values()) <= 70


def test_cases_span_financial_years_2023_to_2026(first_run):
    dates = PeerChallenge.objects.values_list("onsite_start", flat=True)
    assert min(dates) < datetime.date(2023, 7, 1)
    assert max(dates) > datetime.date(2027, 1, 1)


def test_staff_and_peers_have_their_roles(first_run):
    def in_group(name):
        return User.objects.filter(username__startswith="demo-", groups__name=name).count()

    assert (in_group(roles.MANAGER), in_group(roles.PROGRAMME_LEAD)) == (4, 1)
    assert User.objects.get(username="demo-admin").is_superuser
    assert Peer.objects.count() >= 40
    assert set(Peer.objects.values_list("kind", flat=True)) == {"member", "officer"}
    assert Peer.objects.filter(kind="member").exclude(political_group="").exists()
    assert in_group(roles.PEER) == Peer.objects.filter(user__isnull=False).count() >= 1


def test_follow_ups_link_to_their_parent_and_keep_its_team(first_run):
    follow_ups = PeerChallenge.objects.filter(challenge_type__slug="follow-up")
    assert follow_ups.exists()
    for case in follow_ups:
        assert case.parent.host_id == case.host_id
        parent_team = set(case.parent.assignments.values_list("peer", flat=True))
        assert set(case.assignments.values_list("peer", flat=True)) == parent_team


def test_every_case_was_built_through_the_services(first_run):
    """The timeline of each case replays the design's machine from "created" to its state."""
    for case in PeerChallenge.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].action == "workflow.challenge.created"
        state = State.ENQUIRY
        for event in events[1:]:
            sources, target = SPEC[TRANSITION_OF[event.action]]
            assert event.from_state == state and state in sources, (case.reference, event)
            assert event.to_state == target, (case.reference, event)
            state = event.to_state
        assert state == case.state, case.reference


def test_teams_meet_the_composition_rules_once_confirmed(first_run):
    confirmed = PeerChallenge.objects.exclude(
        state__in=[State.ENQUIRY, State.BOOKED, State.TEAM_ASSEMBLY, State.WITHDRAWN]
    ).exclude(state=State.POSTPONED)
    for case in confirmed:
        team = case.assignments.filter(status__in=Assignment.ON_TEAM)
        ctype = case.challenge_type
        assert ctype.min_peers <= team.count() <= ctype.max_peers, case.reference
        assert not team.filter(peer__council=case.host).exists(), "a peer on their own council"


def test_past_visits_log_peer_days(first_run):
    done = Assignment.objects.filter(challenge__state=State.CLOSED)
    assert done.exists()
    assert not done.exclude(status=Assignment.Status.COMPLETED).exists()
    assert not done.filter(days__isnull=True).exists()


def test_logins_are_printed(first_run):
    assert "password for all: demo-peer-challenge" in first_run
    for username in ["demo-admin", "demo-lead", "demo-manager-1", "demo-peer-1"]:
        assert username in first_run


def test_running_twice_changes_nothing(first_run):
    counts = (PeerChallenge.objects.count(), CaseEvent.objects.count(), Peer.objects.count())

    again = demo_data()

    assert again.startswith("Demo data is already loaded; nothing changed.")
    assert "demo-manager-1" in again
    assert (PeerChallenge.objects.count(), CaseEvent.objects.count(), Peer.objects.count()) == (
        counts
    )
