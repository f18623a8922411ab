"""A case's whole life through the pages, in Chromium: a manager signs in, opens a case with
New case (the council from the autocomplete) and takes it from enquiry to published, meeting
each item of the readiness checklist on the way: the leader's contact on the edit form, the
scope in the step's form, the team in the admin (until the team pages come), the visit's dates
by moving the clock. She is refused and told why, gets a step form's errors, and resends a
booking confirmation the council's mail server refused. A programme lead then opens the same
case: it is there to read, with nothing to change, and a step's address typed or posted by hand
is refused. axe-core checks every page of ours on the way; the screenshots are the README's
(docs/screenshots/)."""

import datetime
import re
import smtplib
from email.utils import parseaddr

import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from notifications.models import Notification
from tests.notifications.factories import london
from tests.pages.conftest import PASSWORD, browser_test
from tests.pages.test_case_forms_browser import fill_date
from tests.workflow import factories as f
from workflow.models import Assignment, Peer, PeerChallenge, State

pytestmark = [browser_test]

DAY = datetime.timedelta(days=1)
LEADER = "Cllr Siân O'Brien"
LEADER_EMAIL = "leader@adur.example.gov.uk"
REFUSAL = "5.2.1 Mailbox full"


class LeadersMailboxRefuses(EmailBackend):
    """The council's mail server while the leader's mailbox is full: a permanent refusal (5xx),
    so the outbox fails the row at once and records why."""

    path = f"{__name__}.LeadersMailboxRefuses"

    def send_messages(self, messages):
        for message in messages:
            if any(parseaddr(to)[1] == LEADER_EMAIL for to in message.to):
                raise smtplib.SMTPRecipientsRefused({LEADER_EMAIL: (550, REFUSAL.encode())})
        return super().send_messages(messages)


def checklist(page: Page, step: str) -> Locator:
    """The readiness checklist's item for a step, on the case page."""
    return page.locator(".govuk-task-list__item").filter(
        has=page.get_by_role("link", name=step, exact=True)
    )


def open_step(page: Page, step: str) -> None:
    page.get_by_role("link", name=step, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(step)


def take_step(page: Page, case: PeerChallenge, step: str, state: State) -> None:
    """Press the step's button; the case page says the case moved on."""
    page.get_by_role("button", name=step).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{case.reference} is now {state.label.lower()}."
    )
    case.refresh_from_db()
    assert case.state == state


def assemble_team_in_the_admin(page: Page, case: PeerChallenge, team: list[Peer]) -> None:
    """The team pages come with the next issue; until then a manager (staff) puts peers on the
    team in the admin, through workflow.team_services: each invited from the "add to the team"
    table, the peer from its autocomplete, in a role (the first two lead); then each
    invitation's "Accept the invitation" step, with the peer's declaration of interests."""
    page.goto(f"/admin/workflow/peerchallenge/{case.pk}/change/")
    roles = ["lead_member", "lead_officer"] + ["officer"] * (len(team) - 2)
    for row, (peer, role) in enumerate(zip(team, roles, strict=True)):
        page.get_by_text("Add another Peer to add").click()
        place = page.locator(f"#assignments-2-{row}")
        place.locator(".select2-selection").click()
        page.locator(".select2-search__field").fill(peer.name.split()[-1])
        page.locator(".select2-results__option", has_text=peer.name).click()
        place.locator("select[name$=role]").select_option(role)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    for peer in team:
        row = page.locator("tr").filter(has_text=peer.name).filter(has=page.get_by_role("link"))
        row.get_by_role("link", name="Accept the invitation").click()
        page.get_by_label("Declaration of interests").fill("none")
        page.get_by_role("button", name="accept").click()
        expect(page.locator(".messagelist")).to_contain_text(f"{peer.name}'s place is now accepted")
    accepted = case.assignments.filter(status=Assignment.Status.ACCEPTED)
    assert sorted(accepted.values_list("peer__name", flat=True)) == sorted(p.name for p in team)


