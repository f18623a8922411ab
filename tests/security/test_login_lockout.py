"""Sign-in lockout (django-axes, core/login_lockout.py) on the sign-in page, /admin/login/ and
POST /api/auth/token/: by username and by client address, counted in the database, with the
address read through trusted proxies only."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from tests.workflow.factories import UserFactory, manager

pytestmark = pytest.mark.django_db

LIMIT = 10  # settings.LOGIN_FAILURE_LIMIT's default
PASSWORD = "pw-123456!"


def _token(client: APIClient, username: str, password: str, **headers):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", **headers
    )


def _sign_in(client: Client, username: str, password: str, **headers):
    return client.post("/sign-in/", {"username": username, "password": password}, **headers)


def test_the_api_locks_a_username_out_after_the_limit_even_for_the_right_password():
    user = manager()
    client = APIClient()

    wrong = [_token(client, user.username, "guess").status_code for _ in range(LIMIT)]
    right = _token(client, user.username, PASSWORD)

    assert wrong[: LIMIT - 1] == [400] * (LIMIT - 1)
    assert wrong[-1] == 429  # the attempt that reaches the limit is already told
    assert right.status_code == 429
    assert right["Content-Type"] == "application/json"
    assert "Too many failed sign-in attempts" in right.json()["detail"]
    assert int(right["Retry-After"]) == 15 * 60
    assert "token" not in right.json()


def test_a_changing_x_forwarded_for_does_not_bypass_the_lockout():
    user = manager()
    client = APIClient()

    for n in range(LIMIT):
        _token(client, user.username, "guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    right = _token(client, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert right.status_code == 429


def test_a_username_is_locked_out_whatever_address_the_guesses_come_from():
    user = manager()

    for n in range(LIMIT):
        _token(APIClient(REMOTE_ADDR=f"192.0.2.{n}"), user.username, "guess")
    right = _token(APIClient(REMOTE_ADDR="198.51.100.7"), user.username, PASSWORD)

    assert right.status_code == 429


def test_an_address_is_locked_out_whatever_usernames_it_guesses():
    victim = manager()
    client = APIClient(REMOTE_ADDR="192.0.2.50")

    for n in range(LIMIT):
        _token(client, f"nobody{n}", "guess")

    assert _token(client, victim.username, PASSWORD).status_code == 429
    # the same user from elsewhere is not locked: the username itself had no failures
    assert _token(APIClient(REMOTE_ADDR="192.0.2.51"), victim.username, PASSWORD).status_code == 200


def test_holding_a_valid_token_gives_no_extra_guesses():
    peer = UserFactory(role="peer")
    admin = UserFactory(role="admin")
    client = APIClient()
    peer_token = _token(client, peer.username, PASSWORD).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {peer_token}")

    for _ in range(LIMIT):
        _token(client, admin.username, "guess")

    assert _token(client, admin.username, PASSWORD).status_code == 429


def test_the_lockout_lifts_after_the_cool_off():
    user = manager()
    client = APIClient()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            _token(client, user.username, "guess")
        assert _token(client, user.username, PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert _token(client, user.username, PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert _token(client, user.username, PASSWORD).status_code == 200


def test_the_sign_in_page_shows_the_lockout_page_even_for_the_right_password():
    user = manager()
    client = Client()

    for _ in range(LIMIT):
        _sign_in(client, user.username, "guess")
    response = _sign_in(client, user.username, PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "govuk-heading-l" in page
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_is_locked_out_too():
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()

    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": user.username, "password": "guess"})
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_stop_a_sign_in_and_a_success_resets_them():
    user = manager()
    client = Client()

    for _ in range(LIMIT - 1):
        _sign_in(client, user.username, "guess")
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        _sign_in(client, user.username, "guess")

    assert _sign_in(client, user.username, PASSWORD).status_code == 302
