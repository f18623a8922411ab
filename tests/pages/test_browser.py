"""The sign-in, sign-out and password reset pages and the landing pages, in Chromium, each
checked with axe-core."""

import re

from django.core import mail
from playwright.sync_api import expect

from notifications.models import Notification
from tests.pages.conftest import browser_test
from tests.workflow.factories import (
    PeerChallengeFactory,
    UserFactory,
    manager,
    peer_user,
    programme_lead,
)
from workflow import roles

pytestmark = [browser_test]


def test_sign_in_errors_are_summarised_and_linked_to_their_fields(page, check_axe, screenshot):
    user = manager(username="amira")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    expect(page.get_by_role("heading", name="Sign in to Peer Challenge")).to_be_visible()
    check_axe(page)
    screenshot(page, "sign-in")

    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password")).to_be_focused()
    expect(page.locator("#id_username_error")).to_have_text("Error: Enter your username")

    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript ran
    check_axe(page)
    screenshot(page, "sign-in-error")


def test_manager_signs_in_lands_on_my_cases_and_signs_out(page, sign_in, check_axe, screenshot):
    user = manager(username="amira", first_name="Amira", last_name="Khan")
    PeerChallengeFactory(manager=user)
    PeerChallengeFactory()  # another manager's case: not on "My cases"

    sign_in(page, user)

    expect(page).to_have_url(re.compile(r"/reports/dashboard/$"))  # the landing page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    expect(page.get_by_test_id("signed-in-user")).to_have_text("Amira Khan")
    expect(page.locator("tbody tr")).to_have_count(1)
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Dashboard",
            "My cases",
            "Survey results",
            "Reports",
            "Common messages",
            "Good practice",
            "Calendar",
        ]
    )
    check_axe(page)
    screenshot(page, "my-cases-manager")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/cases/"))


def test_each_role_lands_on_its_own_page_and_the_skip_link_works(page, sign_in, check_axe):
    admin = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True, username="ada")
    for user, lands_on, heading, links in [
        (
            programme_lead(username="lee"),
            "/reports/dashboard/",
            "Dashboard",
            [
                "Dashboard",
                "My cases",
                "Survey results",
                "Reports",
                "Common messages",
                "Good practice",
            ],
        ),
        (
            peer_user(username="pat"),
            "/my/challenges/",
            "My challenges",
            ["My invitations", "My challenges", "Good practice", "Calendar"],
        ),
        (
            admin,
            "/reports/dashboard/",
            "Dashboard",
            [
                "Dashboard",
                "My cases",
                "Survey results",
                "Reports",
                "Common messages",
                "Good practice",
                "Import history",
                "Admin",
            ],
        ),
    ]:
        sign_in(page, user)

        expect(page).to_have_url(re.compile(f"{lands_on}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("navigation", name="Menu").get_by_role("link")).to_have_text(links)
        check_axe(page)
        if user == admin:
            page.keyboard.press("Tab")  # from the page's start, after the sign-in button
            skip = page.get_by_role("link", name="Skip to main content")
            expect(skip).to_be_focused()
            expect(skip).to_be_visible()
            page.keyboard.press("Enter")
            expect(page.locator("#main-content")).to_be_focused()
        page.get_by_role("button", name="Sign out").click()


def test_password_reset_through_the_outbox_end_to_end(page, sign_in, check_axe, screenshot):
    user = manager(username="amira", email="amira@lga.example.org", first_name="Amira")

    page.goto("/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    check_axe(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    page.get_by_label("Email address").fill("AMIRA@lga.example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_axe(page)

    # The email is an outbox row that holds no link; the link is made when it is sent.
    row = Notification.objects.get(kind=Notification.Kind.PASSWORD_RESET)
    assert row.recipient_email == "amira@lga.example.org"
    assert row.context == {"user_id": user.pk, "username": "amira"}
    assert row.status == Notification.Status.SENT
    [email] = mail.outbox
    assert email.subject == "Reset your Peer Challenge password"
    link = re.search(r"http://\S+/password-reset/\S+/", email.body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_axe(page)
    page.get_by_label("New password", exact=True).fill("a new long passphrase 42")
    page.get_by_label("New password confirmation").fill("a different one")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The two password fields didn")
    screenshot(page, "choose-new-password-error")
    page.get_by_label("New password", exact=True).fill("a new long passphrase 42")
    page.get_by_label("New password confirmation").fill("a new long passphrase 42")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    check_axe(page)

    page.goto(link)  # a used link is dead
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()

    sign_in(page, user, password="a new long passphrase 42")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
