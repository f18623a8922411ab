"""The Content-Security-Policy in Chromium, where it is enforced: the API docs and the admin
work under it, an email's HTML part shows in its frame, and a violation is caught. Every
browser test fails on a violation (tests/pages/conftest.py); these are the pages no other
browser test opens."""

import re

from django.contrib.admin import site
from django.urls import reverse
from playwright.sync_api import expect

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.pages.conftest import browser_test, watch_csp
from tests.workflow.factories import PeerChallengeFactory, UserFactory
from workflow import roles

pytestmark = [browser_test]


def test_the_api_docs_render_swagger_ui_from_our_own_files(page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Peer Challenge API")
    expect(page.locator(".opblock").first).to_be_visible()  # the schema's operations, listed
    # An operation opens (Swagger UI's script): the councils' list, which needs no input.
    path = page.locator('.opblock-get .opblock-summary-path[data-path="/api/councils/"]')
    path.click()
    operation = page.locator(".opblock.is-open")
    expect(operation.locator(".opblock-body")).to_be_visible()
    # Tried out: the request goes to our API and its answer is shown, highlighted.
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table .response .response-col_status")).to_have_text(
        re.compile(r"\d{3}")
    )
    origin = page.url.split("/api/")[0]
    assert requested and all(url.startswith((origin, "data:")) for url in requested), requested


def test_the_browsable_api_works_under_the_policy(page, sign_in):
    sign_in(page, UserFactory(role=roles.MANAGER, username="amira"))
    PeerChallengeFactory()

    page.goto("/api/challenges/")

    expect(page.locator(".response-info")).to_contain_text('"count": 1')
    page.get_by_role("button", name="Filters").click()  # DRF's own script (Bootstrap's modal)
    expect(page.locator("#filtersModal")).to_be_visible()


def test_an_admin_previews_an_email_in_the_admin(page, sign_in):
    admin = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True, username="ada")
    case = PeerChallengeFactory()
    email = NotificationFactory(challenge=case, status=Notification.Status.FAILED)
    sign_in(page, admin)

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"/admin/notifications/notification/{email.pk}/change/")
    expect(page.frame_locator("iframe").locator("body")).to_contain_text(str(case.host))
    # The admin's own scripts (the date picker, the filter widgets) on a form that has them.
    page.goto("/admin/workflow/peerchallenge/add/")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()


def test_every_admin_list_add_and_change_page_works_under_the_policy(page, sign_in):
    """The admin's own scripts and styles (and ours in it), for every model it shows."""
    admin = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True, username="ada")
    case = PeerChallengeFactory()
    NotificationFactory(challenge=case)
    sign_in(page, admin)
    opened = []
    for model in site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        first = model._default_manager.order_by("pk").first()
        urls = [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first.pk]))
        for url in urls:
            page.goto(url)  # an add page the admin refuses is its 403 page: watched too
            expect(page.locator("body")).not_to_be_empty()
            opened.append(url)
    assert len(opened) > 2 * len(site._registry)  # some change pages too


def test_the_email_preview_shows_the_html_part_in_its_sandboxed_frame(page, sign_in):
    admin = UserFactory(role=roles.ADMIN, is_staff=True, username="ada")
    case = PeerChallengeFactory()
    email = NotificationFactory(challenge=case, status=Notification.Status.SENT)
    sign_in(page, admin)

    page.goto(f"/cases/{case.pk}/emails/{email.pk}/")

    frame = page.frame_locator("[data-testid=html-part]")
    expect(frame.locator("body")).to_contain_text(str(case.host))
    # The email's own inline styles apply in the frame (its narrow policy allows them)...
    styled = frame.locator("[style]").first
    expect(styled).to_be_visible()
    # ...and the sandbox makes it an opaque origin: it cannot reach the page around it.
    reach = "() => { try { return parent.document.title } catch { return null } }"
    assert page.frames[1].evaluate(reach) is None


def test_a_violation_is_caught(browser, live_server):
    """The watch every browser test relies on sees a refused inline style and script."""
    violations: list[str] = []
    context = browser.new_context(base_url=live_server.url)
    watch_csp(context, violations)
    try:
        tab = context.new_page()
        tab.goto("/sign-in/")
        tab.evaluate(
            """() => {
                document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
                const script = document.createElement("script");
                script.textContent = "window.ran = true";
                document.body.append(script);
            }"""
        )
        tab.wait_for_timeout(200)
        assert tab.evaluate("window.ran") is None
    finally:
        context.close()
    assert any("style-src" in v for v in violations), violations
    assert any("script-src" in v for v in violations), violations
