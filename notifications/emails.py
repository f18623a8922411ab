"""Renders an outbox row into an email: text + HTML templates per kind, an ICS invite where the
email is about a visit."""

import datetime
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from icalendar import Calendar, Event

from notifications.models import Notification

TEMPLATE_DIR = "notifications/emails"
# Every kind we send, with the words a manager sees when choosing one. Each has three templates:
# <kind>-subject.txt, <kind>-body.txt and <kind>-body.html, extending the shared layouts.
KINDS = {
    "booking_confirmation": "Booking confirmation (council)",
    "joining_instructions": "Joining instructions and calendar invite (peer)",
    "onsite_reminder": "Onsite visit approaching",
    "report_overdue": "Feedback report overdue",
    "publication_reminder": "Publication reminder (council)",
    "publication_escalation": "Publication overdue (escalation)",
    "action_plan_due": "Action plan not yet published",
    "impact_survey_due": "Impact survey due",
    "follow_up_prompt": "Follow-up visit or progress review prompt",
    "manager_digest": "Weekly digest of overdue items",
    "manual": "A message from the challenge manager",
}
# Kinds whose email carries the visit as a calendar invite.
VISIT_KINDS = {"joining_instructions", "onsite_reminder"}


class PermanentEmailError(Exception):
    """Retrying will not help: bad recipient, unknown kind, broken template."""


def render_email(notification: Notification) -> EmailMultiAlternatives:
    """The email for an outbox row. Any failure here is about the row's data or our templates,
    so it is raised as PermanentEmailError: retrying cannot help."""
    if not notification.recipient_email:
        raise PermanentEmailError("no recipient email address")
    if notification.kind not in KINDS:
        raise PermanentEmailError(f"unknown kind {notification.kind!r}: no template for it")
    try:
        message = _build(notification)
        # Building the MIME message now checks every header (a newline in an address is a
        # BadHeaderError), so a bad row fails here rather than half-way through sending.
        message.message()
    except Exception as exc:  # a template error, a bad header, a date the calendar cannot hold
        raise PermanentEmailError(
            f"cannot render {notification.kind!r}: {type(exc).__name__}: {exc}"
        ) from exc
    return message


def _build(notification: Notification) -> EmailMultiAlternatives:
    context = {
        **notification.context,
        "notification": notification,
        "challenge": notification.challenge,
        "recipient_name": one_line(notification.recipient_name) or notification.recipient_email,
        "site_url": settings.SITE_URL,
    }
    prefix = f"{TEMPLATE_DIR}/{notification.kind}"
    subject = render_to_string(f"{prefix}-subject.txt", context)
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"{prefix}-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient_address(notification.recipient_name, notification.recipient_email)],
        headers={
            # Stable per row: a duplicate delivery is visible as two messages with one id.
            "Message-ID": f"<notification-{notification.pk}@peerchallenge>",
            "X-Notification-Id": str(notification.pk),
        },
    )
    message.attach_alternative(render_to_string(f"{prefix}-body.html", context), "text/html")
    if notification.kind in VISIT_KINDS and notification.challenge is not None:
        ics = visit_invite(notification.challenge)
        if ics:
            message.attach("peer-challenge.ics", ics, "text/calendar")
    return message


def one_line(text: str) -> str:
    """Collapse every run of whitespace, CR and LF included, to one space: a name or subject
    that reaches a header must never carry a line break (header injection)."""
    return " ".join(text.split())


def recipient_address(name: str, email: str) -> str:
    """The To address; formataddr quotes a name with a comma or quote marks correctly."""
    return formataddr((one_line(name), email.strip())) if one_line(name) else email.strip()


def visit_invite(challenge) -> str | None:
    """An all-day calendar event for the onsite visit, or None if the dates are not set."""
    if not (challenge.onsite_start and challenge.onsite_end):
        return None
    cal = Calendar()
    cal.add("prodid", "-//Peer Challenge//peerchallenge//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"challenge-{challenge.pk}-onsite@peerchallenge")
    event.add("summary", f"{challenge.challenge_type}: {challenge.host}")
    event.add("dtstart", challenge.onsite_start)
    event.add("dtend", challenge.onsite_end + datetime.timedelta(days=1))  # DTEND is exclusive
    event.add("location", str(challenge.host))
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    cal.add_component(event)
    return cal.to_ical().decode()
