"""POST /api/challenges/{id}/team/{place}/revoke-link/: a new link replaces every one sent
before, and with `resend` the invitation goes again. Managers and admins only."""

import pytest

from notifications.models import Notification
from tests.workflow import factories as f
from workflow import roles
from workflow.models import Assignment, CaseEvent, State

pytestmark = pytest.mark.django_db
Status = Assignment.Status


@pytest.fixture
def place():
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    return f.place(case, status=Status.INVITED)


def url(place) -> str:
    return f"/api/challenges/{place.challenge_id}/team/{place.pk}/revoke-link/"


def nonce_of(place) -> str:
    place.refresh_from_db()
    return place.link_nonce


def test_a_manager_revokes_a_link(place):
    nonce = place.link_nonce

    response = f.api_client(f.manager()).post(url(place), {}, format="json")

    assert response.status_code == 200
    assert response.json()["id"] == place.pk
    assert nonce_of(place) != nonce
    assert CaseEvent.objects.get().action == "workflow.assignment.link_revoked"
    assert not Notification.objects.exists()


def test_a_manager_sends_the_invitation_again(place):
    response = f.api_client(f.manager()).post(url(place), {"resend": True}, format="json")

    assert response.status_code == 200
    assert CaseEvent.objects.get().action == "workflow.assignment.invitation_resent"
    row = Notification.objects.get()
    assert (row.kind, row.recipient_email) == (Notification.Kind.INVITATION, place.peer.email)


def _peer_on_the_case(place):
    place.peer.user = f.UserFactory(role=roles.PEER)
    place.peer.save()
    return place.peer.user


WHO = {
    "programme lead": (lambda place: f.programme_lead(), 403),
    "peer on the case": (_peer_on_the_case, 403),
    "another peer": (lambda place: f.peer_user(), 404),  # a case they cannot see
    "anonymous": (lambda place: None, 403),
}


@pytest.mark.parametrize("who", sorted(WHO))
def test_only_managers_and_admins_revoke(place, who):
    make_user, status = WHO[who]
    nonce = place.link_nonce

    response = f.api_client(make_user(place)).post(url(place), {}, format="json")

    assert response.status_code == status
    assert nonce_of(place) == nonce


def test_bad_input_is_a_400_and_a_place_not_invited_a_409(place):
    api = f.api_client(f.manager())

    assert api.post(url(place), {"resend": "perhaps"}, format="json").status_code == 400
    assert api.post(url(place), {"send": True}, format="json").status_code == 400
    accepted = f.place(place.challenge)
    refused = api.post(url(accepted), {}, format="json")

    assert refused.status_code == 409
    assert refused.json()["unmet"] == [
        "only an open invitation has a link to revoke; this place is accepted"
    ]
    assert not CaseEvent.objects.exists()
