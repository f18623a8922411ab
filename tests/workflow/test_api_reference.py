"""Councils and challenge types: read-only reference data for any logged-in user."""

import pytest

from tests.workflow.factories import api_client, peer_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return api_client(peer_user())


def codes(response) -> set[str]:
    assert response.status_code == 200, response.data
    return {row["code"] for row in response.data["results"]}


def test_council_list_filters_by_region_and_type(client):
    found = codes(client.get("/api/councils/", {"region": "South East", "type": "CTY"}))

    assert "WSX" in found
    assert "ADU" not in found  # a district, not a county
    assert "BIR" not in found  # West Midlands


def test_active_english_councils_are_the_317_that_can_host(client):
    response = client.get("/api/councils/", {"active_english": "true"})

    assert response.data["count"] == 317
    assert "CAR" not in codes(client.get("/api/councils/", {"active_english": "true"}))
    others = codes(client.get("/api/councils/", {"active_english": "false", "region": "London"}))
    assert "GLA" in others  # a strategic authority, not a council


def test_council_search_matches_name_or_exact_code(client):
    assert "BIR" in codes(client.get("/api/councils/", {"search": "birming"}))
    assert codes(client.get("/api/councils/", {"search": "adu"})) == {"ADU"}


def test_council_list_filters_by_nation(client):
    response = client.get("/api/councils/", {"nation": "wales"})

    assert response.data["count"] == 22


def test_council_detail_by_code_shows_its_county(client):
    response = client.get("/api/councils/ADU/")

    assert response.status_code == 200
    assert response.data["name"] == "Adur"
    assert response.data["county"] == "WSX"
    assert response.data["is_active_english_council"] is True


def test_unknown_council_code_is_404(client):
    assert client.get("/api/councils/ZZZ/").status_code == 404


@pytest.mark.parametrize("code", ["AD%00", "A%20D"])
def test_council_code_that_is_not_a_slug_is_a_json_404(client, code):
    # A NUL byte reached the lookup and PostgreSQL refused it (a 500): codes are slugs.
    response = client.get(f"/api/councils/{code}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_bad_boolean_filter_is_400_naming_the_parameter(client):
    response = client.get("/api/councils/", {"active_english": "perhaps"})

    assert response.status_code == 400
    assert "active_english" in response.data


def test_challenge_types_list_the_cpc_with_its_mandatory_components(client):
    response = client.get("/api/challenge-types/")

    assert response.status_code == 200
    corporate = next(t for t in response.data["results"] if t["slug"] == "corporate")
    assert len(corporate["mandatory_components"]) == 5
    assert corporate["requires_lead_member_peer"] is True


def test_challenge_type_detail_by_slug(client):
    assert client.get("/api/challenge-types/finance/").data["max_peers"] == 4
    assert client.get("/api/challenge-types/no-such-type/").status_code == 404


def test_reference_data_is_closed_to_anonymous_users():
    anonymous = api_client()

    # 403, not 401: session authentication comes first and sends no WWW-Authenticate challenge.
    assert anonymous.get("/api/councils/").status_code == 403
    assert anonymous.get("/api/challenge-types/corporate/").status_code == 403
