"""The list parameters people reach for: financial years as they write them, page sizes,
search, ordering, dates. Each works, each bad value is a 400 that says what would do, and a
parameter the list does not read is refused rather than ignored."""

import datetime

import pytest

from core.pagination import MAX_PAGE_SIZE
from tests.workflow.factories import (
    PeerChallengeFactory,
    api_client,
    case_payload,
    council,
    manager,
)
from workflow.filters import ChallengeFilter
from workflow.models import State

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def client():
    return api_client(manager())


@pytest.fixture
def cases():
    """Adur in financial year 2027-28, Birmingham booked in 2026-27, Manchester undated."""
    return {
        "ADU": PeerChallengeFactory(host=council("ADU"), onsite_start=D(2027, 5, 10)),
        "BIR": PeerChallengeFactory(
            host=council("BIR"), state=State.BOOKED, onsite_start=D(2027, 2, 1)
        ),
        "MAN": PeerChallengeFactory(host=council("MAN"), onsite_start=None, onsite_end=None),
    }


def hosts(response) -> list[str]:
    assert response.status_code == 200, response.data
    return [case["host"]["code"] for case in response.data["results"]]


# --- financial_year ------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2026", "2026-27", "2026/27", "2026-2027", " 2026/2027 "])
def test_a_financial_year_is_read_as_people_write_it(client, cases, written):
    assert hosts(client.get("/api/challenges/", {"financial_year": written})) == ["BIR"]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-28", "2026-28 is not a financial year: 2026 is followed by 2027 (2026/27)"),
        ("2026/2026", "2026/2026 is not a financial year: 2026 is followed by 2027 (2026/27)"),
        ("26-27", "write a financial year as 2026-27, 2026/27 or 2026"),
        ("twenty", "write a financial year as 2026-27, 2026/27 or 2026"),
        ("1989", "must be between 1990 and 2100"),
    ],
)
def test_a_financial_year_that_is_not_one_is_a_400_saying_why(client, written, message):
    response = client.get("/api/challenges/", {"financial_year": written})

    assert response.status_code == 400
    assert response.data == {"financial_year": [message]}


# --- page_size -----------------------------------------------------------------------------


def test_page_size_sets_the_rows_per_page(client, cases):
    response = client.get("/api/challenges/", {"page_size": 2})

    assert response.status_code == 200
    assert (response.data["count"], len(response.data["results"])) == (3, 2)
    assert "page_size=2" in response.data["next"]


@pytest.mark.parametrize("path", ["/api/challenges/", "/api/councils/", "/api/challenge-types/"])
@pytest.mark.parametrize("size", [MAX_PAGE_SIZE + 1, 0, -1, "ten", "", "٣"])
def test_a_page_size_out_of_range_is_a_400_on_every_list(client, path, size):
    response = client.get(path, {"page_size": size})

    assert response.status_code == 400
    assert response.data == {"page_size": [f"must be a whole number from 1 to {MAX_PAGE_SIZE}"]}


def test_the_largest_page_size_is_allowed(client):
    response = client.get("/api/councils/", {"page_size": MAX_PAGE_SIZE})

    assert response.status_code == 200
    assert len(response.data["results"]) == MAX_PAGE_SIZE


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["birming", "BIRMINGHAM", "bir"])
def test_search_finds_a_case_by_council_name_or_code(client, cases, term):
    assert hosts(client.get("/api/challenges/", {"search": term})) == ["BIR"]


def test_search_finds_a_case_by_its_reference_written_any_usual_way(client, cases):
    case = cases["MAN"]

    for term in (case.reference, case.reference.lower(), f"PC{case.pk}", str(case.pk)):
        assert hosts(client.get("/api/challenges/", {"search": term})) == ["MAN"], term


def test_search_for_nothing_known_finds_nothing(client, cases):
    assert hosts(client.get("/api/challenges/", {"search": "Atlantis"})) == []
    assert hosts(client.get("/api/challenges/", {"search": "9" * 30})) == []


# --- ordering ------------------------------------------------------------------------------


