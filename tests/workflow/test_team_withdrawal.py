"""A withdrawn case takes its team with it: its reaction (workflow/reactions_team.py, listed
in peerchallenge/reactions.py) withdraws every open invitation and accepted place through the
team's own transition, each with its event, after the peers on the team were emailed.
Postponing keeps the team."""

from unittest import mock

import pytest
from django.db.models import Q

from core.errors import Refused
from notifications.models import Notification
from tests.support.races import Start, race, real_race
from tests.workflow import factories as f
from workflow import services, team_services
from workflow.models import Assignment, State

pytestmark = pytest.mark.django_db

Status = Assignment.Status
REASON = "The council withdrew"


@pytest.fixture
def case():
    case = f.PeerChallengeFactory(state=State.PREPARATION)
    f.full_team(case, size=3)
    for status in (Status.INVITED, Status.RESERVE, Status.DECLINED, Status.EXPIRED):
        f.place(case, status=status)
    return case


def statuses(case) -> dict[int, str]:
    return dict(case.assignments.values_list("pk", "status"))


def test_withdrawing_a_case_withdraws_its_invitations_and_accepted_places(case, actor):
    before = statuses(case)

    services.challenge_transition(challenge=case, name="withdraw", actor=actor, reason=REASON)

    after = statuses(case)
    open_places = [pk for pk, status in before.items() if status in Assignment.OPEN_PLACES]
    assert len(open_places) == 4
    assert {pk: after[pk] for pk in open_places} == dict.fromkeys(open_places, Status.WITHDRAWN)
    assert {pk: s for pk, s in after.items() if pk not in open_places} == {
        pk: s for pk, s in before.items() if pk not in open_places
    }, "reserves and answered invitations stay as they were"
    case_event, *team_events = case.events.order_by("pk")
    assert case_event.action == "workflow.challenge.withdrawn"
    assert [(e.action, e.data["assignment"], e.data["from_status"]) for e in team_events] == [
        ("workflow.assignment.withdrawn", pk, before[pk]) for pk in sorted(open_places)
    ]
    assert {(e.actor, e.reason, e.from_state, e.to_state) for e in team_events} == {
        (actor, "the case was withdrawn", State.WITHDRAWN, State.WITHDRAWN)
    }


def test_the_peers_on_the_team_are_still_told_of_the_withdrawal(case, actor):
    accepted = case.assignments.filter(status=Status.ACCEPTED).select_related("peer")
    team = {place.peer.email for place in accepted}

    services.challenge_transition(challenge=case, name="withdraw", actor=actor, reason=REASON)

    told = Notification.objects.filter(challenge=case, kind=Notification.Kind.VISIT_WITHDRAWN)
    assert team <= set(told.values_list("recipient_email", flat=True))


def test_postponing_keeps_the_team(case, actor):
    before = statuses(case)

    services.challenge_transition(challenge=case, name="postpone", actor=actor, reason=REASON)

    assert statuses(case) == before
    assert list(case.events.values_list("action", flat=True)) == ["workflow.challenge.postponed"]


def test_a_team_withdrawal_that_fails_undoes_the_cases_withdrawal(case, actor):
    refusal = Refused(["something the team could not do"])
    with (
        mock.patch.object(team_services, "assignment_transition", side_effect=refusal),
        pytest.raises(Refused),
    ):
        services.challenge_transition(challenge=case, name="withdraw", actor=actor, reason=REASON)

    assert case.state == State.PREPARATION
    assert case.events.count() == 0
    assert Notification.objects.filter(challenge=case).count() == 0


def test_nothing_joins_the_team_of_a_withdrawn_case(case, actor):
    services.challenge_transition(challenge=case, name="withdraw", actor=actor, reason=REASON)
    reserve = case.assignments.get(status=Status.RESERVE)

    with pytest.raises(Refused):
        team_services.assignment_add(
            challenge=case, peer=f.PeerFactory(), actor=actor, role="officer"
        )
    with pytest.raises(Refused):
        team_services.assignment_transition(assignment=reserve, name="invite", actor=actor)


@real_race
def test_a_peer_added_or_answering_while_the_case_is_withdrawn_is_not_left_on_its_team():
    """The withdrawal and team writes all take the case's row lock first: whichever commits
    first, no open place is left on a withdrawn case."""
    actor = f.manager()
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    invited = [f.place(case, status=Status.INVITED) for _ in range(3)]
    newcomers = [f.PeerFactory() for _ in range(3)]

    def withdraw(start: Start):
        challenge = type(case).objects.get(pk=case.pk)
        start()
        services.challenge_transition(
            challenge=challenge, name="withdraw", actor=actor, reason=REASON
        )

    def add(peer, start: Start):
        challenge = type(case).objects.get(pk=case.pk)
        start()
        team_services.assignment_add(challenge=challenge, peer=peer, actor=actor, role="officer")

    def accept(place, start: Start):
        place = Assignment.objects.get(pk=place.pk)
        start()
        team_services.assignment_transition(
            assignment=place, name="accept", actor=actor, interests="none"
        )

    jobs = [withdraw]
    jobs += [lambda start, peer=peer: add(peer, start) for peer in newcomers]
    jobs += [lambda start, place=place: accept(place, start) for place in invited]
    results = race(jobs)

    assert results[0] is None, results[0]
    assert all(r is None or isinstance(r, Exception) for r in results)
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    left_open = case.assignments.filter(Q(status__in=Assignment.OPEN_PLACES))
    assert not left_open.exists(), list(left_open.values_list("status", flat=True))
