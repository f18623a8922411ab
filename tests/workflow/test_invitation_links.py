"""The invitation link (DESIGN.md §5): GET only shows, POST answers once; a bad, tampered,
used, lapsed or revoked link, or one whose case is over, gets one page that never says which."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from core.errors import Refused
from core.signed_links import make_token
from tests.support.races import race, real_race
from tests.workflow import factories as f
from workflow import invitation_answers, team_services
from workflow.invitation_links import PURPOSE, invitation_path, invitation_token
from workflow.models import Assignment, CaseEvent, State
from workflow.services import challenge_transition
from workflow.timeline import timeline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2_june_2025")]

TODAY = datetime.date(2025, 6, 2)
DEAD_LINK = "This link does not work"
Status = Assignment.Status


@pytest.fixture
def invited():
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    return f.place(case, status=Status.INVITED, role=Assignment.Role.LEAD_OFFICER)


def state_of(place) -> tuple:
    place.refresh_from_db()
    return place.status, place.interests, place.link_nonce, CaseEvent.objects.count()


def accept(client, place_or_path, interests="None: I have never worked in Sussex"):
    path = place_or_path if isinstance(place_or_path, str) else invitation_path(place_or_path)
    return client.post(path, {"answer": "accept", "accept-interests": interests})


def main(response) -> str:
    """The page's main content (the part that says what happened)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_two_gets_change_nothing_and_one_post_accepts_once(client, invited):
    path = invitation_path(invited)
    before = state_of(invited)

    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
        assert state_of(invited) == before
    text = page.content.decode()
    for fact in ["Adur", "Corporate peer challenge", "Lead officer peer", "Monday 16 June 2025"]:
        assert fact in text
    assert page["Cache-Control"].startswith("max-age=0")

    answered = accept(client, path)

    assert answered.status_code == 200
    assert "You have joined the team" in answered.content.decode()
    invited.refresh_from_db()
    assert (invited.status, invited.interests) == (
        Status.ACCEPTED,
        "None: I have never worked in Sussex",
    )
    event = CaseEvent.objects.get(action="workflow.assignment.accepted")
    assert (event.actor, event.data["answered_by"]) == (None, "link")
    # Used: the second POST and any later GET are the one dead-link page, changing nothing.
    after = state_of(invited)
    for response in (accept(client, path, "something else"), client.get(path)):
        assert response.status_code == 404
        assert DEAD_LINK in response.content.decode()
    assert state_of(invited) == after


def test_the_timeline_says_the_peer_answered_by_link(client, invited):
    client.post(invitation_path(invited), {"answer": "decline", "decline-decline_reason": "dates"})

    [entry] = [e for e in timeline(invited.challenge) if e.event.action.endswith(".declined")]
    assert entry.what == f"{invited.peer.name}: declined the invitation"
    assert entry.who == invited.peer.name
    assert ("Answered by", "the invitation link in their email") in entry.details
    assert ("Decline reason", "not available on the dates") in entry.details


def test_a_peer_with_an_account_answers_as_themselves(client):
    user = f.peer_user()
    place = f.place(
        f.PeerChallengeFactory(state=State.BOOKED), peer=user.peer, status=Status.INVITED
    )

    accept(client, place)

    assert CaseEvent.objects.get(action="workflow.assignment.accepted").actor == user


def test_declining_takes_an_optional_reason_and_note(client, invited):
    response = client.post(
        invitation_path(invited),
        {
            "answer": "decline",
            "decline-decline_reason": "workload",
            "decline-decline_note": "Budget season",
        },
    )

    assert "You have declined the invitation" in response.content.decode()
    invited.refresh_from_db()
    assert (invited.status, invited.decline_reason, invited.decline_note) == (
        Status.DECLINED,
        "workload",
        "Budget season",
    )


def test_declining_with_nothing_said_is_fine(client, invited):
    client.post(invitation_path(invited), {"answer": "decline"})

    invited.refresh_from_db()
    assert (invited.status, invited.decline_reason) == (Status.DECLINED, "")


