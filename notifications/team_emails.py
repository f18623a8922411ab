"""Emails that follow a team place's events (workflow/team_transitions.py): the invitation to the
peer (with its signed link), the confirmation of a place with the visit's calendar invite, the
manager told of every answer, and the peer told when a place is withdrawn. Listed in
peerchallenge/reactions.py; each runs inside the place's transaction, so its outbox rows commit
(or roll back) with the change.

A row holds the place's id, never its link: the template signs the link when it renders
(notifications/templatetags/invitation_links.py). Each row is keyed by the place (one answer,
one confirmation, one withdrawal per place), an invitation sent again by its own event."""

from typing import Any

from django.utils import timezone

from notifications.models import Notification
from notifications.rules import recipients
from notifications.services import notification_queue
from notifications.snapshot import case_facts
from workflow import actions
from workflow.models import Assignment, CaseEvent, State
from workflow.timeline import ANSWERED_BY_LINK

Kind = Notification.Kind
Status = Assignment.Status


def _place(event: CaseEvent) -> Assignment:
    return Assignment.objects.select_related("peer").get(pk=event.data["assignment"])


def _day(value) -> str:
    return f"{value:%A %-d %B %Y}" if value else ""


def _context(event: CaseEvent, place: Assignment, **more: Any) -> dict[str, Any]:
    """What every team email says: the case as it was at the event, the place in words."""
    return {
        "case": case_facts(event.challenge, as_of=event),
        "assignment": place.pk,
        "peer_name": place.peer.name,
        "role": place.get_role_display(),
        "respond_by": _day(place.respond_by),
        **more,
    }


def _to_peer(event: CaseEvent, place: Assignment, kind: Kind, context: dict, topic: str = ""):
    if not place.peer.email.strip():
        return
    notification_queue(
        kind=kind,
        topic_key=topic or f"assignment:{place.pk}",
        recipient_email=place.peer.email,
        recipient_name=place.peer.name,
        due_on=timezone.localdate(),
        challenge=event.challenge,
        context=context,
    )


def email_invitation(event: CaseEvent) -> None:
    """The invitation, with its link, to the peer: when invited, and when a manager sends it
    again with a new link (a row of its own, keyed by that event)."""
    place = _place(event)
    resent = event.action == actions.ASSIGNMENT_INVITATION_RESENT
    topic = f"assignment:{place.pk}:resent:{event.pk}" if resent else ""
    _to_peer(event, place, Kind.INVITATION, _context(event, place, resent=resent), topic)


def email_place_confirmed(event: CaseEvent) -> None:
    """The peer's place confirmed, with the visit as a calendar invite once its dates are set
    (notifications/emails.py VISIT_KINDS)."""
    place = _place(event)
    _to_peer(event, place, Kind.PLACE_CONFIRMED, _context(event, place))


def email_invitation_answered(event: CaseEvent) -> None:
    """The manager (or, without one, the programme leads) hears of every answer: accepted
    (with the declaration), declined (with the reason) or lapsed."""
    place = _place(event)
    context = _context(
        event,
        place,
        answer=place.status,
        interests=place.interests if place.status == Status.ACCEPTED else "",
        decline_reason=place.get_decline_reason_display() if place.decline_reason else "",
        decline_note=place.decline_note if place.status == Status.DECLINED else "",
        by_link=event.data.get("answered_by") == ANSWERED_BY_LINK,
    )
    people, rung = recipients(event.challenge, "manager")
    if rung != "manager":
        context["instead_of"] = "manager"
    for name, email in people:
        notification_queue(
            kind=Kind.INVITATION_ANSWERED,
            topic_key=f"assignment:{place.pk}",
            recipient_email=email,
            recipient_name=name,
            due_on=timezone.localdate(),
            challenge=event.challenge,
            context=context,
        )


def email_place_withdrawn(event: CaseEvent) -> None:
    """The peer hears that their invitation or place is withdrawn; an accepted peer's calendar
    event is cancelled. When the whole case is withdrawn, its accepted peers already have the
    case's own withdrawal email (VISIT_WITHDRAWN, sent first): only the invited hear from here."""
    place = _place(event)
    had_accepted = event.data.get("from_status") == Status.ACCEPTED
    case_withdrawn = event.challenge.state == State.WITHDRAWN
    if case_withdrawn and had_accepted:
        return
    context = _context(
        event,
        place,
        had_accepted=had_accepted,
        case_withdrawn=case_withdrawn,
        reason="" if case_withdrawn else event.reason,
        # Only a peer who accepted had the visit in their calendar: nothing to cancel otherwise.
        with_calendar=had_accepted,
    )
    _to_peer(event, place, Kind.PLACE_WITHDRAWN, context)
