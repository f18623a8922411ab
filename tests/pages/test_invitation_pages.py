"""A signed-in peer's pages: My invitations (the link page's forms, for each open invitation) and
My challenges (the teams they are on)."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from tests.workflow import factories as f
from workflow.models import Assignment, CaseEvent, State

pytestmark = pytest.mark.django_db
Status = Assignment.Status
DAY = datetime.timedelta(days=1)


@pytest.fixture
def peer(client):
    user = f.peer_user(first_name="Sam", last_name="Peer")
    client.force_login(user)
    return user


def invited(peer, **kwargs) -> Assignment:
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY, **kwargs)
    return f.place(case, peer=peer.peer, status=Status.INVITED)


def test_my_invitations_lists_each_open_invitation_with_its_forms(client, peer):
    first = invited(peer, host=f.council("ADU"))
    second = invited(peer, host=f.council("BIR"))
    f.place(f.PeerChallengeFactory(), peer=peer.peer, status=Status.DECLINED)
    someone_elses = f.place(f.PeerChallengeFactory(host=f.council("CAM")), status=Status.INVITED)

    page = client.get("/my/invitations/").content.decode()

    assert "2 invitations waiting for your answer" in page
    for place in (first, second):
        assert f'name="place" value="{place.pk}"' in page
        assert f'id="id_accept-{place.pk}-interests"' in page
        assert f'id="id_decline-{place.pk}-decline_reason_0"' in page
    assert someone_elses.challenge.host.name not in page


def test_accepting_on_my_invitations_joins_the_team(client, peer):
    place = invited(peer)

    response = client.post(
        "/my/invitations/",
        {"place": place.pk, "answer": "accept", f"accept-{place.pk}-interests": "none"},
        follow=True,
    )

    assert response.redirect_chain == [("/my/challenges/", 302)]
    assert "You have joined the team for the Corporate peer challenge at Adur" in (
        response.content.decode()
    )
    assert place.challenge.reference in response.content.decode()
    place.refresh_from_db()
    assert (place.status, place.interests) == (Status.ACCEPTED, "none")
    event = CaseEvent.objects.get(action="workflow.assignment.accepted")
    assert event.actor == peer
    assert "answered_by" not in event.data


def test_declining_on_my_invitations(client, peer):
    place = invited(peer)

    response = client.post(
        "/my/invitations/",
        {"place": place.pk, "answer": "decline", f"decline-{place.pk}-decline_reason": "conflict"},
        follow=True,
    )

    assert "You have declined the invitation" in response.content.decode()
    assert "You have no invitations waiting for an answer" in response.content.decode()
    place.refresh_from_db()
    assert (place.status, place.decline_reason) == (Status.DECLINED, "conflict")


def test_a_missing_declaration_is_shown_against_that_invitation(client, peer):
    invited(peer, host=f.council("BIR"))
    place = invited(peer)

    response = client.post(
        "/my/invitations/",
        {"place": place.pk, "answer": "accept", f"accept-{place.pk}-interests": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<a href="#id_accept-{place.pk}-interests">Enter the declaration of interests</a>' in html
    )
    assert html.count("govuk-error-message") == 1
    place.refresh_from_db()
    assert place.status == Status.INVITED


@pytest.mark.parametrize("whose", ["someone else's", "answered", "no such", "not a number"])
def test_only_your_own_open_invitations_can_be_answered(client, peer, whose):
    theirs = f.place(f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY), status=Status.INVITED)
    answered = f.place(f.PeerChallengeFactory(host=f.council("BIR")), peer=peer.peer)
    pk = {"someone else's": theirs.pk, "answered": answered.pk, "no such": 999999}.get(whose, "x")

    response = client.post(
        "/my/invitations/", {"place": pk, "answer": "accept", f"accept-{pk}-interests": "none"}
    )

    assert response.status_code == 404
    assert not CaseEvent.objects.exists()


def test_a_lapsed_invitation_is_not_offered(client, peer):
    place = invited(peer)
    place.respond_by = place.invited_on + DAY
    place.save()

    with time_machine.travel(place.respond_by + 2 * DAY):
        page = client.get("/my/invitations/").content.decode()

    assert "You have no invitations waiting for an answer" in page


def test_my_challenges_shows_the_visits_roles_managers_and_days(client, peer):
    manager = f.manager(first_name="Amira", last_name="Khan")
    on = f.place(
        f.PeerChallengeFactory(state=State.PREPARATION, manager=manager),
        peer=peer.peer,
        role=Assignment.Role.LEAD_OFFICER,
    )
    done = f.place(
        f.PeerChallengeFactory(state=State.REPORTING, host=f.council("BIR")),
        peer=peer.peer,
        status=Status.COMPLETED,
        days=Decimal("3.5"),
    )
    invitation = invited(peer, host=f.council("CAM"))

    page = client.get("/my/challenges/").content.decode()

    for text in (on.challenge.reference, "Lead officer peer", "Amira Khan", "Not yet"):
        assert text in page
    assert done.challenge.reference in page
    assert ">3.5<" in page
    assert invitation.challenge.reference not in page  # it waits in My invitations
    assert page.index(done.challenge.reference) < page.index(on.challenge.reference)  # by date


@pytest.mark.parametrize("url", ["/my/invitations/", "/my/challenges/"])
def test_a_user_who_is_no_peer_is_told_so(client, url):
    client.force_login(f.manager())

    page = client.get(url).content.decode()

    assert "Your account is not linked to a peer in the peer pool" in page


def test_peers_find_their_pages_in_the_navigation(client, peer):
    page = client.get("/my/challenges/").content.decode()

    assert 'href="/my/invitations/"' in page
    assert 'aria-current="page"' in page