def test_accepting_without_a_declaration_shows_the_form_again_with_the_error(client, invited):
    before = state_of(invited)

    response = accept(client, invited, "   ")

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert '<a href="#id_accept-interests">Enter the declaration of interests</a>' in html
    assert html.count("<title>Error: ") == 1
    assert state_of(invited) == before


def test_a_declaration_too_long_is_a_form_error(client, invited):
    response = accept(client, invited, "x" * 2001)

    assert "at most 2000 characters" in response.content.decode()
    assert state_of(invited)[0] == Status.INVITED


def test_an_unknown_answer_changes_nothing(client, invited):
    before = state_of(invited)

    response = client.post(invitation_path(invited), {"answer": "withdraw"})

    assert response.status_code == 404
    assert state_of(invited) == before


def test_a_refusal_is_said_in_words_not_a_server_error(client, invited, monkeypatch):
    def refuse(**kwargs):
        raise Refused(["the team of this case is being changed"])

    monkeypatch.setattr(invitation_answers.team_services, "assignment_transition", refuse)

    response = accept(client, invited)

    assert response.status_code == 200
    assert "the team of this case is being changed" in response.content.decode()
    assert state_of(invited)[0] == Status.INVITED


def test_csrf_is_checked_for_a_visitor_who_is_not_signed_in(invited):
    browser = Client(enforce_csrf_checks=True)
    path = invitation_path(invited)

    assert accept(browser, path).status_code == 403
    page = browser.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    answered = browser.post(
        path, {"answer": "accept", "accept-interests": "none", "csrfmiddlewaretoken": token}
    )

    assert answered.status_code == 200
    assert state_of(invited)[0] == Status.ACCEPTED


# --- every dead link looks the same ---------------------------------------------------------


def _tampered(place):
    token = invitation_token(place)
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


def _other_purpose(place):
    other = f.place(place.challenge, status=Status.INVITED)
    return make_token("survey-invitation", other.pk, other.link_nonce)


def _other_place_with_this_nonce(place):
    other = f.place(place.challenge, status=Status.INVITED)
    return make_token(PURPOSE, other.pk, place.link_nonce)


def _step(name: str, **inputs):
    return lambda place: team_services.assignment_transition(
        assignment=place, name=name, actor=None, **inputs
    )


def _withdraw_case(place):
    challenge_transition(challenge=place.challenge, name="withdraw", actor=None, reason="Budget")


def _revoke(place):
    team_services.assignment_revoke_link(assignment=place, actor=f.manager())


def _link_then(change):
    """The link as it was sent, then `change` done to its place."""

    def dead(place) -> str:
        token = invitation_token(place)
        change(place)
        return token

    return dead


DEAD = {
    "not a token": lambda place: "not-a-token",
    "tampered": _tampered,
    "signed for another purpose": _other_purpose,
    "another place's id": _other_place_with_this_nonce,
    "used": _link_then(_step("decline")),
    "revoked": _link_then(_revoke),
    "invitation withdrawn": _link_then(_step("withdraw")),
    "case withdrawn": _link_then(_withdraw_case),
}


@pytest.mark.parametrize("how", sorted(DEAD))
def test_every_dead_link_gets_the_same_page_and_a_post_changes_nothing(client, invited, how):
    reference = client.get("/invitations/not-a-token/")
    token = DEAD[how](invited)
    before = state_of(invited), Assignment.objects.filter(status=Status.ACCEPTED).count()

    got = client.get(f"/invitations/{token}/")
    posted = client.post(f"/invitations/{token}/", {"answer": "accept", "accept-interests": "none"})

    for response in (got, posted):
        assert response.status_code == 404
        assert main(response) == main(reference)
    assert (state_of(invited), Assignment.objects.filter(status=Status.ACCEPTED).count()) == before


