"""The team endpoints: GET/POST /api/challenges/{id}/team/, GET/PATCH one place, and one POST
URL per declared transition of a place. Same access as the case (a case you cannot see is a
404; only managers and admins change anything); 400 for bad input, 409 for a refusal."""

import datetime

import pytest

from tests.workflow import factories as f
from tests.workflow.test_team_transitions import DESIGN, READY, WRONG
from workflow.models import Assignment, Peer, State
from workflow.team_transitions import TEAM_TRANSITIONS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2_june_2025")]

Status = Assignment.Status
TODAY = datetime.date(2025, 6, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.ONSITE)


@pytest.fixture
def api():
    return f.api_client(f.manager())


def team_url(case) -> str:
    return f"/api/challenges/{case.pk}/team/"


def place_url(place) -> str:
    return f"/api/challenges/{place.challenge_id}/team/{place.pk}/"


def step_url(place, name: str) -> str:
    return f"{place_url(place)}transitions/{name}/"


def body(name: str) -> dict:
    return {k: str(v) for k, v in READY[name].items()}


# --- the team list ---------------------------------------------------------------------------


def test_the_team_lists_leads_first_with_each_places_answer_and_steps(case, api):
    shadow = f.place(case, role=Assignment.Role.SHADOW, status=Status.INVITED)
    [lead_member, lead_officer, officer] = f.full_team(case, size=3)

    response = api.get(team_url(case))

    assert response.status_code == 200
    assert [p["id"] for p in response.data] == [lead_member.pk, lead_officer.pk, officer.pk,
                                                shadow.pk]  # fmt: skip
    first = response.data[0]
    assert first["role_label"] == "Lead member peer"
    assert first["interests"] == "none"
    assert [t["name"] for t in first["available_transitions"]] == ["withdraw", "complete"]
    assert set(first) >= {"respond_by", "invited_on", "decline_reason", "days", "kind"}


def test_a_programme_lead_reads_the_team_but_is_offered_no_steps(case):
    f.full_team(case, size=3)
    response = f.api_client(f.programme_lead()).get(team_url(case))
    assert response.status_code == 200
    assert all(p["available_transitions"] == [] for p in response.data)


def test_a_peer_reads_the_team_of_a_case_they_are_on_and_nothing_else(case):
    peer = f.peer_user()
    mine = f.place(case, peer=peer.peer)
    other = f.PeerChallengeFactory(host=f.council("BIR"))
    theirs = f.place(other)
    api = f.api_client(peer)

    assert api.get(team_url(case)).status_code == 200
    assert api.get(place_url(mine)).status_code == 200
    for url in (team_url(other), place_url(theirs), step_url(theirs, "withdraw")):
        assert api.get(url).status_code == 404 or api.post(url, {}).status_code == 404


def test_a_peer_changes_nothing_here_not_even_their_own_place(case):
    peer = f.peer_user()
    mine = f.place(case, peer=peer.peer, status=Status.INVITED)
    api = f.api_client(peer)

    answered = api.post(step_url(mine, "accept"), {"interests": "none"}, format="json")
    added = api.post(team_url(case), {"peer": f.PeerFactory().pk, "role": "officer"})
    edited = api.patch(place_url(mine), {"role": "specialist"}, format="json")

    assert (answered.status_code, added.status_code, edited.status_code) == (403, 403, 403)
    assert Assignment.objects.get(pk=mine.pk).status == Status.INVITED
    assert not case.events.exists()


def test_anonymous_gets_nothing():
    case = f.PeerChallengeFactory()
    assert f.api_client().get(team_url(case)).status_code in (401, 403)


def test_an_unknown_case_or_a_place_of_another_case_is_404(case, api):
    place = f.place(f.PeerChallengeFactory(host=f.council("BIR")))
    assert api.get("/api/challenges/999999/team/").status_code == 404
    assert api.get(f"/api/challenges/{case.pk}/team/{place.pk}/").status_code == 404
    url = f"/api/challenges/{case.pk}/team/{place.pk}/transitions/withdraw/"
    assert api.post(url, {}, format="json").status_code == 404
    assert api.post(step_url(place, "promote"), {}, format="json").status_code == 404


# --- adding a peer -----------------------------------------------------------------------------


def test_a_manager_invites_a_peer_in_a_role(case, api):
    peer = f.PeerFactory(kind=Peer.Kind.MEMBER)

    response = api.post(
        team_url(case),
        {"peer": peer.pk, "role": "lead_member", "respond_by": "2025-06-20"},
        format="json",
    )

    assert response.status_code == 201, response.data
    assert (response.data["status"], response.data["role"]) == ("invited", "lead_member")
    assert (response.data["invited_on"], response.data["respond_by"]) == (
        "2025-06-02",
        "2025-06-20",
    )
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["workflow.assignment.added", "workflow.assignment.invited"]


