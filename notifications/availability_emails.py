"""The date poll's email (workflow/availability_services.py): each invited or accepted peer is
asked which of the offered ranges they can make. Listed in peerchallenge/reactions.py; it runs
inside the poll's transaction, so its outbox rows commit (or roll back) with the offer.

A row holds the place's id, never a link: the template signs the peer's link when it renders
(notifications/templatetags/availability_links.py). Keyed by the offer's event, so the same
offer handled twice writes nothing new and a changed offer is a new email."""

from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_queue
from notifications.snapshot import case_facts
from workflow.availability_services import polled_places
from workflow.date_checks import date_clashes
from workflow.models import CaseEvent


def email_availability_poll(event: CaseEvent) -> None:
    challenge = event.challenge
    options = [
        {"dates": str(option), "warnings": date_clashes(challenge.host, option.start, option.end)}
        for option in challenge.date_options.all()
    ]
    facts = case_facts(challenge, as_of=event)
    for place in polled_places(challenge):
        if not place.peer.email.strip():
            continue
        notification_queue(
            kind=Notification.Kind.AVAILABILITY_POLL,
            topic_key=f"{Notification.case_topic(challenge)}:dates:{event.pk}",
            recipient_email=place.peer.email,
            recipient_name=place.peer.name,
            due_on=timezone.localdate(),
            challenge=challenge,
            context={"case": facts, "assignment": place.pk, "options": options},
        )
