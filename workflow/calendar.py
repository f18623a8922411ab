"""The onsite visit as a calendar event, built the same way wherever it goes: the invites the
emails carry (notifications/emails.py) and the private calendar feeds (notifications/
calendar_feed.py). One UID per case, so an emailed invite and a subscribed feed update the same
event in a person's calendar; SEQUENCE is the visit's change count, since a calendar applies an
update only if its SEQUENCE is higher (RFC 5545 3.8.7.4)."""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from icalendar import Calendar, Event

from workflow import actions
from workflow.models import CaseEvent, PeerChallenge

PRODID = "-//Peer Challenge//peerchallenge//EN"
# The events that change the visit as a calendar sees it: each raises its SEQUENCE.
VISIT_CHANGES = Q(action__in=[actions.POSTPONED, actions.RESUMED, actions.WITHDRAWN]) | Q(
    action=actions.CASE_UPDATED, data__has_any_keys=["onsite_start", "onsite_end"]
)


def visit_uid(challenge_id: int) -> str:
    return f"challenge-{challenge_id}-onsite@peerchallenge"


def visit_sequence(challenge: PeerChallenge, as_of: CaseEvent | None = None) -> int:
    """How many times the visit has changed (up to and including `as_of`): the same number for
    the same event however often it is asked, so a re-run writes the same rows."""
    events = challenge.events.filter(VISIT_CHANGES)
    if as_of is not None:
        events = events.filter(pk__lte=as_of.pk)
    return events.count()


def with_visit_sequence(cases: QuerySet[PeerChallenge]) -> QuerySet[PeerChallenge]:
    """`cases` annotated with `visit_sequence` (as above, up to now): one query for a feed."""
    changes = (
        CaseEvent.objects.filter(VISIT_CHANGES, challenge=OuterRef("pk"))
        .order_by()
        .values("challenge")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.annotate(visit_sequence=Coalesce(Subquery(changes), 0))


def new_calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def all_day_event(
    *, uid: str, summary: str, start: datetime.date, end: datetime.date, **properties
) -> Event:
    """An event over whole days, `start` to `end` inclusive (DTEND is exclusive)."""
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end + datetime.timedelta(days=1))
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    for name, value in properties.items():
        event.add(name, value)
    return event


def visit_event(
    *,
    challenge_id: int,
    type_name: str,
    host: str,
    start: datetime.date,
    end: datetime.date,
    sequence: int,
    status: str = "CONFIRMED",
) -> Event:
    """The onsite visit: CONFIRMED, TENTATIVE (an invitation not yet answered) or CANCELLED."""
    return all_day_event(
        uid=visit_uid(challenge_id),
        summary=f"{type_name}: {host}",
        start=start,
        end=end,
        sequence=sequence,
        status=status,
        location=host,
        # A calendar honours a CANCEL only from the event's organizer: the address we send from.
        organizer=f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}",
    )
