"""What the emails say: subject, text and HTML from the shared layout, the visit as an ICS."""

import datetime
from email.policy import default as default_policy
from pathlib import Path

import icalendar
import pytest
from django.apps import apps
from django.template.loader import get_template

from notifications.emails import KINDS, TEMPLATE_DIR, render_email
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.workflow.factories import PeerChallengeFactory, place
from workflow.models import Assignment

pytestmark = pytest.mark.django_db
Kind = Notification.Kind

START = datetime.date(2025, 9, 22)


@pytest.fixture
def challenge():
    return PeerChallengeFactory(
        onsite_start=START,
        onsite_end=START + datetime.timedelta(days=3),
        feedback_date=START + datetime.timedelta(days=3),
        report_issued_on=START + datetime.timedelta(days=40),
    )


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


PARTS = ("subject.txt", "body.txt", "body.html")


def test_every_kind_has_its_three_templates_and_every_template_set_has_a_kind():
    folder = Path(apps.get_app_config("notifications").path, "templates", TEMPLATE_DIR)
    # Shared layouts and partials start with "_"; every other file is <kind>-<part>.
    sets = {
        name.rsplit("-", 1)[0]
        for name in (p.name for p in folder.iterdir())
        if not name.startswith("_") and name.endswith(tuple(f"-{part}" for part in PARTS))
    }

    assert sets == set(Kind.values)
    for kind in Kind:
        for part in PARTS:
            get_template(f"{TEMPLATE_DIR}/{kind}-{part}")  # found where render_email looks


# Kinds that carry a peer's signed invitation link: the row names the place (context
# "assignment") and goes to the place's own peer, or it refuses to render.
LINKED_KINDS = {Kind.INVITATION, Kind.INVITATION_REMINDER, Kind.AVAILABILITY_POLL}
# Kinds that carry a respondent's signed survey link: the row names the invitation (context
# "survey_invitation") and goes to the person it was sent to, or it refuses to render.
SURVEY_KINDS = {Kind.SURVEY_INVITATION, Kind.SURVEY_REMINDER}


def _sent_survey(challenge) -> int:
    from surveys.models import Questionnaire, SurveyInvitation  # a test of `notifications`

    survey = SurveyInvitation.objects.create(
        challenge=challenge,
        questionnaire=Questionnaire.objects.get(kind="feedback", version=1),
        respondent="chief_executive",
        recipient_email="robin@council.example.gov.uk",
        status="sent",
        send_on=START,
        sent_at=datetime.datetime(2025, 11, 3, 9, tzinfo=datetime.UTC),
        expires_on=START + datetime.timedelta(days=70),
    )
    return survey.pk


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_renders_subject_text_and_html_from_the_shared_layout(kind, challenge):
    context = {"subject": "Venue change", "message": "We now meet at the town hall."}
    row = {"kind": kind, "challenge": challenge, "context": context}
    if kind in LINKED_KINDS:
        invited = place(challenge, status=Assignment.Status.INVITED)
        context["assignment"] = invited.pk
        row["recipient_email"] = invited.peer.email
    if kind in SURVEY_KINDS:
        context |= {"survey_invitation": _sent_survey(challenge), "closes_on": "1 December 2025"}
        row["recipient_email"] = "robin@council.example.gov.uk"
    message = render_email(NotificationFactory(**row))

    assert message.subject
    assert f"[{challenge.reference}]" in message.subject
    assert message.body.startswith("Dear Robin Recipient,")
    assert "Local Government Association" in message.body
    assert "<!DOCTYPE html>" in html_of(message)
    assert "<p>Dear Robin Recipient,</p>" in html_of(message)
    for part in (message.subject, message.body, html_of(message)):
        assert "{{" not in part
        assert "{%" not in part


def test_onsite_reminder_carries_the_visit_as_an_all_day_calendar_event(challenge):
    notification = NotificationFactory(
        kind=Kind.ONSITE_REMINDER, challenge=challenge, context={"days_before": 14}
    )

    message = render_email(notification)

    assert message.subject == (f"Onsite visit to Adur in 14 days [{challenge.reference}]")
    assert "Monday 22 September 2025 to Thursday 25 September 2025" in message.body
    [(filename, ics, mimetype)] = message.attachments
    assert (filename, mimetype) == ("peer-challenge.ics", "text/calendar; method=PUBLISH")
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == START
    assert event.decoded("dtend") == datetime.date(2025, 9, 26)  # exclusive: the day after
    assert str(event["summary"]) == f"{challenge.challenge_type}: {challenge.host}"


def test_booking_confirmation_names_the_manager_and_attaches_no_invite(challenge):
    message = render_email(NotificationFactory(kind=Kind.BOOKING_CONFIRMATION, challenge=challenge))

    manager = challenge.manager
    assert message.subject.startswith(f"Your {challenge.challenge_type} is booked")
    assert f"Your challenge manager is {manager.username} ({manager.email})" in message.body
    assert f'<a href="mailto:{manager.email}">' in html_of(message)
    assert message.attachments == []


def test_a_manual_message_is_escaped_in_html_and_verbatim_in_text(challenge):
    notification = NotificationFactory(
        kind=Kind.MANUAL,
        challenge=challenge,
        context={"subject": "Agenda & timetable", "message": "Bring <b>ID</b> & a laptop."},
    )

    message = render_email(notification)

    assert message.subject == f"Agenda & timetable [{challenge.reference}]"
    assert "Bring <b>ID</b> & a laptop." in message.body
    assert "Bring &lt;b&gt;ID&lt;/b&gt; &amp; a laptop." in html_of(message)


def test_the_weekly_digest_lists_the_items(challenge):
    items = [
        {"reference": "PC-00007", "host": "Adur", "what": "impact survey due", "due": "1 May 2025"}
    ]
    notification = NotificationFactory(
        kind=Kind.MANAGER_DIGEST, challenge=None, topic_key="user:1", context={"items": items}
    )

    message = render_email(notification)

    assert message.subject == "Your overdue peer challenge items this week"
    assert "- PC-00007 Adur: impact survey due (due 1 May 2025)" in message.body
    assert "You have 1 overdue item this week" in html_of(message)


@pytest.mark.parametrize(
    ("name", "display_name"),
    [
        ('Chris "CJ" Executive, Leader', 'Chris "CJ" Executive, Leader'),
        ("Siân O'Brien", "Siân O'Brien"),
        ("Lee\r\nBcc: everyone@example.org", "Lee Bcc: everyone@example.org"),
    ],
    ids=["quotes and a comma", "non-ASCII", "a line break"],
)
def test_the_to_header_carries_one_address_whatever_the_name(name, display_name, challenge):
    notification = NotificationFactory(
        challenge=challenge, recipient_name=name, recipient_email="ce@adur.example.gov.uk"
    )

    mime = render_email(notification).message()

    parsed = default_policy.header_factory("To", mime["To"])
    assert [(a.display_name, a.addr_spec) for a in parsed.addresses] == [
        (display_name, "ce@adur.example.gov.uk")
    ]
    assert mime["Bcc"] is None