def test_a_link_lapses_after_its_respond_by_day(client, invited):
    path = invitation_path(invited)
    invited.respond_by = TODAY + datetime.timedelta(days=3)
    invited.save()

    with time_machine.travel(
        datetime.datetime(2025, 6, 5, 22, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert client.get(path).status_code == 200  # 23:30 in London, still the 5th
    with time_machine.travel(
        datetime.datetime(2025, 6, 5, 23, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert client.get(path).status_code == 404
        assert accept(client, path).status_code == 404
    assert state_of(invited)[0] == Status.INVITED


def test_a_page_opened_before_a_revocation_cannot_answer_after_it(client, invited):
    path = invitation_path(invited)
    assert client.get(path).status_code == 200
    _revoke(invited)

    assert accept(client, path).status_code == 404
    assert state_of(invited)[0] == Status.INVITED


# --- revoking -------------------------------------------------------------------------------


def test_revoking_kills_the_old_link_and_the_new_one_works(client, invited, actor):
    old = invitation_path(invited)
    nonce = invited.link_nonce

    team_services.assignment_revoke_link(assignment=invited, actor=actor)

    invited.refresh_from_db()
    assert invited.link_nonce != nonce
    assert client.get(old).status_code == 404
    assert accept(client, invitation_path(invited)).status_code == 200
    event = CaseEvent.objects.get(action="workflow.assignment.link_revoked")
    assert (event.actor, event.data) == (actor, {"assignment": invited.pk, "peer": invited.peer_id})
    assert timeline(invited.challenge)[0].what == f"{invited.peer.name}: invitation link revoked"


@pytest.mark.parametrize("status", [Status.RESERVE, Status.ACCEPTED, Status.DECLINED])
def test_only_an_open_invitation_has_a_link_to_revoke(status, actor):
    place = f.place(f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY), status=status)
    nonce = place.link_nonce

    with pytest.raises(Refused, match="only an open invitation has a link to revoke"):
        team_services.assignment_revoke_link(assignment=place, actor=actor)

    place.refresh_from_db()
    assert place.link_nonce == nonce
    assert not CaseEvent.objects.exists()


def test_a_lapsed_invitation_is_not_sent_again(invited, actor):
    later = datetime.datetime(2025, 7, 1, 9, tzinfo=datetime.UTC)
    with (
        time_machine.travel(later, tick=False),
        pytest.raises(Refused, match="put its respond-by date back first"),
    ):
        team_services.assignment_revoke_link(assignment=invited, actor=actor, resend=True)


# --- races (PostgreSQL) ---------------------------------------------------------------------


@real_race
def test_two_answers_posted_at_once_one_wins_and_the_other_gets_the_dead_link_page():
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    place = f.place(case, status=Status.INVITED)
    path = invitation_path(place)

    def answer(name: str, data: dict):
        def job(start):
            browser = Client()
            start()
            return browser.post(path, {"answer": name, **data}).status_code

        return job

    results = race(
        [
            answer("accept", {"accept-interests": "none"}),
            answer("decline", {"decline-decline_reason": "dates"}),
        ]
    )

    assert sorted(results) == [200, 404]
    place.refresh_from_db()
    answered = ["workflow.assignment.accepted", "workflow.assignment.declined"]
    assert CaseEvent.objects.filter(action__in=answered).count() == 1
    assert place.status == (Status.ACCEPTED if results[0] == 200 else Status.DECLINED)


@real_race
def test_an_answer_racing_a_revocation_either_lands_before_it_or_not_at_all():
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    place = f.place(case, status=Status.INVITED)
    path = invitation_path(place)
    manager = f.manager()

    def accept_job(start):
        browser = Client()
        start()
        return browser.post(path, {"answer": "accept", "accept-interests": "none"}).status_code

    def revoke_job(start):
        fresh = Assignment.objects.get(pk=place.pk)
        start()
        try:
            team_services.assignment_revoke_link(assignment=fresh, actor=manager)
        except Refused:
            return "refused"  # the answer got there first: no open invitation to revoke
        return "revoked"

    accepted, revoked = race([accept_job, revoke_job])

    place.refresh_from_db()
    assert (accepted, revoked) in [(200, "refused"), (404, "revoked")]
    assert place.status == (Status.ACCEPTED if accepted == 200 else Status.INVITED)
