"""New case and the edit form in Chromium, checked with axe-core: a manager picks the council
with the autocomplete, or from the plain list when JavaScript is off; a mistake is shown on its
field; an edit is saved."""

import datetime
import re

from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.workflow.factories import PeerChallengeFactory, manager
from workflow.models import PeerChallenge

pytestmark = [browser_test]


def fill_date(page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=re.compile(legend))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def fill_the_rest(page) -> None:
    page.get_by_label("Corporate peer challenge").check()
    page.get_by_label("Chief executive name").fill("Chris O'Executive")
    page.get_by_label("Chief executive email").fill("ce@adur.example.gov.uk")
    fill_date(page, "Onsite visit starts", datetime.date(2026, 6, 1))
    fill_date(page, "Onsite visit ends", datetime.date(2026, 6, 4))


def test_a_manager_opens_a_case_picking_the_council_with_the_autocomplete(
    page, sign_in, check_axe, screenshot
):
    user = manager(first_name="Amira", last_name="Khan")
    sign_in(page, user)
    page.goto("/cases/new/")
    check_axe(page)

    page.get_by_label("Council").press_sequentially("Adu")
    page.get_by_role("option", name="Adur").click()
    expect(page.locator("select[name=host]")).to_have_value("ADU")
    fill_the_rest(page)
    fill_date(page, "Onsite visit ends", datetime.date(2026, 5, 31))
    screenshot(page, "new-case")
    page.get_by_role("button", name="Open the case").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Must not be before the onsite start (1 June 2026)"
    )
    expect(page.get_by_label("Council")).to_have_value("Adur")  # the choice survives the error
    check_axe(page)
    fill_date(page, "Onsite visit ends", datetime.date(2026, 6, 4))
    page.get_by_role("button", name="Open the case").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = PeerChallenge.objects.get()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{case.reference} opened for Adur."
    )
    assert (case.host.code, case.manager, case.chief_executive_name) == (
        "ADU", user, "Chris O'Executive",
    )  # fmt: skip


def test_without_javascript_the_council_is_chosen_from_the_plain_list(
    new_context, live_server, sign_in
):
    user = manager()
    context = new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, user)
        page.goto("/cases/new/")

        page.get_by_label("Council").select_option(label="Adur")
        fill_the_rest(page)
        page.get_by_role("button", name="Open the case").click()

        expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
        assert PeerChallenge.objects.get().host.code == "ADU"
    finally:
        context.close()


def test_a_manager_edits_a_case_and_is_told_what_is_wrong(page, sign_in, check_axe, screenshot):
    user = manager()
    case = PeerChallengeFactory(manager=user)
    sign_in(page, user)
    page.goto(f"/cases/{case.pk}/")

    page.get_by_role("link", name=re.compile("Change the case.s details")).click()
    check_axe(page)
    fill_date(page, "Onsite visit ends", case.onsite_start - datetime.timedelta(days=1))
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Must not be before the onsite start"
    )
    check_axe(page)
    screenshot(page, "edit-case")

    fill_date(page, "Onsite visit ends", case.onsite_start + datetime.timedelta(days=2))
    page.get_by_label("Leader name").fill("Lee O'Brien")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("main")).to_contain_text("Lee O'Brien")
    case.refresh_from_db()
    assert case.onsite_end == case.onsite_start + datetime.timedelta(days=2)
