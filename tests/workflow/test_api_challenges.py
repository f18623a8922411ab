"""Cases through the API: create, list with filters, read, edit. Permissions per role are in
test_permissions.py; transitions in test_api_transitions.py."""

import datetime

import pytest

from tests.workflow.factories import (
    PeerChallengeFactory,
    UserFactory,
    api_client,
    case_payload,
    challenge_type,
    council,
    full_team,
    manager,
    programme_lead,
)
from workflow import services
from workflow.models import CaseEvent, State
from workflow.serializers import ChallengeInput

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def user():
    return manager()


@pytest.fixture
def client(user):
    return api_client(user)


def new_case(**overrides) -> dict:
    return case_payload(
        **{"local_objectives": ["Test the medium-term financial plan"], **overrides}
    )


# --- create ------------------------------------------------------------------------------


def test_manager_creates_an_enquiry_and_becomes_its_manager(client, user):
    response = client.post("/api/challenges/", new_case(), format="json")

    assert response.status_code == 201, response.data
    assert response.data["state"] == "enquiry"
    assert response.data["host"] == {"code": "ADU", "name": "Adur"}
    assert response.data["type"]["slug"] == "corporate"
    assert response.data["manager"]["id"] == user.pk
    assert response.data["reference"] == f"PC-{response.data['id']:05d}"
    event = CaseEvent.objects.get(challenge_id=response.data["id"])
    assert (event.action, event.actor) == ("workflow.challenge.created", user)


