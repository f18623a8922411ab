"""The case page and a step, in Chromium, checked with axe-core: a manager opens a case from
"My cases", sees what booking still needs, is refused, fixes nothing, then postpones it."""

import re

from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.workflow.factories import PeerChallengeFactory, manager
from workflow.models import PeerChallenge, State

pytestmark = [browser_test]


def test_a_manager_walks_a_case_through_its_page(page, sign_in, check_axe, screenshot):
    user = manager(username="amira", first_name="Amira", last_name="Khan")
    case = PeerChallengeFactory(manager=user, leader_email="")
    sign_in(page, user)

    # from the dashboard, where a manager lands
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    page.get_by_role("link", name=case.reference, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Adur"))).to_be_visible()
    expect(page.locator(".govuk-task-list")).to_contain_text("leader contact missing")
    check_axe(page)
    screenshot(page, "case-page")

    page.get_by_role("link", name="Book").click()
    page.get_by_role("button", name="Book").click()
    expect(page.locator("#unmet")).to_contain_text("leader contact missing (name and email)")
    check_axe(page)

    page.get_by_role("link", name=f"Back to {case.reference}").click()
    page.get_by_role("link", name="Postpone").click()
    page.get_by_role("button", name="Postpone").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_axe(page)
    screenshot(page, "case-step-error")
    page.get_by_label("Reason").fill("The council asked to move the dates")
    page.get_by_role("button", name="Postpone").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    timeline = page.get_by_role("table", name=re.compile("What happened to this case"))
    expect(timeline).to_contain_text("The council asked to move the dates")
    assert PeerChallenge.objects.get(pk=case.pk).state == State.POSTPONED
