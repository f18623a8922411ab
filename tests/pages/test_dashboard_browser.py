"""The dashboard in Chromium: a manager lands on it after signing in, reads her own actions and
what is overdue across the programme, follows a pipeline count to the case list and an item to
its case, meets a filter's form error; the publication tracker and the coverage planner from
its links. axe-core on each."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.workflow import factories as f
from workflow.models import State

pytestmark = [browser_test]


def test_a_manager_lands_on_the_dashboard_and_follows_it(page, sign_in, check_axe, screenshot):
    today = timezone.localdate()
    amira = f.manager(username="amira", first_name="Amira", last_name="Khan")
    omar = f.manager(first_name="Omar", last_name="Hussain")
    late = f.PeerChallengeFactory(
        manager=amira,
        host=f.council("ADU"),
        state=State.REPORTING,
        feedback_date=today - datetime.timedelta(days=30),  # report due 2 days ago
    )
    f.PeerChallengeFactory(
        manager=amira,
        host=f.council("CRW"),
        state=State.REPORTING,
        feedback_date=today - datetime.timedelta(days=5),  # its report not yet due
    )
    unpublished = f.PeerChallengeFactory(
        manager=omar,
        host=f.council("BIR"),
        state=State.REPORT_ISSUED,
        onsite_start=today - datetime.timedelta(days=200),
        onsite_end=today - datetime.timedelta(days=197),
        feedback_date=today - datetime.timedelta(days=196),
        report_issued_on=today - datetime.timedelta(days=150),  # 3 months ago and more
    )

    sign_in(page, amira)
    expect(page).to_have_url(re.compile(r"/reports/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    mine = page.get_by_test_id("mine-reports")
    expect(mine.get_by_role("rowheader")).to_have_text(
        f"{late.reference} reports overdue after feedback"
    )
    expect(mine).to_contain_text("2")
    expect(page.get_by_test_id("mine-publication")).to_contain_text("Nothing.")
    expect(page.get_by_test_id("all-publication")).to_contain_text(unpublished.reference)
    check_axe(page)
    screenshot(page, "dashboard", height=1400)

    # A count in the pipeline opens those cases in the case list, whoever manages them.
    page.get_by_test_id("pipeline").get_by_role(
        "link", name="2 Reporting, Corporate peer challenge"
    ).click()
    expect(page).to_have_url(re.compile(r"/cases/\?.*state=reporting"))
    expect(page.locator("tbody tr")).to_have_count(2)
    page.go_back()

    page.get_by_test_id("all-publication").get_by_role(
        "link", name=re.compile(unpublished.reference)
    ).click()
    expect(page).to_have_url(re.compile(rf"/cases/{unpublished.pk}/$"))
    page.go_back()

    page.get_by_label("Financial year").fill("2026-28")
    page.get_by_role("button", name="Apply filters").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("2026-28 is not a financial year")
    expect(page).to_have_title(re.compile(r"^Error: Dashboard"))
    check_axe(page)

    page.get_by_label("Financial year").fill("")
    page.get_by_label("Region").select_option("West Midlands")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("all-reports")).to_contain_text("Nothing.")
    expect(page.get_by_test_id("all-publication")).to_contain_text(unpublished.reference)
    expect(page.get_by_test_id("mine-reports")).to_contain_text(late.reference)  # still hers

    page.get_by_role("link", name="Publication tracker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publication tracker")
    expect(page.get_by_test_id("tracker").locator("tbody tr").first).to_contain_text(
        unpublished.reference
    )
    check_axe(page)

    page.goto("/reports/coverage/?region=West+Midlands")
    expect(page.get_by_role("img", name=re.compile("Map of English councils"))).to_be_visible()
    expect(page.locator("#council-COV")).to_contain_text("Never had one")
    page.locator("#council-COV").get_by_role("link", name=re.compile("Record the reason")).click()
    page.get_by_role("button", name="Save the reason").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    check_axe(page)
    page.get_by_role("textbox").fill("Waiting for the new chief executive")
    page.get_by_role("button", name="Save the reason").click()
    expect(page.locator("#council-COV")).to_contain_text("Waiting for the new chief executive")
    check_axe(page)
    screenshot(page, "coverage-planner", height=1400)