def test_new_case_lists_what_booking_still_needs(client):
    response = client.post("/api/challenges/", new_case(), format="json")

    book = next(t for t in response.data["available_transitions"] if t["name"] == "book")
    assert book["ready"] is False
    assert "leader contact missing (name and email)" in book["unmet"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"host": "ZZZ"}, "host"),
        ({"type": "no-such-type"}, "type"),
        ({"host": None}, "host"),
        ({"onsite_end": "2026-05-31"}, "onsite_end"),
        ({"onsite_start": "2026-02-30"}, "onsite_start"),
        ({"scope_components": ["local-context", "astrology"]}, "scope_components"),
        ({"scope_components": ["local-context", "local-context"]}, "scope_components"),
        ({"local_objectives": ["Good", "   "]}, "local_objectives"),
        ({"local_objectives": "not a list"}, "local_objectives"),
        ({"chief_executive_email": "not-an-email"}, "chief_executive_email"),
        ({"state": "closed"}, "state"),
        ({"parent": 999999}, "parent"),
    ],
)
def test_bad_input_on_create_is_400_naming_the_field(client, overrides, field):
    response = client.post("/api/challenges/", new_case(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.data
    assert not CaseEvent.objects.exists()


def test_missing_host_and_type_are_both_reported(client):
    response = client.post("/api/challenges/", {}, format="json")

    assert response.status_code == 400
    assert {"host", "type"} <= set(response.data)


def test_only_a_manager_can_be_made_a_case_manager(client):
    someone = UserFactory()

    response = client.post("/api/challenges/", new_case(manager=someone.pk), format="json")

    assert response.status_code == 400
    assert "manager" in response.data


def test_a_non_object_body_is_400_not_500(client):
    response = client.post("/api/challenges/", ["ADU"], format="json")

    assert response.status_code == 400


# --- list --------------------------------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


def test_list_filters_by_state_type_region_and_manager(client):
    booked = PeerChallengeFactory(state=State.BOOKED)
    finance = PeerChallengeFactory(challenge_type=challenge_type("finance"))
    midlands = PeerChallengeFactory(host=council("BIR"))

    assert ids(client.get("/api/challenges/", {"state": "booked"})) == {booked.pk}
    assert ids(client.get("/api/challenges/", {"type": "finance"})) == {finance.pk}
    assert ids(client.get("/api/challenges/", {"region": "West Midlands"})) == {midlands.pk}
    assert ids(client.get("/api/challenges/", {"manager": booked.manager_id})) == {booked.pk}
    both = client.get("/api/challenges/", [("state", "booked"), ("state", "enquiry")])
    assert ids(both) == {booked.pk, finance.pk, midlands.pk}


def test_financial_year_filter_runs_from_1_april_to_31_march(client):
    last_day = PeerChallengeFactory(onsite_start=D(2026, 3, 31))
    first_day = PeerChallengeFactory(onsite_start=D(2025, 4, 1))
    next_year = PeerChallengeFactory(onsite_start=D(2026, 4, 1))
    PeerChallengeFactory(onsite_start=D(2025, 3, 31))

    assert ids(client.get("/api/challenges/", {"financial_year": 2025})) == {
        first_day.pk,
        last_day.pk,
    }
    assert ids(client.get("/api/challenges/", {"financial_year": 2026})) == {next_year.pk}


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("financial_year", "abc"),
        ("financial_year", "0"),
        ("financial_year", "99999"),
        ("state", "nonsense"),
        ("manager", "1e100"),
        ("manager", "99999999999999999999"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(client, param, value):
    response = client.get("/api/challenges/", {param: value})

    assert response.status_code == 400
    assert param in response.data


def test_list_queries_do_not_grow_with_the_number_of_cases(client, django_assert_max_num_queries):
    for _ in range(2):
        full_team(PeerChallengeFactory(parent=PeerChallengeFactory()))
    with django_assert_max_num_queries(8) as few:
        client.get("/api/challenges/")
    for _ in range(5):
        full_team(PeerChallengeFactory(parent=PeerChallengeFactory()))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/challenges/")

    assert response.data["count"] == 14
    assert all(len(row["team"]) in (0, 4) for row in response.data["results"])


def test_list_shows_each_cases_transitions_without_running_their_guards(client):
    postponed = PeerChallengeFactory(state=State.POSTPONED, postponed_from=State.BOOKED)
    PeerChallengeFactory(state=State.CLOSED, host=council("SAL"))

    rows = {r["id"]: r for r in client.get("/api/challenges/").data["results"]}

    assert rows[postponed.pk]["available_transitions"] == [
        {"name": "resume", "label": "Resume", "target": "booked"},
        {"name": "withdraw", "label": "Withdraw", "target": "withdrawn"},
    ]
    assert [r["available_transitions"] for r in rows.values() if r["state"] == "closed"] == [[]]


def test_list_offers_no_transitions_to_a_programme_lead():
    PeerChallengeFactory()

    [row] = api_client(programme_lead()).get("/api/challenges/").data["results"]

    assert row["available_transitions"] == []


# --- retrieve ----------------------------------------------------------------------------


def test_case_shows_its_team_leads_first(client):
    challenge = PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    team = full_team(challenge)

    response = client.get(f"/api/challenges/{challenge.pk}/")

    assert response.status_code == 200
    roles = ["lead_member", "lead_officer", "officer", "officer"]
    assert [m["role"] for m in response.data["team"]] == roles
    assert {m["peer_name"] for m in response.data["team"]} == {a.peer.name for a in team}
    assert response.data["team"][0] | {"id": 0, "peer_id": 0, "peer_name": ""} == {
        "id": 0,
        "peer_id": 0,
        "peer_name": "",
        "kind": "member",
        "role": "lead_member",
        "role_label": "Lead member peer",
        "status": "accepted",
        "status_label": "Accepted",
    }
    names = [t["name"] for t in response.data["available_transitions"]]
    assert names == ["confirm_team", "postpone", "withdraw"]


def test_unknown_case_is_404(client):
    assert client.get("/api/challenges/999999/").status_code == 404
    assert client.get("/api/challenges/99999999999999999999/").status_code == 404


# --- edit --------------------------------------------------------------------------------


def test_manager_edits_dates_and_the_edit_is_in_the_timeline(client, user):
    challenge = PeerChallengeFactory(state=State.BOOKED)

    response = client.patch(
        f"/api/challenges/{challenge.pk}/",
        {"onsite_start": "2026-09-07", "onsite_end": "2026-09-10"},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert response.data["onsite_start"] == "2026-09-07"
    event = challenge.events.get()
    assert (event.action, event.actor, event.data["onsite_end"]) == (
        "workflow.challenge.updated",
        user,
        "2026-09-10",
    )


def test_host_can_change_while_an_enquiry_only(client):
    enquiry = PeerChallengeFactory()
    booked = PeerChallengeFactory(state=State.BOOKED)

    moved = client.patch(f"/api/challenges/{enquiry.pk}/", {"host": "BIR"}, format="json")
    refused = client.patch(f"/api/challenges/{booked.pk}/", {"host": "BIR"}, format="json")

    assert moved.data["host"]["code"] == "BIR"
    assert refused.status_code == 400
    assert "host" in refused.data
    booked.refresh_from_db()
    assert booked.host.code == "ADU"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"onsite_end": "2020-01-01"}, "onsite_end"),  # before the stored start
        ({"scope_components": ["astrology"]}, "scope_components"),
        ({"local_objectives": [""]}, "local_objectives"),
        ({"state": "closed"}, "state"),
        ({"report_url": "https://example.org/r.pdf"}, "report_url"),
        ({"leader_email": "nope"}, "leader_email"),
    ],
)
def test_bad_edit_is_400_naming_the_field(client, body, field):
    challenge = PeerChallengeFactory()

    response = client.patch(f"/api/challenges/{challenge.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert not challenge.events.exists()


def test_changing_type_checks_the_stored_scope_against_the_new_type(client):
    challenge = PeerChallengeFactory(scope_components=["local-context"])

    response = client.patch(f"/api/challenges/{challenge.pk}/", {"type": "finance"}, format="json")

    assert response.status_code == 400
    assert "scope_components" in response.data


def test_a_closed_case_cannot_be_edited(client):
    challenge = PeerChallengeFactory(state=State.CLOSED)

    response = client.patch(
        f"/api/challenges/{challenge.pk}/", {"leader_name": "New Leader"}, format="json"
    )

    assert response.status_code == 409
    assert response.data["unmet"] == ["a closed case cannot be edited"]


def test_the_api_accepts_exactly_the_fields_the_services_let_a_manager_edit():
    sources = {field.source for field in ChallengeInput().fields.values()}

    assert sources == services.EDITABLE_FIELDS | services.ENQUIRY_ONLY_FIELDS
