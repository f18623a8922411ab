"""Text a manager or a council controls is shown as text wherever an email or its parts are
shown: never as markup (issue 6 §8, a stored XSS in the admin's email preview)."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.safestring import SafeData

from notifications import services
from notifications.models import Notification
from tests.notifications.factories import queued_about
from tests.workflow.factories import PeerChallengeFactory, api_client, manager
from workflow.services import challenge_update

pytestmark = pytest.mark.django_db
Kind = Notification.Kind

SCRIPT = "<script>alert(document.domain)</script>"
# An apostrophe ended the old single-quoted srcdoc attribute; <b> is markup that must stay text.
NAME = "Siân O'Brien <b>CE</b>"
RAW = (SCRIPT, "<b>CE</b>")


class Parts(HTMLParser):
    """The admin preview as a browser sees it: the <pre>'s text, the iframe's attributes."""

    def __init__(self):
        super().__init__()
        self.pre, self.iframe, self._in_pre = "", {}, False

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self._in_pre = True
        elif tag == "iframe":
            self.iframe = dict(attrs)

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_pre = False

    def handle_data(self, data):
        if self._in_pre:
            self.pre += data


@pytest.fixture
def challenge():
    return PeerChallengeFactory(chief_executive_name=NAME, local_objectives=[SCRIPT])


@pytest.fixture
def sent_by_a_manager(challenge, django_capture_on_commit_callbacks) -> Notification:
    """The attack as reported: a manual message posted through the API."""
    with django_capture_on_commit_callbacks():
        response = api_client(manager()).post(
            f"/api/challenges/{challenge.pk}/notifications/",
            {
                "recipient_email": challenge.chief_executive_email,
                "recipient_name": NAME,
                "subject": f"Agenda {SCRIPT}",
                "message": SCRIPT,
            },
            format="json",
        )
    assert response.status_code == 201
    return Notification.objects.get(pk=response.json()["id"])


@pytest.fixture
def booking_confirmation(challenge) -> Notification:
    """A template email whose facts (the chief executive's name) came from the case."""
    return queued_about(challenge, Kind.BOOKING_CONFIRMATION, recipient_email="ce@example.org")


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-123456!"))
    return client


def assert_previews_as_text(page, notification: Notification) -> None:
    """A preview page (the admin's, the case's) shows each part of the email as text."""
    html = page.content.decode()
    assert page.status_code == 200
    for raw in RAW:
        assert raw not in html
    parsed = Parts()
    parsed.feed(html)
    expected = services.rendered_parts(notification)
    # What the browser decodes is exactly the email: escaped once.
    assert parsed.pre == expected["text"]
    assert NAME in parsed.pre
    # The HTML part is its own document in a sandboxed frame, under a policy of its own: the
    # email's inline styles and nothing else, no scripts, framed by our pages only.
    assert "sandbox" in parsed.iframe and "srcdoc" not in parsed.iframe
    frame = page.client.get(parsed.iframe["src"])
    assert frame.status_code == 200
    assert frame.content.decode() == expected["html"]
    assert sorted(frame["Content-Security-Policy"].split("; ")) == sorted(
        [
            "default-src 'none'",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
            "sandbox",
        ]
    )
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in frame["Cache-Control"]


@pytest.mark.parametrize("row", ["sent_by_a_manager", "booking_confirmation"])
def test_the_admin_preview_shows_each_part_as_text(row, request, superuser_client):
    notification = request.getfixturevalue(row)

    page = superuser_client.get(f"/admin/notifications/notification/{notification.pk}/change/")

    assert_previews_as_text(page, notification)


def test_the_text_parts_are_not_marked_safe(sent_by_a_manager):
    """Rendered with autoescape off, they must still be escaped by any page that shows them."""
    parts = services.rendered_parts(sent_by_a_manager)

    assert not isinstance(parts["subject"], SafeData)
    assert not isinstance(parts["text"], SafeData)


def test_the_html_part_escapes_what_the_case_and_the_manager_wrote(sent_by_a_manager):
    html = services.rendered_parts(sent_by_a_manager)["html"]

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(document.domain)&lt;/script&gt;" in html
    assert "Siân O&#x27;Brien &lt;b&gt;CE&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "/admin/notifications/notification/?q=%3Cb%3ECE%3C%2Fb%3E",  # the query is echoed
        "/admin/notifications/notification/{notification}/change/",
        "/admin/workflow/peerchallenge/{challenge}/change/",
    ],
)
def test_admin_pages_show_user_text_as_text(url, sent_by_a_manager, superuser_client):
    challenge = sent_by_a_manager.challenge
    url = url.format(notification=sent_by_a_manager.pk, challenge=challenge.pk)

    page = superuser_client.get(url)

    assert page.status_code == 200
    assert "&lt;b&gt;CE&lt;/b&gt;" in page.content.decode()
    for raw in RAW:
        assert raw not in page.content.decode()