def test_a_case_from_enquiry_to_published_through_the_pages(
    page, sign_in, check_axe, screenshot, settings
):
    today = timezone.localdate()
    onsite_start, onsite_end = today + 10 * DAY, today + 12 * DAY
    amira = f.manager(username="amira", first_name="Amira", last_name="Khan", is_staff=True)
    lesley = f.programme_lead(username="lesley", first_name="Lesley", last_name="Lead")
    for code, state in [
        ("BST", State.BOOKED),
        ("LDS", State.TEAM_ASSEMBLY),
        ("NFK", State.PREPARATION),
        ("YOR", State.REPORTING),
    ]:  # her other cases: My cases is a working list
        f.PeerChallengeFactory(manager=amira, host=f.council(code), state=state)
    team = [
        f.PeerFactory(name="Cllr Fiona Doyle", kind=Peer.Kind.MEMBER),
        f.PeerFactory(name="Graham Clarke", kind=Peer.Kind.OFFICER),
        f.PeerFactory(name="Hannah Evans", kind=Peer.Kind.OFFICER),
    ]

    # --- sign in; My cases; New case, the council from the autocomplete --------------------
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Peer Challenge")).to_be_visible()
    check_axe(page)
    sign_in(page, amira)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()  # where she lands
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    check_axe(page)
    screenshot(page, "walkthrough-my-cases")

    page.get_by_role("button", name="New case").click()
    expect(page.get_by_role("heading", name="New case")).to_be_visible()
    check_axe(page)
    page.get_by_label("Council").press_sequentially("Adu")
    expect(page.get_by_role("option", name="Adur")).to_be_visible()
    screenshot(page, "walkthrough-new-case", height=900)
    page.get_by_role("option", name="Adur").click()
    page.get_by_label("Corporate peer challenge").check()
    page.get_by_label("Chief executive name").fill("Chris O'Executive")
    page.get_by_label("Chief executive email").fill("ce@adur.example.gov.uk")
    fill_date(page, "Onsite visit starts", onsite_start)
    fill_date(page, "Onsite visit ends", onsite_end)
    page.get_by_role("button", name="Open the case").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = PeerChallenge.objects.get(host__code="ADU")
    assert (case.state, case.manager) == (State.ENQUIRY, amira)

    # --- booking: the checklist wants the leader; the step refuses and says why -----------
    expect(checklist(page, "Book")).to_contain_text("leader contact missing (name and email)")
    expect(checklist(page, "Book")).to_contain_text("1 to do")
    check_axe(page)
    screenshot(page, "walkthrough-case-checklist", height=1220)
    open_step(page, "Book")
    page.get_by_role("button", name="Book").click()
    expect(page.locator("#unmet")).to_contain_text("This step cannot happen yet")
    expect(page.locator("#unmet")).to_contain_text("leader contact missing (name and email)")
    check_axe(page)
    screenshot(page, "walkthrough-step-refused", height=620)
    assert PeerChallenge.objects.get(pk=case.pk).state == State.ENQUIRY

    page.get_by_role("link", name=f"Back to {case.reference}").click()
    page.get_by_role("link", name=re.compile("Change the case.s details")).click()
    check_axe(page)
    page.get_by_label("Leader name").fill(LEADER)
    page.get_by_label("Leader email").fill(LEADER_EMAIL)
    screenshot(page, "walkthrough-edit-case")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "leader name, leader email changed"
    )
    expect(checklist(page, "Book")).to_contain_text("Ready")
    working_mail, settings.EMAIL_BACKEND = settings.EMAIL_BACKEND, LeadersMailboxRefuses.path
    open_step(page, "Book")
    take_step(page, case, "Book", State.BOOKED)

    # --- the emails panel: the leader's booking confirmation was refused; resend it -------
    refused = Notification.objects.get(challenge=case, recipient_email=LEADER_EMAIL)
    assert refused.status == Notification.Status.FAILED
    row = page.locator(f"#email-{refused.pk}")
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text(f"refused by the mail server: 550 {REFUSAL} ({LEADER_EMAIL})")
    timeline = page.get_by_role("table", name=re.compile("What happened to this case"))
    expect(timeline).to_contain_text("Booked")
    check_axe(page)
    screenshot(page, "walkthrough-case-emails-timeline", start="#emails", height=960)
    settings.EMAIL_BACKEND = working_mail  # the leader has emptied her mailbox
    mail.outbox.clear()
    row.get_by_role("button", name=re.compile("^Resend")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The email to {LEADER_EMAIL} is queued to be sent again"
    )
    refused.refresh_from_db()
    assert refused.status == Notification.Status.SENT
    assert [parseaddr(to)[1] for m in mail.outbox for to in m.to] == [LEADER_EMAIL]

    # --- the scope, agreed in the step's form ----------------------------------------------
    step = "Agree scope and start team assembly"
    expect(checklist(page, step)).to_contain_text("no local objective agreed")
    open_step(page, step)
    page.get_by_role("button", name=step).click()
    expect(page.locator("#unmet")).to_contain_text("scope misses the mandatory component")
    check_axe(page)
    for component in case.challenge_type.mandatory_components:
        page.get_by_label(component["label"]).check()
    page.get_by_label("Local objectives").fill(
        "Test the medium-term financial plan\nReview the approach to housing delivery"
    )
    take_step(page, case, step, State.TEAM_ASSEMBLY)

    # --- the team ---------------------------------------------------------------------------
    expect(checklist(page, "Confirm the team")).to_contain_text("team has 0 accepted peers")
    expect(checklist(page, "Confirm the team")).to_contain_text("no lead member peer")
    assemble_team_in_the_admin(page, case, team)
    page.goto(f"/cases/{case.pk}/")
    expect(checklist(page, "Confirm the team")).to_contain_text("Ready")
    open_step(page, "Confirm the team")
    take_step(page, case, "Confirm the team", State.PREPARATION)
    starts = f"onsite visit starts on {onsite_start:%-d %B %Y}"
    expect(checklist(page, "Start onsite visit")).to_contain_text(starts)

    # --- the visit: the clock moves to its first morning, then to its last afternoon -------
    with time_machine.travel(london(onsite_start, 9), tick=True) as clock:
        page.reload()
        expect(checklist(page, "Start onsite visit")).to_contain_text("Ready")
        open_step(page, "Start onsite visit")
        take_step(page, case, "Start onsite visit", State.ONSITE)

        clock.move_to(london(onsite_end, 15))
        page.reload()
        open_step(page, "Record feedback presentation")
        fill_date(page, "Feedback presentation date", onsite_end)
        take_step(page, case, "Record feedback presentation", State.REPORTING)

        # --- six weeks on: her session has expired; the report, then its publication ------
        clock.move_to(london(onsite_end + 42 * DAY, 10))
        page.reload()
        expect(page).to_have_url(re.compile(rf"/sign-in/\?next=/cases/{case.pk}/"))
        page.get_by_label("Username").fill(amira.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
        open_step(page, "Issue the report")
        page.get_by_label("Report URL").fill("https://reports.example.org/pc-adur.pdf")
        fill_date(page, "Date the report was issued", onsite_end + 35 * DAY)
        take_step(page, case, "Issue the report", State.REPORT_ISSUED)

        open_step(page, "Record publication")
        page.get_by_role("button", name="Record publication").click()
        errors = page.locator(".govuk-error-summary")
        expect(errors).to_contain_text("Enter the publication URL")
        expect(errors).to_contain_text("Enter the date the council published the report")
        check_axe(page)
        screenshot(page, "walkthrough-step-errors", height=1250)
        page.get_by_label("Publication URL").fill("https://www.adur-worthing.gov.uk/cpc")
        fill_date(page, "Date the council published the report", onsite_end + 42 * DAY)
        take_step(page, case, "Record publication", State.PUBLISHED)

        screenshot(page, "walkthrough-case-published")

        # --- a programme lead reads the case and can change nothing ------------------------
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, lesley)
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
        expect(page.get_by_role("heading", name="All cases")).to_be_visible()
        page.get_by_role("link", name=case.reference, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Adur")
        expect(page.locator("main")).to_contain_text("https://www.adur-worthing.gov.uk/cpc")
        expect(page.get_by_role("heading", name="Next steps")).to_have_count(0)
        expect(page.locator("a[href*='/steps/']")).to_have_count(0)
        expect(page.get_by_role("link", name=re.compile("Change the case"))).to_have_count(0)
        expect(page.locator("#emails")).to_contain_text(LEADER_EMAIL)
        expect(page.locator("#emails").get_by_role("button")).to_have_count(0)
        check_axe(page)

        address = f"/cases/{case.pk}/steps/start_post_challenge/"
        response = page.goto(address)
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("You cannot use this page")
        check_axe(page)
        # A crafted POST, with a valid CSRF token (the sign-out form's): refused all the same.
        token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
        posted = page.request.post(address, form={"csrfmiddlewaretoken": token or ""})
        assert posted.status == 403
        assert "You cannot use this page" in posted.text()  # the view's 403, not CSRF's
        assert PeerChallenge.objects.get(pk=case.pk).state == State.PUBLISHED
