"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Fixtures:
  page          a fresh browser tab (own cookies) whose relative URLs go to the live server
  new_context   new_context(**options): browser.new_context, for a second person in a test
  sign_in       sign_in(page, user) through the sign-in form, password PASSWORD
  check_axe     check_axe(page): axe-core on the page as it is; fails on serious/critical findings
  screenshot    screenshot(page, "name"): a full-page PNG under the run's screenshot folder
                (start="#emails", height=1200: that much of the page, from that element)

A test fails if its page logged a JavaScript error, or if any page it opened logged a
Content-Security-Policy violation (enforced here as in production: CONTENT_SECURITY_POLICY).

Chromium is /usr/bin/chromium (scripts/lib.sh installs it); Playwright never downloads a
browser. Without Chromium the tests are skipped, except in CI (CI=true), where that fails.
Screenshots go to $SCREENSHOT_DIR, else var/screenshots/ (not committed).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
# No background traffic: the machine's network is closed, and a test must not depend on it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "pw-123456!"  # tests.workflow.factories.UserFactory's

# Every browser test commits rows (the live server is another thread, with its own connection).
# serialized_rollback keeps the councils the migrations loaded for the tests that run after.
browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {what}: scripts/test installs it", pytrace=False)
    pytest.skip(f"{what} (scripts/test installs it)")


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One Chromium per test module (about half a second to start).

    While Playwright's sync API is started it keeps an event loop running in this thread, so
    Django would take every ORM call (the test's, and the database flush after it) for one made
    from async code and refuse it. Django's documented switch allows them for exactly that
    window; module scope keeps the window to the browser tests. In that window asgiref keeps
    the thread's connections per async context, so Django would also open new ones, without
    the test database's state (the snapshot serialized_rollback restores): the thread's own
    connections are handed over instead."""
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    own = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            for alias, connection in own.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Reports each violation of the page's Content-Security-Policy, in every page and frame the
# test opens (an init script is run by the browser itself, whatever the policy).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => window.__cspViolation(
  `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
  + ` at ${event.sourceFile || document.URL}:${event.lineNumber}`
));
"""


def watch_csp(context, violations: list[str]) -> None:
    """Adds to `violations` each Content-Security-Policy violation in the context's pages."""
    context.expose_binding("__cspViolation", lambda source, text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    # Chromium also logs each violation: a frame's, or a page's without JavaScript.
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )


@pytest.fixture
def new_context(browser):
    """browser.new_context(**options), watched: the test fails if any of its pages logs a
    Content-Security-Policy violation. For every context a test opens (`page`'s too)."""
    violations: list[str] = []
    contexts = []

    def new_context(**options):
        context = browser.new_context(**options)
        watch_csp(context, violations)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()  # a no-op for one the test closed
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(new_context, live_server, settings):
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    context = new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def sign_in():
    def sign_in(page, user, password: str = PASSWORD) -> None:
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return sign_in


@pytest.fixture(scope="session")
def _axe_source() -> str:
    if not AXE.exists():
        _missing(f"{AXE} is missing (npm ci)")
    return AXE.read_text()


@pytest.fixture
def check_axe(_axe_source):
    """Runs axe-core (WCAG 2.x A and AA rules, and best practices) on the page as it is now."""

    def check_axe(page) -> list[dict]:
        # Evaluated, not added as a <script>: the page's policy refuses inline scripts (the
        # browser runs what the test evaluates whatever the policy).
        if page.evaluate("typeof axe") == "undefined":
            page.evaluate(_axe_source + "\n;undefined")
        results = page.evaluate("async () => await axe.run(document)")
        bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, (
            "axe found serious or critical problems on "
            + page.url
            + ":\n"
            + "\n".join(
                f"- {v['id']} ({v['impact']}): {v['help']}: "
                + ", ".join(str(node["target"]) for node in v["nodes"][:5])
                for v in bad
            )
        )
        return results["violations"]

    return check_axe


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = Path(
        os.environ.get("SCREENSHOT_DIR") or Path(settings.BASE_DIR) / "var" / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshot_dir):
    def screenshot(page, name: str, *, start: str | None = None, height: int | None = None) -> Path:
        """The whole page; or `height` pixels of it (the README's pictures stay small) from the
        top of the page or of the first element matching the selector `start`."""
        path = screenshot_dir / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        if start is None and height is None:
            page.screenshot(path=str(path), full_page=True)
            return path
        top = 0
        if start is not None:
            top = page.locator(start).first.evaluate(
                "e => Math.floor(e.getBoundingClientRect().top + window.scrollY)"
            )
        bottom = page.evaluate("document.documentElement.scrollHeight")
        width = page.viewport_size["width"]
        clip = {"x": 0, "y": top, "width": width, "height": min(height or bottom, bottom - top)}
        page.screenshot(path=str(path), full_page=True, clip=clip)
        return path

    return screenshot


@pytest.fixture(autouse=True)
def _emails_sent_at_once():
    """The outbox's delivery task runs in the request that queues it (no worker here)."""
    from peerchallenge.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
