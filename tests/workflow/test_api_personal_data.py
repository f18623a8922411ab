"""Personal data through the API, as on the pages: a peer's decline reason and declaration, and
the manager's override of a conflict, are read by managers (and the peer their own), not by
the other peers on the team or programme leads; the timeline's events leave them out too."""

import pytest

from tests.workflow import factories as f
from workflow import team_services
from workflow.models import Assignment, State

pytestmark = pytest.mark.django_db

Status = Assignment.Status


@pytest.fixture
def case():
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    declined = f.place(case, status=Status.INVITED, peer=f.PeerFactory(name="Dan Decliner"))
    team_services.assignment_transition(
        assignment=declined,
        name="decline",
        actor=None,
        decline_reason="dates",
        decline_note="Away that week",
    )
    f.place(case, override_reason="Knows the coast", interests="Sister works there")
    leaving = f.place(case, peer=f.PeerFactory(name="Lee Leaver"))
    team_services.assignment_transition(
        assignment=leaving, name="withdraw", actor=None, reason="Signed off sick"
    )
    return case


def _readers():
    peer = f.peer_user()
    return peer, {"peer on the team": peer, "programme lead": f.programme_lead()}


@pytest.mark.parametrize("who", ["peer on the team", "programme lead", "manager"])
def test_the_team_and_its_events_hold_personal_data_for_managers_only(case, who):
    peer, readers = _readers()
    f.place(case, peer=peer.peer, interests="My own declaration")
    user = readers.get(who) or f.manager()
    api = f.api_client(user)

    team = api.get(f"/api/challenges/{case.pk}/team/").json()
    events = api.get(f"/api/challenges/{case.pk}/events/").json()

    text = f"{team} {events}"
    manager = who == "manager"
    for private in [
        "Away that week",
        "dates",
        "Knows the coast",
        "Sister works there",
        "Signed off sick",  # why a peer left the team, in the place's event reason
    ]:
        assert (private in text) is manager, private
    # Everyone still reads who is on the team and what happened.
    assert "Dan Decliner" in str(team) and "workflow.assignment.declined" in str(events)
    own = next(p for p in team if p["peer_id"] == peer.peer.pk)
    assert own["interests"] == "My own declaration" or who != "peer on the team"