def test_the_default_order_is_newest_visit_first(client, cases):
    # Where the undated case goes is the database's choice (the model's Meta.ordering).
    dated = [host for host in hosts(client.get("/api/challenges/")) if host != "MAN"]

    assert dated == ["ADU", "BIR"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("onsite_start", ["BIR", "ADU", "MAN"]),  # undated last either way
        ("-onsite_start", ["ADU", "BIR", "MAN"]),
        ("host", ["ADU", "BIR", "MAN"]),
        ("-host", ["MAN", "BIR", "ADU"]),
        ("-state,host", ["BIR", "ADU", "MAN"]),  # booked comes after enquiry in the lifecycle
        ("created_at", ["ADU", "BIR", "MAN"]),
        ("-updated_at", ["MAN", "BIR", "ADU"]),
    ],
)
def test_ordering_sorts_by_the_allowed_fields(client, cases, ordering, expected):
    assert hosts(client.get("/api/challenges/", {"ordering": ordering})) == expected


@pytest.mark.parametrize("ordering", ["pk", "manager__password", "host,nonsense", "-"])
def test_an_ordering_outside_the_whitelist_is_a_400_listing_the_allowed_ones(client, ordering):
    response = client.get("/api/challenges/", {"ordering": ordering})

    assert response.status_code == 400
    [message] = response.data["ordering"]
    assert "is not an ordering: order by onsite_start, created_at, updated_at, host, state" in (
        message
    )


# --- dates ---------------------------------------------------------------------------------


def test_onsite_dates_bound_the_list(client, cases):
    response = client.get(
        "/api/challenges/", {"onsite_from": "2027-01-01", "onsite_to": "2027-03-31"}
    )

    assert hosts(response) == ["BIR"]


def test_an_impossible_date_is_not_a_real_date_not_a_wrong_format(client):
    response = client.get("/api/challenges/", {"onsite_from": "2027-02-30"})

    assert response.status_code == 400
    assert response.data == {"onsite_from": ["2027-02-30 is not a real date"]}


def test_a_date_in_another_format_says_which_format(client):
    response = client.get("/api/challenges/", {"onsite_to": "30/02/2027"})

    assert response.status_code == 400
    assert response.data == {"onsite_to": ["write a date as YYYY-MM-DD"]}


# --- parameters the list does not read -----------------------------------------------------


def test_an_unknown_parameter_is_a_400_naming_it_and_the_known_ones(client):
    response = client.get("/api/challenges/", {"sort": "host", "financial_yr": "2026"})

    assert response.status_code == 400
    assert set(response.data) == {"sort", "financial_yr"}
    [message] = response.data["sort"]
    assert message.startswith("unknown parameter; this list reads ")
    assert "financial_year" in message and "page_size" in message and "ordering" in message


def test_paging_and_format_are_not_unknown(client, cases):
    response = client.get("/api/challenges/", {"page": 1, "page_size": 1, "format": "json"})

    assert response.status_code == 200


def test_the_council_list_refuses_unknown_parameters_too(client):
    response = client.get("/api/councils/", {"serach": "adur"})

    assert response.status_code == 400
    assert "serach" in response.data


# --- lookups in input ----------------------------------------------------------------------


def test_an_unknown_host_code_says_there_is_no_such_council(client):
    response = client.post("/api/challenges/", case_payload(host="XXX"), format="json")

    assert response.status_code == 400
    assert response.data["host"] == ["no council with code XXX"]


def test_an_unknown_type_says_there_is_no_such_type(client):
    response = client.post("/api/challenges/", case_payload(type="astrology"), format="json")

    assert response.status_code == 400
    assert response.data["type"] == ["no challenge type with slug astrology"]


# --- the schema says all this --------------------------------------------------------------


def test_the_schema_documents_the_list_parameters_and_their_400(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    case_list = schema["paths"]["/api/challenges/"]["get"]
    parameters = {p["name"]: p for p in case_list["parameters"]}

    assert set(parameters) == {*ChallengeFilter.base_filters, "page", "page_size"}
    assert {"financial_year", "search", "ordering", "onsite_from"} <= set(parameters)
    assert parameters["page_size"]["schema"]["maximum"] == MAX_PAGE_SIZE
    assert parameters["financial_year"]["schema"]["pattern"]
    assert "-onsite_start" in parameters["ordering"]["schema"]["items"]["enum"]
    assert "400" in schema["paths"]["/api/challenge-types/"]["get"]["responses"]