def test_a_manager_adds_a_reserve(case, api):
    response = api.post(
        team_url(case),
        {"peer": f.PeerFactory().pk, "role": "officer", "status": "reserve"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert (response.data["status"], response.data["respond_by"]) == ("reserve", None)
    assert [t["name"] for t in response.data["available_transitions"]] == ["invite"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"peer": None, "role": "officer"}, "peer"),
        ({"peer": 999999, "role": "officer"}, "peer"),
        ({"role": "captain"}, "role"),
        ({"role": "officer", "status": "accepted"}, "status"),
        ({"role": "officer", "respond_by": "2025-02-30"}, "respond_by"),
        ({"role": "officer", "respond_by": "2025-06-01"}, "respond_by"),
        ({"role": "lead_member"}, "role"),  # an officer peer
        ({"role": "officer", "interests": "none"}, "interests"),
    ],
)
def test_bad_input_when_adding_is_a_400_on_its_field_and_writes_nothing(case, api, payload, field):
    payload = {"peer": f.PeerFactory().pk, **payload}
    payload = {k: v for k, v in payload.items() if v is not None}

    response = api.post(team_url(case), payload, format="json")

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not case.assignments.exists()
    assert not case.events.exists()


def test_adding_to_a_closed_case_is_a_409(api):
    case = f.PeerChallengeFactory(state=State.CLOSED)
    response = api.post(team_url(case), {"peer": f.PeerFactory().pk, "role": "officer"})
    assert response.status_code == 409
    assert response.data["unmet"] == ["the team of a closed case cannot change"]


# --- editing a place ---------------------------------------------------------------------------


def test_a_manager_changes_a_role_and_puts_the_respond_by_date_back(case, api):
    place = f.place(case, status=Status.INVITED)

    response = api.patch(
        place_url(place), {"role": "specialist", "respond_by": "2025-06-30"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert (response.data["role"], response.data["respond_by"]) == ("specialist", "2025-06-30")


@pytest.mark.parametrize(
    ("payload", "status"),
    [({"status": "accepted"}, 400), ({"days": "3"}, 400), ({"days": "3.3"}, 400)],
)
def test_a_status_or_a_field_of_another_status_is_not_edited(case, api, payload, status):
    place = f.place(case, status=Status.ACCEPTED)
    response = api.patch(place_url(place), payload, format="json")
    assert response.status_code == status
    assert not case.events.exists()


# --- transitions: one URL each ------------------------------------------------------------------


def test_there_is_one_url_per_declared_step(case, api):
    place = f.place(case, status=Status.RESERVE)
    for name in TEAM_TRANSITIONS:
        assert api.post(step_url(place, name), {}, format="json").status_code != 404


@pytest.mark.parametrize("name", sorted(DESIGN))
def test_each_step_is_allowed_through_the_api(case, api, name):
    source = sorted(DESIGN[name][0])[0]
    overdue = {"invited_on": TODAY - 20 * DAY, "respond_by": TODAY - DAY}
    place = f.place(case, status=source, **(overdue if name == "expire" else {}))

    response = api.post(step_url(place, name), body(name), format="json")

    assert response.status_code == 200, response.data
    assert response.data["status"] == DESIGN[name][1]
    assert case.events.get().action == TEAM_TRANSITIONS[name].action


@pytest.mark.parametrize(("name", "source"), WRONG[::3])
def test_a_step_from_a_wrong_status_is_a_409(case, api, name, source):
    place = f.place(case, status=source)

    response = api.post(step_url(place, name), body(name), format="json")

    assert response.status_code == 409
    assert response.data["unmet"][0].startswith(f"cannot {TEAM_TRANSITIONS[name].label.lower()}")
    assert Assignment.objects.get(pk=place.pk).status == source


@pytest.mark.parametrize(
    ("name", "payload", "field"),
    [
        ("accept", {}, "interests"),
        ("accept", {"interests": ""}, "interests"),
        ("complete", {"days": "2.25"}, "days"),
        ("complete", {"days": "0"}, "days"),
        ("complete", {}, "days"),
        ("decline", {"decline_reason": "bored"}, "decline_reason"),
        ("withdraw", {"reason": "x" * 2001}, "reason"),
        ("accept", {"interests": "none", "status": "accepted"}, "status"),
    ],
)
def test_bad_input_to_a_step_is_a_400_on_its_field(case, api, name, payload, field):
    source = Status.ACCEPTED if name in ("complete", "withdraw") else Status.INVITED
    place = f.place(case, status=source)

    response = api.post(step_url(place, name), payload, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert Assignment.objects.get(pk=place.pk).status == source


def test_a_guard_refusal_is_a_409_in_words(case, api):
    place = f.place(case, status=Status.INVITED)  # respond-by two weeks ahead

    response = api.post(step_url(place, "expire"), {}, format="json")

    assert response.status_code == 409
    assert response.data == {
        "detail": "refused",
        "unmet": ["the invitation is open until 16 June 2025"],
    }


def test_the_case_shows_its_team_with_roles_and_statuses(case, api):
    f.full_team(case, size=3)
    f.place(case, role=Assignment.Role.SPECIALIST, status=Status.DECLINED)

    team = api.get(f"/api/challenges/{case.pk}/").data["team"]

    assert [(m["role"], m["status"]) for m in team] == [
        ("lead_member", "accepted"),
        ("lead_officer", "accepted"),
        ("officer", "accepted"),
        ("specialist", "declined"),
    ]
