"""My cases in Chromium: filtering through the GET form and the pipeline, an empty result, and
the same with JavaScript off; axe-core on each."""

import re

from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.pages.test_my_cases import case
from tests.workflow import factories as f
from workflow.models import State

pytestmark = [browser_test]


def test_a_manager_filters_their_cases_with_and_without_javascript(
    page, new_context, live_server, sign_in, check_axe, screenshot
):
    amira = f.manager(username="amira", first_name="Amira", last_name="Khan")
    other = f.manager(first_name="Omar", last_name="Hussain")
    adur = case(manager=amira, host=f.council("ADU"))
    case(manager=amira, state=State.BOOKED, scope_components=["local-context"])
    case(manager=amira, state=State.PREPARATION)
    case(manager=amira, state=State.REPORTING)
    theirs = case(manager=other, state=State.ONSITE)

    sign_in(page, amira)
    # she lands on the dashboard
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.locator("tbody tr")).to_have_count(4)
    pipeline = page.get_by_role("navigation", name="Cases by state")
    expect(pipeline.get_by_role("link", name="1 Booked")).to_be_visible()
    check_axe(page)
    screenshot(page, "my-cases")

    page.get_by_label("Manager").select_option(label="Anyone")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(5)
    expect(page.get_by_role("columnheader", name="Manager")).to_be_visible()
    pipeline.get_by_role("link", name="1 Onsite").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("rowheader")).to_have_text(theirs.reference)
    expect(page.get_by_label("State", exact=True)).to_have_value("onsite")
    check_axe(page)

    page.get_by_label("Council or case reference").fill("Nowhere-on-Sea")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("showing")).to_have_text(re.compile("No cases match"))
    check_axe(page)

    page.get_by_label("Financial year").fill("2026-28")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("2026-28 is not a financial year")
    check_axe(page)

    # Without JavaScript: the filters are a plain GET form and the pipeline plain links.
    context = new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        bare = context.new_page()
        sign_in(bare, amira)
        bare.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
        bare.get_by_label("Council or case reference").fill(adur.reference)
        bare.get_by_role("button", name="Apply filters").click()
        expect(bare.locator("tbody tr")).to_have_count(1)
        expect(bare.get_by_role("rowheader")).to_have_text(adur.reference)
        expect(bare.get_by_role("link", name="Download it as CSV")).to_have_attribute(
            "href", re.compile(rf"^/cases/csv/\?search={adur.reference}&.*manager={amira.pk}")
        )
    finally:
        context.close()
