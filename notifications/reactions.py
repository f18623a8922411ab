"""Emails that follow from case events. Listed in peerchallenge/reactions.py; each runs inside
the transition's transaction, so its outbox rows commit (or roll back) with the change.

Each row carries a snapshot of the case taken at the event (notifications.snapshot), so it
says what was true when it was written however late it is sent.
"""

from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_queue
from notifications.snapshot import case_facts
from workflow.models import Assignment, CaseEvent, PeerChallenge, State

# The visit is still ahead (or under way) in these states: a change to it is news to the team.
VISIT_NOT_OVER = (State.PREPARATION, State.ONSITE)
Kind = Notification.Kind


def _accepted_peers(challenge: PeerChallenge) -> list[tuple[str, str]]:
    team = challenge.assignments.filter(status=Assignment.Status.ACCEPTED).select_related("peer")
    return [(a.peer.name, a.peer.email) for a in team.order_by("pk")]


def _email(event: CaseEvent, kind: Kind, people, *, topic_key: str, context: dict) -> None:
    challenge = event.challenge
    for name, email in people:
        notification_queue(
            kind=kind,
            topic_key=topic_key,
            recipient_email=email,
            recipient_name=name,
            due_on=timezone.localdate(),
            challenge=challenge,
            context=context,
        )


def email_booking_confirmation(event: CaseEvent) -> None:
    challenge = event.challenge
    _email(
        event,
        Kind.BOOKING_CONFIRMATION,
        challenge.council_contacts,
        topic_key=Notification.case_topic(challenge),
        context={"case": case_facts(challenge, as_of=event)},
    )


def email_team_joining_instructions(event: CaseEvent) -> None:
    challenge = event.challenge
    _email(
        event,
        Kind.JOINING_INSTRUCTIONS,
        _accepted_peers(challenge),
        topic_key=Notification.case_topic(challenge),
        context={"case": case_facts(challenge, as_of=event)},
    )


# --- changes to the visit: the team's calendar and the council --------------------------------


def _joining_instructions_went_out(challenge: PeerChallenge) -> bool:
    return challenge.notifications.filter(kind=Kind.JOINING_INSTRUCTIONS).exists()


def _places_confirmed(challenge: PeerChallenge) -> bool:
    """Peers who accepted during team assembly have had the visit (or word of it) with their
    place's confirmation (notifications/team_emails.py), before any joining instructions."""
    return challenge.notifications.filter(kind=Kind.PLACE_CONFIRMED).exists()


def _tell_team_and_council(
    event: CaseEvent, kind: Kind, *, council: bool = True, **context
) -> None:
    """`kind` to each accepted peer (with the calendar update) and to the council contacts
    (unless `council` is false: a team still being assembled is no news to the council).

    Keyed by the visit's change count, which is fixed per event: the same event run twice
    writes nothing new, while a second change on the same day is a new email (and a calendar
    update with a higher SEQUENCE)."""
    challenge = event.challenge
    facts = case_facts(challenge, as_of=event)
    topic_key = f"{Notification.case_topic(challenge)}:visit:{facts['visit_sequence']}"
    team = _accepted_peers(challenge)
    context = {**context, "case": facts, "team_told": bool(team)}
    _email(event, kind, team, topic_key=topic_key, context={**context, "audience": "team"})
    if council:
        _email(
            event,
            kind,
            challenge.council_contacts,
            topic_key=topic_key,
            context={**context, "audience": "council"},
        )


def email_visit_dates_changed(event: CaseEvent) -> None:
    """The onsite dates were edited after the team had its joining instructions and before
    the visit was over, or during team assembly once a peer's place was confirmed (the team
    only). Earlier edits are part of scoping: the confirmations will carry the dates that
    stand."""
    challenge = event.challenge
    dates_changed = {"onsite_start", "onsite_end"} & set(event.data)
    if not dates_changed:
        return
    if challenge.state in VISIT_NOT_OVER and _joining_instructions_went_out(challenge):
        _tell_team_and_council(event, Kind.VISIT_CHANGED)
    elif challenge.state == State.TEAM_ASSEMBLY and _places_confirmed(challenge):
        _tell_team_and_council(event, Kind.VISIT_CHANGED, council=False)


def email_visit_back_on(event: CaseEvent) -> None:
    """A postponed case resumed with its team confirmed (or, still assembling, with places
    confirmed): the cancelled calendar event is sent again, with the dates that now stand, and
    the team is asked to confirm they can make them."""
    challenge = event.challenge
    if challenge.state in VISIT_NOT_OVER and _joining_instructions_went_out(challenge):
        _tell_team_and_council(event, Kind.VISIT_CHANGED, resumed=True)
    elif challenge.state == State.TEAM_ASSEMBLY and _places_confirmed(challenge):
        _tell_team_and_council(event, Kind.VISIT_CHANGED, council=False, resumed=True)


def email_visit_postponed(event: CaseEvent) -> None:
    _tell_team_and_council(event, Kind.VISIT_POSTPONED)


def email_visit_withdrawn(event: CaseEvent) -> None:
    _tell_team_and_council(event, Kind.VISIT_WITHDRAWN)
