"""The case's emails panel in Chromium, checked with axe-core: a manager finds a failed email on
the case page, previews it, resends it, then writes a message to the council's leader (after a
form error). Delivery runs in the request here (tests/pages/conftest.py), so "queued" is sent."""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.notifications.test_escaping import SCRIPT
from tests.pages.conftest import browser_test
from tests.workflow.factories import PeerChallengeFactory, manager

pytestmark = [browser_test]
Status = Notification.Status


def test_a_manager_resends_a_failed_email_and_writes_to_the_council(
    page, sign_in, check_axe, screenshot
):
    user = manager(username="amira", first_name="Amira", last_name="Khan")
    case = PeerChallengeFactory(manager=user, leader_name="Siân O'Brien")
    failed = NotificationFactory(
        challenge=case,
        recipient_email=case.chief_executive_email,
        recipient_name=case.chief_executive_name,
        status=Status.FAILED,
        attempts=5,
        last_error="SMTP 550: mailbox unavailable",
    )
    NotificationFactory(
        challenge=case,
        kind=Notification.Kind.ONSITE_REMINDER,
        context={"days": 14},
        status=Status.SENT,
        sent_at=timezone.now(),
    )
    dialogs: list[str] = []  # an alert() that ran would land here

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    sign_in(page, user)

    page.goto(f"/cases/{case.pk}/")
    emails = page.locator("#emails")
    expect(emails.get_by_role("heading", name="Emails")).to_be_visible()
    expect(emails.locator(f"#email-{failed.pk}")).to_contain_text("SMTP 550: mailbox unavailable")
    check_axe(page)
    screenshot(page, "case-emails-panel")

    emails.locator(f"#email-{failed.pk}").get_by_role("link", name=re.compile("^Preview")).click()
    expect(page.get_by_role("heading", name="Booking confirmation (council)")).to_be_visible()
    expect(page.get_by_test_id("text-part")).to_contain_text(case.chief_executive_name)
    expect(page.frame_locator("iframe").locator("body")).to_contain_text(str(case.host))
    check_axe(page)
    # Chromium paints a frame only once it has been on screen; the screenshot should show it.
    page.locator("iframe").scroll_into_view_if_needed()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
    screenshot(page, "email-preview")
    page.evaluate("window.scrollTo(0, 0)")  # else the next click misses its link

    page.get_by_role("link", name=f"Back to {case.reference}").click()
    page.locator(f"#email-{failed.pk}").get_by_role("button", name=re.compile("^Resend")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The email to {failed.recipient_email} is queued to be sent again"
    )
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert [m.to for m in mail.outbox] == [
        [f"{case.chief_executive_name} <{failed.recipient_email}>"]
    ]

    page.get_by_role("link", name="Send a message about this case").click()
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose who to send the message to"
    )
    check_axe(page)
    screenshot(page, "email-new-errors")
    page.get_by_label(re.compile("^Siân O'Brien, leader")).check()
    page.get_by_label("Subject").fill("Agenda for the first day")
    page.get_by_label("Message").fill(f"We start at 9:00 with the leader's welcome. {SCRIPT}")
    page.get_by_role("button", name="Send message").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#emails$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your message to Siân O'Brien is queued to be sent"
    )
    expect(page.locator("#emails")).to_contain_text("A message from the challenge manager")
    manual = Notification.objects.get(kind=Notification.Kind.MANUAL)
    assert manual.recipient_email == case.leader_email
    assert manual.status == Status.SENT

    # What the manager wrote is shown as text, in the page and in the sandboxed frame.
    page.locator(f"#email-{manual.pk}").get_by_role("link", name=re.compile("^Preview")).click()
    expect(page.get_by_test_id("text-part")).to_contain_text(SCRIPT)
    expect(page.frame_locator("iframe").locator("body")).to_contain_text(SCRIPT)
    check_axe(page)
    assert not dialogs
