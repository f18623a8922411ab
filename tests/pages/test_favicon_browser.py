"""In Chromium: the admin, the API docs and our pages load without a failed request or a
console error, our pages' icon included (tests/pages/test_favicon.py: /favicon.ico itself,
which a browser asks the admin's pages' icon from)."""

from tests.pages.conftest import browser_test
from tests.workflow.factories import UserFactory
from workflow import roles

pytestmark = [browser_test]


def test_pages_ask_for_nothing_that_is_not_there(page, sign_in):
    failed: list[str] = []
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)
    sign_in(page, UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True, username="ada"))

    for path in ["/admin/", "/api/docs/", "/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")

    assert not failed, failed
    # Headless Chromium fetches a linked icon (ours), though not /favicon.ico unasked.
    assert any(url.endswith("/static/peerchallenge/favicon.svg") for url in requested)
