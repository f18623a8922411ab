"""The history's upload page in Chromium: an admin follows the menu to it, uploads a file with
a bad row and reads the error summary and the problems' table (nothing imported), then the
example set, and reads what was imported. axe-core on each."""

import re

from playwright.sync_api import expect

from reports.history_format import FILES
from tests.pages.conftest import browser_test
from tests.reports.test_history_import import EXAMPLE
from tests.workflow.factories import UserFactory
from workflow import roles
from workflow.models import PeerChallenge

pytestmark = [browser_test]


def test_an_admin_uploads_the_history_and_reads_its_problems_then_its_summary(
    page, sign_in, check_axe, screenshot, tmp_path
):
    sign_in(page, UserFactory(role=roles.ADMIN, username="ada"))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Import history").click()
    expect(page).to_have_url(re.compile(r"/reports/import/$"))
    check_axe(page)

    bad = tmp_path / "challenges.csv"
    bad.write_bytes((EXAMPLE / "challenges.csv").read_bytes().replace(b"E08000025", b"E0899"))
    page.get_by_label("The history's CSV files").set_input_files([str(bad)])
    page.get_by_role("button", name="Import the files").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Nothing was imported: the files have 1 problem"
    )
    row = page.get_by_test_id("problems").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("challenges.csv")
    expect(row).to_contain_text("council")
    expect(row).to_contain_text("no council has the register code or GSS code “E0899”")
    check_axe(page)
    screenshot(page, "history-import-problems")
    assert PeerChallenge.objects.count() == 0

    page.get_by_label("The history's CSV files").set_input_files(
        [str(EXAMPLE / name) for name in FILES]
    )
    page.get_by_role("button", name="Import the files").click()
    expect(page.get_by_test_id("summary")).to_contain_text("Imported")
    expect(page.locator("main")).to_contain_text("challenges.csv: 5 new, 0 unchanged")
    check_axe(page)
    assert PeerChallenge.objects.count() == 5
