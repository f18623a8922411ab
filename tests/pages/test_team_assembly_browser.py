"""A team assembled through the pages, in Chromium (issue 8): a manager opens a case in team
assembly, chooses three peers on the candidates page and invites them, and puts a fourth on the
officer reserves. The invitations go out as outbox rows; each peer answers from the link in
their email, with no account: one officer declines, so the reserve is invited in her place
automatically and the manager told; the others and the reserve accept with a declaration of
interests. The case page's team panel shows the team and a ready checklist, and the manager
confirms the team: the case moves to preparation. axe-core checks the case page, the candidates
page and the invitation page; the team panel is the README's picture (docs/screenshots/)."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.emails import render_email
from notifications.models import Notification
from tests.pages.conftest import browser_test
from tests.workflow import factories as f
from workflow.models import Assignment, Peer, PeerChallenge, State

pytestmark = [browser_test]

DAY = datetime.timedelta(days=1)
OVERRIDE = "Led Arun's own peer challenge; no dealings with Adur"
Status = Assignment.Status


def invitation_link(peer: Peer) -> str:
    """The link in the peer's latest invitation email, as the email itself renders it (the
    outbox row holds the place's id, never the link)."""
    row = (
        Notification.objects.filter(kind=Notification.Kind.INVITATION, recipient_email=peer.email)
        .order_by("-pk")
        .first()
    )
    assert row is not None, f"no invitation email to {peer}"
    body = render_email(row).body
    match = re.search(r"https?://\S+/invitations/\S+/", body)
    assert match, body
    return match.group(0)


def answer(peer_page: Page, peer: Peer, case: PeerChallenge, *, accept: bool) -> None:
    """The peer opens the emailed link (no sign-in) and accepts with a declaration, or
    declines giving a reason."""
    peer_page.goto(invitation_link(peer))
    expect(peer_page.get_by_role("heading", level=1)).to_contain_text(
        f"Will you join the peer team for the Corporate peer challenge at {case.host.name}?"
    )
    if accept:
        peer_page.get_by_label("Declaration of interests").fill("none")
        peer_page.get_by_role("button", name="Accept").click()
    else:
        peer_page.get_by_label("Not available on the dates").check()
        peer_page.get_by_role("button", name="Decline").click()
    expect(peer_page.get_by_role("heading", level=1)).to_be_visible()


def choose(page: Page, peer: Peer, role: str, *, reserve: bool = False, reason: str = "") -> None:
    """On the candidates page: the peer's "add to the team" form, in `role`, invited now or as
    a reserve (with the manager's reason where the peer has a soft conflict)."""
    row = page.locator("#candidates tbody tr").filter(has_text=peer.name)
    row.locator(".govuk-details__summary").click()
    row.get_by_label("Role on the team").select_option(label=role)
    row.get_by_label("Add as a reserve, to invite later" if reserve else "Invite now").check()
    if reason:
        row.get_by_label("Your reason for choosing them despite the soft conflict").fill(reason)
    row.get_by_role("button", name=f"Add {peer.name}").click()
    done = f"{peer.name} {'added as a reserve' if reserve else 'invited'} ({role.lower()})."
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(done)


def test_a_manager_assembles_a_team_through_the_pages(
    page, new_context, live_server, sign_in, check_axe, screenshot
):
    today = timezone.localdate()
    amira = f.manager(username="amira", first_name="Amira", last_name="Khan")
    case = f.scoped(
        f.PeerChallengeFactory(
            manager=amira,
            state=State.TEAM_ASSEMBLY,
            onsite_start=today + 40 * DAY,
            onsite_end=today + 42 * DAY,
        )
    )
    fiona = f.PeerFactory(name="Cllr Fiona Doyle", kind=Peer.Kind.MEMBER)
    # From Arun, Adur's neighbour in the South East: a soft conflict, chosen with a reason.
    graham = f.PeerFactory(name="Graham Clarke", council=f.council("ARU"))
    hannah = f.PeerFactory(name="Hannah Evans")
    ian = f.PeerFactory(name="Ian Reeves")

    # --- the manager opens the case and chooses peers ----------------------------------------
    sign_in(page, amira)
    page.goto(f"/cases/{case.pk}/")
    team = page.locator("#team")
    expect(team).to_contain_text("Before the team can be confirmed")
    expect(team).to_contain_text("no lead member peer has accepted")
    check_axe(page)

    team.get_by_role("link", name="Choose peers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose peers for the team")
    expect(page.locator("#candidates tbody tr").filter(has_text=graham.name)).to_contain_text(
        "Needs a reason"
    )
    check_axe(page)
    choose(page, fiona, "Lead member peer")
    choose(page, graham, "Lead officer peer", reason=OVERRIDE)
    choose(page, hannah, "Officer peer")
    choose(page, ian, "Officer peer", reserve=True)
    places = dict(case.assignments.values_list("peer__name", "status"))
    assert places == {
        fiona.name: Status.INVITED,
        graham.name: Status.INVITED,
        hannah.name: Status.INVITED,
        ian.name: Status.RESERVE,
    }

    # --- the peers answer from their emails; the reserve steps in --------------------------
    peer_context = new_context(base_url=live_server.url)
    peer_page = peer_context.new_page()
    peer_page.goto(invitation_link(hannah))
    check_axe(peer_page)
    answer(peer_page, hannah, case, accept=False)
    ian_place = case.assignments.get(peer=ian)
    assert ian_place.status == Status.INVITED, "the reserve is invited in the decliner's place"
    assert Notification.objects.filter(
        kind=Notification.Kind.RESERVE_INVITED, recipient_email=amira.email
    ).exists(), "the manager is told"
    for peer in (fiona, graham, ian):
        answer(peer_page, peer, case, accept=True)
    peer_context.close()

    # --- the team panel shows the team; the manager confirms it ------------------------------
    page.goto(f"/cases/{case.pk}/")
    accepted = page.locator("#team-accepted")
    for peer in (fiona, graham, ian):
        expect(accepted).to_contain_text(peer.name)
    graham_row = accepted.locator("tr").filter(has_text=graham.name)
    expect(graham_row).to_contain_text("are both in the South East region")
    expect(graham_row).to_contain_text(f"Overridden by Amira Khan on {today:%-d %B %Y}: {OVERRIDE}")
    left = page.locator("#team-left")
    left.get_by_text("Declined, expired or withdrawn (1)").click()
    expect(left).to_contain_text("Hannah Evans")
    expect(left).to_contain_text("Not available on the dates")
    expect(team).to_contain_text("The team meets the rules")
    check_axe(page)
    page.evaluate("document.activeElement.blur()")  # the picture without the focus ring
    screenshot(page, "team-panel", start="#team", height=1300)

    team.get_by_role("link", name="confirm the team").click()
    page.get_by_role("button", name="Confirm the team").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{case.reference} is now preparation."
    )
    case.refresh_from_db()
    assert case.state == State.PREPARATION
