"""Findings and the common messages in Chromium: a manager records a finding from the case
page's panel (the theme list grouped by component), then reads it counted on the common
messages page for the year the report was issued, opens a theme's excerpts and meets the form
error of a year out of range; axe-core on each page."""

import re

from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.workflow import factories as f
from workflow.dates import financial_year_label, financial_year_of
from workflow.models import State

pytestmark = [browser_test]


def test_a_manager_records_a_finding_and_reads_the_common_messages(page, sign_in, check_axe):
    manager = f.manager(username="amira")
    case = f.PeerChallengeFactory(state=State.REPORT_ISSUED, manager=manager)
    year = financial_year_label(financial_year_of(case.report_issued_on))
    sign_in(page, manager)

    page.goto(f"/cases/{case.pk}/")
    page.get_by_test_id("add-finding").click()
    check_axe(page)
    page.get_by_label("Core component").select_option(label="Leadership of place")
    page.get_by_label("Theme", exact=True).select_option(label="Partnerships")
    page.get_by_label("Strength or effective practice").check()
    page.get_by_label("Excerpt from the report").fill("Partners praise the council's convening.")
    page.get_by_role("button", name="Save the finding", exact=True).click()
    expect(page.get_by_test_id("findings")).to_contain_text("Partners praise")
    check_axe(page)

    page.goto("/reports/common-messages/")
    page.get_by_label("Reports issued in").select_option(label=year)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("year")).to_have_text(year)
    expect(page.get_by_test_id("totals")).to_contain_text("1 finding from 1 report (1 council)")
    row = page.get_by_test_id("component-leadership-of-place").get_by_role(
        "row", name=re.compile("^Partnerships")
    )
    expect(row).to_contain_text("1")
    page.get_by_text("Partnerships: 1 excerpt").click()
    expect(page.get_by_text("Partners praise the council's convening.")).to_be_visible()
    check_axe(page)

    page.goto("/reports/common-messages/?year=1999")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a valid choice")
    expect(page).to_have_title(re.compile(r"^Error: Common messages"))
    check_axe(page)
