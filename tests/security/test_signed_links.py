"""A row's link is one token: signed over the row's id and nonce only, so a page that redirects
to the link's next page names the same link the email held, whenever it is made."""

import time_machine

from core.signed_links import make_token, read_token


def test_a_rows_token_is_the_same_a_minute_later_and_reads_back():
    with time_machine.travel("2026-06-01 10:00:00", tick=False):
        first = make_token("test-purpose", 7, "nonce-a")
    with time_machine.travel("2026-06-01 10:01:00", tick=False):
        again = make_token("test-purpose", 7, "nonce-a")

    assert first == again
    assert read_token("test-purpose", first) == (7, "nonce-a")
    assert read_token("other-purpose", first) is None
    assert read_token("test-purpose", first[:-1] + ("A" if first[-1] != "A" else "B")) is None
