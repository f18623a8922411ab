"""The programme report in Chromium: a programme lead opens Reports from the menu, picks
2016/17, reads the delivery paragraph, a table and a chart as a screen reader gets it (name and
description), downloads a table as CSV and meets the form error of a year out of range; axe-core
finds nothing serious or critical with figures or with the error."""

import re

from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.reports import programme_data
from tests.workflow import factories as f

pytestmark = [browser_test]


def test_a_programme_lead_reads_the_programme_report(page, sign_in, check_axe, screenshot):
    programme_data.surveys(programme_data.programme())
    sign_in(page, f.programme_lead(username="lee"))

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    page.get_by_label("Financial year").select_option(label="2016/17")
    page.get_by_role("button", name="Show report").click()

    expect(page.get_by_test_id("period")).to_have_text("2016/17")
    expect(page.get_by_test_id("paragraph")).to_contain_text(
        "During 2016/17 we engaged with three councils: two received a corporate peer challenge"
    )
    summary = page.get_by_test_id("table-summary")
    expect(summary.get_by_role("row", name=re.compile("^Peer days"))).to_contain_text("25.5")
    chart = page.get_by_role("img", name="Peer challenges delivered, cumulative by quarter")
    expect(chart).to_have_accessible_description(
        re.compile(r"By the end of Q4: 4 delivered; pro-rata target 4\.0")
    )
    expect(page.get_by_test_id("table-targets")).to_contain_text("Green")
    check_axe(page)
    screenshot(page, "programme-report", height=1400)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download delivered by type (CSV)").click()
    assert download.value.suggested_filename == "programme-2016-types.csv"

    page.goto("/reports/programme/?year=1999")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a valid choice")
    expect(page).to_have_title(re.compile(r"^Error: Programme report"))
    check_axe(page)
