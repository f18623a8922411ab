"""The date poll in Chromium: a manager offers two ranges from the case page, an invited peer
answers by their link, the manager sees the grid and uses a range; axe-core on each page, and
on the calendar page."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.workflow import factories as f
from workflow.invitation_links import invitation_path
from workflow.models import Assignment, State

pytestmark = [browser_test]


def _monday_after(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=-day.weekday() % 7)


def _fill_range(page, number: int, start: datetime.date, end: datetime.date) -> None:
    for part, day in (("first", start), ("last", end)):
        group = page.get_by_role("group", name=f"Option {number}: {part} day")
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))


def test_a_manager_polls_the_team_and_uses_the_dates_they_can_make(
    page, new_context, sign_in, check_axe, screenshot
):
    amira = f.manager(username="amira", first_name="Amira", last_name="Khan")
    case = f.PeerChallengeFactory(manager=amira, state=State.TEAM_ASSEMBLY)
    invited = f.place(case, status=Assignment.Status.INVITED)
    week = _monday_after(90)
    over_a_weekend = (week + datetime.timedelta(days=11), week + datetime.timedelta(days=14))

    sign_in(page, amira)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Ask the team which dates they can make").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Onsite dates at {case.host}")
    _fill_range(page, 1, week, week + datetime.timedelta(days=3))
    _fill_range(page, 2, *over_a_weekend)
    page.get_by_role("button", name="Offer these dates").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The dates are offered")
    expect(page.locator("#availability-grid")).to_contain_text("No answer yet")
    expect(page.get_by_text(re.compile(r"is a weekend day")).first).to_be_visible()
    check_axe(page)

    answering = new_context(base_url=page.url.split("/cases/")[0])
    peer_page = answering.new_page()
    invited.refresh_from_db()
    peer_page.goto(invitation_path(invited) + "availability/")
    expect(peer_page.get_by_role("heading", level=1)).to_have_text("Which dates can you make?")
    groups = peer_page.get_by_role("group")
    groups.nth(0).get_by_label("I can make these dates").check()
    groups.nth(1).get_by_label("I cannot make these dates").check()
    check_axe(peer_page)
    peer_page.get_by_role("button", name="Save my answers").click()
    expect(peer_page.locator(".govuk-notification-banner")).to_contain_text("answers are saved")
    answering.close()

    page.reload()
    grid = page.locator("#availability-grid")
    expect(grid).to_contain_text("I can make these dates")
    expect(grid).to_contain_text("1 can, 0 if need be, 0 cannot")
    screenshot(page, "availability-grid")
    page.get_by_role("button", name=re.compile(r"^Use these dates")).first.click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The onsite visit is now")

    page.goto("/my/calendar/")
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"\.ics$"))
    check_axe(page)
