"""A person's calendar feed (ICS): what a calendar app subscribed to their private URL shows.

For a peer, the visits of the teams they are invited to (tentative), on (confirmed) or were on
(a withdrawn place, or a case postponed or withdrawn, is CANCELLED). For a manager, their cases'
visits and the deadlines the reminder rules chase: the report due after the feedback
presentation and the publication due after the report (notifications/rules.py, the same steps
and settings, so the calendar and the reminders never disagree).

A visit has the one UID and SEQUENCE of the emailed invites (workflow/calendar.py), so a feed
and an email update the same event in the same calendar."""

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from icalendar import Event

from notifications.rules import (
    PUBLICATION_DUE,
    REPORT_OVERDUE,
    Step,
    cases_awaiting_publication,
    cases_awaiting_report,
)
from workflow.calendar import all_day_event, new_calendar, visit_event, with_visit_sequence
from workflow.choices import AssignmentStatus, State
from workflow.models import Assignment, PeerChallenge

# The places whose visit is in a peer's calendar, and how it shows there.
PLACE_STATUS = {
    AssignmentStatus.INVITED: "TENTATIVE",
    AssignmentStatus.ACCEPTED: "CONFIRMED",
    AssignmentStatus.COMPLETED: "CONFIRMED",
    AssignmentStatus.WITHDRAWN: "CANCELLED",
}
VISIT_OFF = (State.POSTPONED, State.WITHDRAWN)
# (what is due, the rule's first step: its date is the deadline, its cases those still owing)
DEADLINES = (
    ("Report due", "report-due", REPORT_OVERDUE[0], cases_awaiting_report),
    ("Publication due", "publication-due", PUBLICATION_DUE[0], cases_awaiting_publication),
)


def feed_ics(user: AbstractBaseUser) -> str:
    cal = new_calendar()
    cal.add("x-wr-calname", "Peer Challenge")
    events: dict[str, Event] = {}
    for event in [*_peer_visits(user), *_managed_visits(user), *_deadlines(user)]:
        events.setdefault(str(event["uid"]), event)  # a peer's own view of a visit first
    for event in events.values():
        cal.add_component(event)
    return cal.to_ical().decode()


def _visit(case: PeerChallenge, status: str) -> Event:
    assert case.onsite_start and case.onsite_end  # the queries ask for both
    event = visit_event(
        challenge_id=case.pk,
        type_name=str(case.challenge_type),
        host=str(case.host),
        start=case.onsite_start,
        end=case.onsite_end,
        sequence=case.visit_sequence,  # type: ignore[attr-defined]  # with_visit_sequence
        status="CANCELLED" if case.state in VISIT_OFF else status,
    )
    event.add("url", _case_url(case))
    return event


def _dated(cases):
    return with_visit_sequence(
        cases.filter(onsite_start__isnull=False, onsite_end__isnull=False).select_related(
            "host", "challenge_type"
        )
    )


def _peer_visits(user: AbstractBaseUser) -> Iterator[Event]:
    places = Assignment.objects.filter(peer__user__pk=user.pk, status__in=PLACE_STATUS)
    status_of = dict(places.values_list("challenge", "status"))
    for case in _dated(PeerChallenge.objects.filter(pk__in=status_of)).order_by("pk"):
        yield _visit(case, PLACE_STATUS[status_of[case.pk]])


def _managed_visits(user: AbstractBaseUser) -> Iterator[Event]:
    for case in _dated(PeerChallenge.objects.filter(manager__pk=user.pk)).order_by("pk"):
        yield _visit(case, "CONFIRMED")


def _deadlines(user: AbstractBaseUser) -> Iterator[Event]:
    for words, key, step, cases in DEADLINES:
        for case in cases().filter(manager__pk=user.pk).order_by("pk"):
            yield _deadline(case, words, key, step)


def _deadline(case: PeerChallenge, words: str, key: str, step: Step) -> Event:
    due: datetime.date = step.due(case)
    return all_day_event(
        uid=f"challenge-{case.pk}-{key}@peerchallenge",
        summary=f"{words}: {case.challenge_type} at {case.host} ({case.reference})",
        start=due,
        end=due,
        url=_case_url(case),
    )


def _case_url(case: PeerChallenge) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("case-detail", args=[case.pk])
