"""The candidates page in Chromium: a manager filters, reads a hard conflict (no add button),
adds a peer with a soft conflict, first without the reason it needs (the error summary), then
with it; axe-core on each state of the page."""

import re

from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.workflow import factories as f
from workflow.models import Assignment, Peer, State

pytestmark = [browser_test]


def test_a_manager_chooses_a_peer_with_a_soft_conflict(page, sign_in, check_axe, screenshot):
    manager = f.manager(username="amira", first_name="Amira", last_name="Khan")
    case = f.PeerChallengeFactory(host=f.council("SFK"), state=State.TEAM_ASSEMBLY, manager=manager)
    ida = f.PeerFactory(name="Ida Ipswich", council=f.council("IPS"))
    sam = f.PeerFactory(name="Sam Stalbans", council=f.council("SAL"))
    f.PeerFactory(name="Bea Birmingham", kind=Peer.Kind.MEMBER)

    sign_in(page, manager)
    page.goto(f"/cases/{case.pk}/candidates/")
    expect(page.get_by_role("heading", name="Choose peers for the team")).to_be_visible()
    hard = page.get_by_test_id(f"candidate-{ida.pk}")
    expect(hard).to_contain_text("is a district of Suffolk, the host")
    expect(hard.get_by_role("button")).to_have_count(0)
    check_axe(page)

    page.get_by_label("Member or officer").select_option(label="Member peer")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("tbody tr")).to_have_count(3)

    row = page.get_by_test_id(f"candidate-{sam.pk}")
    row.get_by_text("Add Sam Stalbans to the team").click()
    row.get_by_role("button", name="Add Sam Stalbans").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Sam Stalbans has a soft conflict with the host")
    check_axe(page)

    row = page.get_by_test_id(f"candidate-{sam.pk}")
    row.get_by_label("Your reason for choosing them despite the soft conflict").fill(
        "Worked with Suffolk's districts, not the county"
    )
    row.get_by_label("Add as a reserve, to invite later").check()
    row.get_by_role("button", name="Add Sam Stalbans").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Sam Stalbans added as a reserve"
    )
    expect(page.get_by_test_id(f"candidate-{sam.pk}")).to_contain_text(
        re.compile("On the team: reserve")
    )
    check_axe(page)
    screenshot(page, "case-candidates")
    place = case.assignments.get(peer=sam)
    assert (place.status, place.overridden_by) == (Assignment.Status.RESERVE, manager)
