"""Pages that act on a signed link (a `token` in the route) are rate-limited per client
address (core/link_rate_limit.py), with a 429 page; other pages are not."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

LINK_PAGES = ["/surveys/not-a-token/", "/invitations/not-a-token/", "/calendar/not-a-token.ics"]


@pytest.fixture(autouse=True)
def limit_of_three(settings):
    settings.SIGNED_LINK_RATE_LIMIT = (3, 60)
    cache.clear()
    yield
    cache.clear()


def _window_start() -> float:
    # the start of a fresh 60-second window, so the test never straddles two
    return (time.time() // 60 + 1) * 60


@pytest.mark.parametrize("path", LINK_PAGES)
def test_the_fourth_request_in_a_minute_is_a_429_page(path):
    client = Client()
    with time_machine.travel(_window_start() + 1, tick=False):
        first_three = [client.get(path).status_code for _ in range(3)]
        fourth = client.get(path)

    assert 429 not in first_three
    assert fourth.status_code == 429
    assert "Too many requests" in fourth.content.decode()
    assert fourth["Retry-After"] == "60"


def test_the_limit_counts_across_every_signed_link_page_and_per_address():
    start = _window_start()
    with time_machine.travel(start + 1, tick=False):
        statuses = [Client().get(path).status_code for path in LINK_PAGES]
        over = Client().get("/surveys/another/").status_code
        elsewhere = Client(REMOTE_ADDR="198.51.100.4").get("/surveys/another/").status_code
        # without a trusted proxy, a claimed address is ignored: still 127.0.0.1
        claimed = Client(HTTP_X_FORWARDED_FOR="198.51.100.5").get("/surveys/x/").status_code

    assert 429 not in statuses
    assert over == 429
    assert elsewhere != 429
    assert claimed == 429


def test_the_next_minute_starts_a_new_count():
    start = _window_start()
    client = Client()
    with time_machine.travel(start + 1, tick=False):
        for _ in range(4):
            client.get("/surveys/x/")
    with time_machine.travel(start + 61, tick=False):
        assert client.get("/surveys/x/").status_code != 429


def test_pages_without_a_signed_link_are_not_limited():
    client = Client()
    with time_machine.travel(_window_start() + 1, tick=False):
        statuses = [client.get("/sign-in/").status_code for _ in range(6)]

    assert statuses == [200] * 6
