"""Forwarded headers are believed only when settings say a proxy stands in front
(TRUSTED_PROXY_COUNT): otherwise any client could claim HTTPS or another address."""

import runpy
import secrets
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings

from core.client_ip import client_ip

SETTINGS = Path(django_settings.BASE_DIR) / "peerchallenge" / "settings.py"


@pytest.fixture
def production(monkeypatch, tmp_path):
    """peerchallenge/settings.py evaluated afresh with DEBUG off and the given variables."""
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "SECRET_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")

    def load(**variables: str) -> dict:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load


def _https_settings(loaded: dict) -> dict:
    names = ("SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "TRUSTED_PROXY_COUNT")
    return {name: loaded.get(name) for name in names}


def test_without_a_proxy_a_claimed_https_is_still_redirected(production):
    loaded = production()
    assert "SECURE_PROXY_SSL_HEADER" not in loaded
    assert loaded["REST_FRAMEWORK"]["NUM_PROXIES"] == 0

    with override_settings(**_https_settings(loaded)):
        response = Client().get("/sign-in/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/sign-in/"


def test_behind_a_trusted_proxy_its_https_header_is_believed(production):
    loaded = production(TRUSTED_PROXY_COUNT="1")
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert loaded["REST_FRAMEWORK"]["NUM_PROXIES"] == 1

    with override_settings(**_https_settings(loaded)):
        claimed = Client().get("/api/", HTTP_X_FORWARDED_PROTO="https")
        plain = Client().get("/api/")

    assert claimed.status_code == 200
    assert plain.status_code == 301


def test_a_proxy_count_out_of_range_stops_the_start(production):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT"):
        production(TRUSTED_PROXY_COUNT="9")


def _request(forwarded: str | None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.9"),  # no proxy: the header is the client's own words
        (0, None, "203.0.113.9"),
        (1, "198.51.100.1", "198.51.100.1"),  # our proxy appended the address it saw
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left one was sent by the client
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, None, "203.0.113.9"),  # not through the proxy at all
        (2, "198.51.100.1", "203.0.113.9"),
        (1, "not-an-address", "203.0.113.9"),  # a proxy count set too high: the socket
    ],
)
def test_the_client_address_reads_forwarded_for_only_through_trusted_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(_request(forwarded)) == expected


def test_a_request_without_a_socket_address_has_none_not_text_the_lockout_would_store(
    settings,
):
    """Django's test client signs in (force_login) with a request built in code: the lockout
    then records NULL, which PostgreSQL's inet column takes, not a word it refuses."""
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]

    assert client_ip(request) is None
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) is None


@pytest.mark.django_db
def test_signing_in_in_code_works_with_the_lockout_on(django_user_model):
    user = django_user_model.objects.create_user("someone", password="x")
    Client().force_login(user)  # raised on PostgreSQL while the address was 'unknown'


def test_sign_in_token_and_link_limits_have_safe_defaults(production):
    loaded = production()

    assert loaded["AXES_FAILURE_LIMIT"] == 10
    assert loaded["AXES_COOLOFF_TIME"].total_seconds() == 15 * 60
    assert loaded["API_TOKEN_TTL_HOURS"] == 8
    assert loaded["SIGNED_LINK_RATE_LIMIT"] == (60, 60)
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    redis = production(REDIS_URL="redis://cache:6379/1")["CACHES"]["default"]
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache:6379/1",
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOGIN_FAILURE_LIMIT", "0"),
        ("LOGIN_COOLOFF_MINUTES", "0"),
        ("API_TOKEN_TTL_HOURS", "0"),
        ("SIGNED_LINK_RATE_LIMIT", "1"),
    ],
)
def test_a_limit_out_of_range_stops_the_start_naming_it(production, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        production(**{name: value})
