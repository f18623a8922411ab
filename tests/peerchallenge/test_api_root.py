"""Under /api/ every answer is JSON, whatever DEBUG says: /api/ itself is an index, an address
that names nothing is a JSON 404 for every method, and an unknown transition lists the real
ones."""

import pytest
from django.test import Client
from django.urls import resolve

from peerchallenge.views import transition_names
from tests.workflow.factories import PeerChallengeFactory, api_client, manager

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    # Django's own 404 is its HTML debug page with DEBUG on: the case a developer meets.
    settings.DEBUG = True


def test_the_api_index_links_the_docs_the_schema_and_each_top_level_address(client):
    response = client.get("/api/")

    assert response.status_code == 200
    index = response.json()
    assert index["docs"] == "http://testserver/api/docs/"
    assert index["schema"] == "http://testserver/api/schema/"
    assert {"councils", "challenge-types", "challenges", "auth/token"} <= set(index["endpoints"])
    for url in index["endpoints"].values():
        assert resolve(url.removeprefix("http://testserver")).url_name != "api-not-found", url


def test_every_list_in_the_index_answers_a_manager():
    client = api_client(manager())
    endpoints = client.get("/api/").json()["endpoints"]

    for name in ("councils", "challenge-types", "challenges"):
        assert client.get(endpoints[name]).status_code == 200, name


def test_the_index_only_reads(client):
    response = client.post("/api/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": 'Method "POST" not allowed.'}


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/nothing/", "/api/challenges/1/nothing/", "/api/a%0Ab/"])
def test_an_address_that_names_nothing_is_a_json_404_for_every_method(method, path):
    # CSRF checks on, no one signed in: the answer is still "not found", not "CSRF failed".
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_transition_is_a_404_listing_the_real_ones():
    case = PeerChallengeFactory()
    client = api_client(manager())

    response = client.post(f"/api/challenges/{case.pk}/transitions/frobnicate/", {}, format="json")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No transition named 'frobnicate'.",
        "transitions": transition_names(),
    }
    assert "book" in response.json()["transitions"]


def test_the_transitions_address_without_a_name_lists_them(client):
    response = client.get("/api/challenges/7/transitions/")

    assert response.status_code == 404
    assert (
        response.json()["detail"]
        == "Name the transition: POST /api/challenges/7/transitions/<name>/"
    )
    assert response.json()["transitions"] == transition_names()


def test_a_known_address_without_its_slash_redirects_a_read(client):
    response = client.get("/api/challenges?state=booked")

    assert response.status_code == 301
    assert response["Location"] == "/api/challenges/?state=booked"


def test_a_known_address_without_its_slash_tells_a_write_where_to_go(client):
    response = client.post("/api/challenges", {}, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Not found. The API's addresses end in a slash: /api/challenges/"
    }


def test_with_debug_off_a_404_under_the_api_is_json_too(client, settings):
    settings.DEBUG = False

    response = client.get("/api/nothing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
