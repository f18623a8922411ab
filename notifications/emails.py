"""Renders an outbox row into an email: text + HTML templates per kind, an ICS invite where the
email is about a visit."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications.models import Notification
from notifications.snapshot import case_facts, readable
from workflow.calendar import new_calendar, visit_event

TEMPLATE_DIR = "notifications/emails"
Kind = Notification.Kind
# Kinds whose email carries the visit as a calendar invite, and the invite's iTIP method:
# PUBLISH adds or updates the event, CANCEL removes it (RFC 5546).
VISIT_KINDS: dict[str, str] = {
    Kind.JOINING_INSTRUCTIONS: "PUBLISH",
    Kind.ONSITE_REMINDER: "PUBLISH",
    Kind.VISIT_CHANGED: "PUBLISH",
    Kind.VISIT_POSTPONED: "CANCEL",
    Kind.VISIT_WITHDRAWN: "CANCEL",
    Kind.PLACE_CONFIRMED: "PUBLISH",
    # Unless the row says the peer never had the visit (an invitation withdrawn unanswered).
    Kind.PLACE_WITHDRAWN: "CANCEL",
}


class PermanentEmailError(Exception):
    """Retrying will not help: bad recipient, unknown kind, broken template."""


# Emails about an account, which the system sends itself: never offered to a manager, so no
# one can have them sent on request, nor shown to anyone but their recipient.
ACCOUNT_KINDS = (Kind.PASSWORD_RESET,)
# The kinds a manager may choose from (the labels are the words they see).
KINDS = tuple(kind for kind in Kind if kind not in ACCOUNT_KINDS)


def render_email(notification: Notification, *, preview: bool = False) -> EmailMultiAlternatives:
    """The email for an outbox row. Any failure here is about the row's data or our templates,
    so it is raised as PermanentEmailError: retrying cannot help. A `preview` is for eyes other
    than the recipient's: a link that acts without signing in is not made (the templates'
    link tags show a placeholder)."""
    if not notification.recipient_email:
        raise PermanentEmailError("no recipient email address")
    if notification.kind not in Kind.values:
        raise PermanentEmailError(f"unknown kind '{notification.kind}': no template for it")
    try:
        message = _build(notification, preview=preview)
        # Building the MIME message now checks every header (a newline in an address is a
        # BadHeaderError), so a bad row fails here rather than half-way through sending.
        message.message()
    except Exception as exc:  # a template error, a bad header, a date the calendar cannot hold
        raise PermanentEmailError(
            f"cannot render '{notification.kind}': {type(exc).__name__}: {exc}"
        ) from exc
    return message


def _context(notification: Notification, *, preview: bool = False) -> dict:
    """What the templates see. The case is the snapshot taken when the row was written
    (notifications.snapshot), never the live case: the email says what was true then."""
    facts = notification.context.get("case")
    if facts is None and notification.challenge is not None:
        # A row written before rows carried snapshots: the live case is all there is.
        facts = case_facts(notification.challenge)
    # A manager may add a note to a template email; a manual email is all their message.
    manual = notification.kind == Kind.MANUAL
    return {
        **notification.context,
        "manager_note": "" if manual else notification.context.get("message", ""),
        "case": readable(facts) if facts else None,
        "notification": notification,
        "recipient_name": one_line(notification.recipient_name) or notification.recipient_email,
        "site_url": settings.SITE_URL,
        "preview": preview,
    }


def _subject(notification: Notification, context: dict) -> str:
    return one_line(render_to_string(f"{TEMPLATE_DIR}/{notification.kind}-subject.txt", context))


def subject_of(notification: Notification) -> str | None:
    """The subject line alone (for listings), or None if the row cannot be rendered."""
    try:
        return _subject(notification, _context(notification))
    except Exception:  # a listing must not fail on one bad row; delivery records why
        return None


def _build(notification: Notification, *, preview: bool = False) -> EmailMultiAlternatives:
    context = _context(notification, preview=preview)
    prefix = f"{TEMPLATE_DIR}/{notification.kind}"
    message = EmailMultiAlternatives(
        subject=_subject(notification, context),
        body=plain(render_to_string(f"{prefix}-body.txt", context)),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient_address(notification.recipient_name, notification.recipient_email)],
        headers={
            # Stable per row: a duplicate delivery is visible as two messages with one id.
            "Message-ID": f"<notification-{notification.pk}@peerchallenge>",
            "X-Notification-Id": str(notification.pk),
        },
    )
    message.attach_alternative(render_to_string(f"{prefix}-body.html", context), "text/html")
    method = VISIT_KINDS.get(notification.kind)
    with_calendar = notification.context.get("with_calendar", True)
    if method and with_calendar and context["case"] and notification.challenge_id is not None:
        ics = visit_invite(notification.challenge_id, context["case"], method=method)
        if ics:
            # The method in the MIME type too: Outlook reads it there, not in the file.
            message.attach("peer-challenge.ics", ics, f"text/calendar; method={method}")
    return message


def plain(text: str) -> str:
    """Text rendered with autoescape off comes back marked safe; unmark it, so a page that
    shows it escapes it like any other text (the admin's preview once did not)."""
    return str.__str__(text)


def one_line(text: str) -> str:
    """Collapse every run of whitespace, CR and LF included, to one space: a name or subject
    that reaches a header must never carry a line break (header injection)."""
    return " ".join(text.split())


def recipient_address(name: str, email: str) -> str:
    """The To address; formataddr quotes a name with a comma or quote marks correctly."""
    return formataddr((one_line(name), email.strip())) if one_line(name) else email.strip()


def visit_invite(challenge_id: int, case: dict, *, method: str = "PUBLISH") -> str | None:
    """The onsite visit as an all-day calendar event, or None if the dates are not set.

    Every invite for a case has the visit's one UID (workflow/calendar.py), so each replaces the
    last in the peer's calendar, as their calendar feed does; SEQUENCE (the visit's change count
    when the row was written) tells the calendar which one is newer, and a CANCEL with the same
    UID removes the event."""
    if not (case["onsite_start"] and case["onsite_end"]):
        return None
    cal = new_calendar(method)
    event = visit_event(
        challenge_id=challenge_id,
        type_name=case["type"],
        host=case["host"],
        start=case["onsite_start"],
        end=case["onsite_end"],
        sequence=case.get("visit_sequence", 0),
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    cal.add_component(event)
    return cal.to_ical().decode()