def test_the_api_preview_is_json_with_the_html_part_escaped(challenge):
    response = api_client(manager()).post(
        f"/api/challenges/{challenge.pk}/notifications/preview/",
        {
            "kind": Kind.MANUAL,
            "recipient_email": "a@example.org",
            "subject": "Hi",
            "message": SCRIPT,
        },
        format="json",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert SCRIPT in body["text"]  # plain text, verbatim: it is a JSON string, not markup
    assert SCRIPT not in body["html"]
    assert "&lt;script&gt;" in body["html"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/challenges/{challenge}/notifications/",
        "/api/challenges/{challenge}/",
        "/api/challenges/{challenge}/events/",
    ],
)
def test_the_api_serves_user_text_as_json_and_escapes_it_in_the_browsable_pages(
    url, sent_by_a_manager
):
    client = api_client(manager())
    challenge = sent_by_a_manager.challenge
    # An edit puts the text in the case's timeline as well.
    challenge_update(challenge=challenge, actor=challenge.manager, changes={"leader_name": NAME})
    url = url.format(challenge=challenge.pk)

    as_json = client.get(url, HTTP_ACCEPT="application/json")
    as_page = client.get(url, HTTP_ACCEPT="text/html")

    assert as_json.status_code == 200
    assert as_json["Content-Type"] == "application/json"
    assert "Brien" in as_json.content.decode()
    assert as_page.status_code == 200
    for raw in RAW:
        assert raw not in as_page.content.decode()


def test_the_notification_list_carries_the_subject_as_sent(sent_by_a_manager):
    response = api_client(manager()).get(
        f"/api/challenges/{sent_by_a_manager.challenge_id}/notifications/"
    )

    [row] = response.json()
    assert row["subject"] == f"Agenda {SCRIPT} [{sent_by_a_manager.challenge.reference}]"
    assert row["recipient_name"] == NAME


def test_the_admin_never_shows_a_password_reset_link(superuser_client):
    """The link signs its holder in as the account: only the account's own inbox may see it,
    not someone reading the outbox (a manager could otherwise take over an admin's account)."""
    target = User.objects.create_user("ada", "ada@example.org", "pw-123456!")
    notification, _ = services.notification_queue(
        kind=Kind.PASSWORD_RESET,
        topic_key=f"user:{target.pk}:test",
        recipient_email=target.email,
        due_on=timezone.localdate() + datetime.timedelta(days=1),  # not sent during the test
        context={"user_id": target.pk, "username": target.username},
    )
    reset_link = re.compile(r"/password-reset/[^/\s\"'<]+/[^/\s\"'<]+/")
    assert reset_link.search(services.rendered_parts(notification)["text"])  # the email has it

    page = superuser_client.get(f"/admin/notifications/notification/{notification.pk}/change/")
    html_part = superuser_client.get(f"/admin/notifications/notification/{notification.pk}/html/")

    assert page.status_code == 200
    assert not reset_link.search(page.content.decode())
    assert html_part.status_code == 404
