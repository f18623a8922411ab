"""The manager hears what the reserve queue did when an invitee declined or let the invitation
lapse (workflow/reactions_team.py): which reserve was invited in whose place, who was passed
over and why, or that no reserve of that role is left. Listed in peerchallenge/reactions.py on
the reserve's invite event and on NO_RESERVE_LEFT, run inside their transaction."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.rules import recipients
from notifications.services import notification_queue
from notifications.snapshot import case_facts
from workflow import actions
from workflow.choices import AssignmentRole, AssignmentStatus
from workflow.models import CaseEvent, Peer


def email_reserve_invited(event: CaseEvent) -> None:
    """To the case's manager (or, without one, the programme leads), for an invitation the
    reserve queue sent (its event names whom it replaces) or could not send; an invitation a
    manager sent themselves is news to nobody but the peer."""
    if "replaces" not in event.data:
        return
    challenge = event.challenge
    data = event.data
    skipped = data.get("skipped", [])
    names = _names([data["replaces"], data.get("peer"), *(s["peer"] for s in skipped)])
    lapsed = challenge.assignments.get(peer_id=data["replaces"])
    context = {
        "replaces": names[data["replaces"]],
        "replaced_how": "declined" if lapsed.status == AssignmentStatus.DECLINED else "lapsed",
        "role": AssignmentRole(lapsed.role).label.lower(),
        "skipped": [{"name": names[s["peer"]], "why": s["why"]} for s in skipped],
        "no_reserve_left": event.action == actions.NO_RESERVE_LEFT,
        "case_url": settings.SITE_URL.rstrip("/") + reverse("case-detail", args=[challenge.pk]),
        "case": case_facts(challenge, as_of=event),
    }
    if data.get("peer"):
        invited = challenge.assignments.get(peer_id=data["peer"])
        context |= {"invited": names[data["peer"]], "respond_by": _day(invited.respond_by)}
    people, _ = recipients(challenge, "manager")
    for name, email in people:
        notification_queue(
            kind=Notification.Kind.RESERVE_INVITED,
            # One per event: a second lapse in the same role the same day is its own email.
            topic_key=f"case_event:{event.pk}",
            recipient_email=email,
            recipient_name=name,
            due_on=timezone.localdate(),
            challenge=challenge,
            context=context,
        )


def _names(peer_ids: list[int | None]) -> dict[int, str]:
    return dict(Peer.objects.filter(pk__in=set(filter(None, peer_ids))).values_list("pk", "name"))


def _day(value) -> str:
    return f"{value:%A %-d %B %Y}" if value else ""
