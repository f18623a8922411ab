"""Who may do what through the API (DESIGN.md §8): managers and admins read and write every
case; programme leads read every case and write nothing; peers read only the cases they are on;
anonymous users get nothing."""

import pytest
from django.contrib.auth.models import User

from tests.workflow.factories import (
    PeerChallengeFactory,
    UserFactory,
    api_client,
    manager,
    peer_user,
    place,
    programme_lead,
)
from workflow import roles
from workflow.models import Assignment, State

pytestmark = pytest.mark.django_db
DENIED = (401, 403)


def on_case(user: User, challenge, status=Assignment.Status.ACCEPTED) -> User:
    place(challenge, peer=user.peer, status=status)
    return user


@pytest.fixture
def case():
    return PeerChallengeFactory(state=State.BOOKED)


@pytest.fixture
def other_case():
    return PeerChallengeFactory()


@pytest.fixture
def users(case):
    return {
        "manager": manager(),
        "admin": UserFactory(role=roles.ADMIN),
        "superuser": UserFactory(is_superuser=True),
        "programme lead": programme_lead(),
        "peer on the case": on_case(peer_user(), case),
        "peer not on the case": peer_user(),
        "peer who declined": on_case(peer_user(), case, Assignment.Status.DECLINED),
        "anonymous": None,
    }


def assert_status(users, who, method, url, expected, body=None) -> None:
    client = api_client(users[who])
    status = getattr(client, method)(url, body or {}, format="json").status_code
    assert status in (expected if isinstance(expected, tuple) else (expected,)), (who, url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("manager", 200),
        ("admin", 200),
        ("superuser", 200),
        ("programme lead", 200),
        ("peer on the case", 200),
        ("peer not on the case", 404),
        ("peer who declined", 404),
        ("anonymous", DENIED),
    ],
)
def test_reading_a_case_and_its_timeline(users, case, who, expected):
    assert_status(users, who, "get", f"/api/challenges/{case.pk}/", expected)
    assert_status(users, who, "get", f"/api/challenges/{case.pk}/events/", expected)


@pytest.mark.parametrize(
    ("who", "sees_other_case"),
    [("manager", True), ("programme lead", True), ("peer on the case", False)],
)
def test_list_shows_each_role_its_cases(users, case, other_case, who, sees_other_case):
    response = api_client(users[who]).get("/api/challenges/")

    found = {row["id"] for row in response.data["results"]}
    assert case.pk in found
    assert (other_case.pk in found) is sees_other_case


def test_peer_not_on_any_case_lists_nothing(users, case):
    response = api_client(users["peer not on the case"]).get("/api/challenges/")

    assert response.data["count"] == 0


def test_anonymous_cannot_list(users):
    assert_status(users, "anonymous", "get", "/api/challenges/", DENIED)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("manager", 200),
        ("admin", 200),
        ("programme lead", 403),
        ("peer on the case", 403),
        ("peer not on the case", 404),  # a case they may not see: 404 for every method
        ("anonymous", DENIED),
    ],
)
def test_editing_a_case(users, case, who, expected):
    url = f"/api/challenges/{case.pk}/"

    assert_status(users, who, "patch", url, expected, {"leader_name": "New"})
    case.refresh_from_db()
    assert (case.leader_name == "New") is (expected == 200)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("manager", 200),
        ("programme lead", 403),
        ("peer on the case", 403),
        ("peer not on the case", 404),  # a case they may not see: 404 for every method
        ("anonymous", DENIED),
    ],
)
def test_firing_a_transition(users, case, who, expected):
    url = f"/api/challenges/{case.pk}/transitions/postpone/"

    assert_status(users, who, "post", url, expected, {"reason": "Elections"})
    case.refresh_from_db()
    assert (case.state == State.POSTPONED) is (expected == 200)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("manager", 201), ("programme lead", 403), ("peer on the case", 403), ("anonymous", DENIED)],
)
def test_creating_a_case(users, who, expected):
    body = {"host": "ADU", "type": "finance"}

    assert_status(users, who, "post", "/api/challenges/", expected, body)


def test_only_managers_are_offered_transitions(users, case):
    def offered(who):
        response = api_client(users[who]).get(f"/api/challenges/{case.pk}/")
        return [t["name"] for t in response.data["available_transitions"]]

    assert "postpone" in offered("manager")
    assert offered("programme lead") == []
    assert offered("peer on the case") == []


def test_token_login_gives_a_token_that_authenticates(users):
    peer = users["peer on the case"]
    anonymous = api_client()

    token = anonymous.post(
        "/api/auth/token/", {"username": peer.username, "password": "pw-123456!"}, format="json"
    ).data["token"]
    wrong = anonymous.post(
        "/api/auth/token/", {"username": peer.username, "password": "guess"}, format="json"
    )

    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get("/api/challenges/").data["count"] == 1
    assert wrong.status_code == 400


def test_token_login_is_rate_limited_against_guessing(users):
    # django-axes locks the username out at the 10th failure (tests/security has the rest)
    anonymous = api_client()
    guess = {"username": users["manager"].username, "password": "guess"}

    statuses = [anonymous.post("/api/auth/token/", guess).status_code for _ in range(11)]

    assert statuses[:9] == [400] * 9
    assert statuses[9:] == [429, 429]
