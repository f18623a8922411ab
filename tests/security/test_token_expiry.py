"""API tokens expire API_TOKEN_TTL_HOURS (8 by default) after they are issued: an expired one
is a 401 saying so, and asking for a token again gives a new one."""

import datetime as dt

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.workflow.factories import manager

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _issue(user) -> dict:
    response = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": "pw-123456!"}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def _list_with(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/challenges/")


def test_a_token_works_until_its_expiry_and_says_when_that_is():
    user = manager()
    with time_machine.travel(START, tick=False):
        issued = _issue(user)
    assert issued["expires_at"] == "2026-03-02T17:00:00Z"  # 8 hours on

    with time_machine.travel(START + dt.timedelta(hours=7, minutes=59), tick=False):
        assert _list_with(issued["token"]).status_code == 200


def test_an_expired_token_is_a_401_that_says_so(settings):
    settings.API_TOKEN_TTL_HOURS = 2
    user = manager()
    with time_machine.travel(START, tick=False):
        token = _issue(user)["token"]

    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        response = _list_with(token)

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_asking_again_before_expiry_gives_the_same_token_and_after_it_a_new_one():
    user = manager()
    with time_machine.travel(START, tick=False):
        first = _issue(user)["token"]
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        again = _issue(user)["token"]
    with time_machine.travel(START + dt.timedelta(hours=9), tick=False):
        rotated = _issue(user)
        old_refused = _list_with(first).status_code
        new_works = _list_with(rotated["token"]).status_code

    assert again == first
    assert rotated["token"] != first
    assert rotated["expires_at"] == "2026-03-03T02:00:00Z"  # issued at 18:00, 8 hours on
    assert old_refused == 403  # deleted: no longer a token at all
    assert new_works == 200
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [rotated["token"]]


def test_an_expired_token_sent_along_does_not_stop_getting_a_new_one():
    user = manager()
    with time_machine.travel(START, tick=False):
        token = _issue(user)["token"]
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(
            "/api/auth/token/", {"username": user.username, "password": "pw-123456!"}
        )

    assert response.status_code == 200
    assert response.json()["token"] != token
