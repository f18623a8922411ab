"""The invitation in Chromium, checked with axe-core: a peer with no account opens the emailed
link, forgets the declaration, then accepts; the link then no longer works. A signed-in peer
declines another from My invitations. Delivery runs in the request (tests/pages/conftest.py)."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.workflow import factories as f
from workflow import team_services
from workflow.models import Assignment, State

pytestmark = [browser_test]


def test_a_peer_accepts_from_the_emailed_link(page, check_axe, screenshot):
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    peer = f.PeerFactory(name="Sam Peer", email="sam@council.example.gov.uk")
    mail.outbox.clear()
    team_services.assignment_add(
        challenge=case, peer=peer, actor=case.manager, role=Assignment.Role.LEAD_OFFICER
    )
    [invitation] = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", invitation.body)[0]

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Will you join the peer team")
    expect(page.get_by_text("Lead officer peer")).to_be_visible()
    check_axe(page)
    screenshot(page, "invitation")

    page.get_by_role("button", name="Accept").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the declaration of interests")
    check_axe(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Declaration of interests")).to_be_focused()

    page.get_by_label("Declaration of interests").fill("None")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have joined the team")
    check_axe(page)
    assert Assignment.objects.get().status == Assignment.Status.ACCEPTED

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    check_axe(page)


def test_a_signed_in_peer_declines_on_my_invitations(page, sign_in, check_axe):
    user = f.peer_user(username="pat", first_name="Pat", last_name="Peer")
    place = f.place(
        f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY), peer=user.peer, status="invited"
    )
    f.place(
        f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY, host=f.council("BIR")),
        peer=user.peer,
        status="invited",
    )

    sign_in(page, user)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My invitations").click()
    expect(page.locator("[id^=invitation-]")).to_have_count(2)
    check_axe(page)

    invitation = page.locator(f"#invitation-{place.pk}")
    invitation.get_by_label("Not available on the dates").check()
    invitation.get_by_role("button", name="Decline").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have declined")
    expect(page.locator("[id^=invitation-]")).to_have_count(1)
    check_axe(page)
    place.refresh_from_db()
    assert (place.status, place.decline_reason) == ("declined", "dates")
