"""Emails that follow from case events. Listed in peerchallenge/reactions.py; each runs inside
the transition's transaction, so its outbox rows commit (or roll back) with the change."""

from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_queue
from workflow.models import Assignment


def email_booking_confirmation(event) -> None:
    challenge = event.challenge
    for name, email in challenge.council_contacts:
        notification_queue(
            kind="booking_confirmation",
            topic_key=Notification.case_topic(challenge),
            recipient_email=email,
            recipient_name=name,
            due_on=timezone.localdate(),
            challenge=challenge,
        )


def email_team_joining_instructions(event) -> None:
    challenge = event.challenge
    for assignment in challenge.assignments.filter(
        status=Assignment.Status.ACCEPTED
    ).select_related("peer"):
        notification_queue(
            kind="joining_instructions",
            topic_key=Notification.case_topic(challenge),
            recipient_email=assignment.peer.email,
            recipient_name=assignment.peer.name,
            due_on=timezone.localdate(),
            challenge=challenge,
        )
