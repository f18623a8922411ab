import datetime
import zoneinfo

import factory
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.workflow.factories import PeerChallengeFactory, UserFactory
from workflow import roles

Kind = Notification.Kind

LONDON = zoneinfo.ZoneInfo("Europe/London")


def london(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A moment on `day`, London time: what time_machine travels to."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def programme_lead(**kwargs):
    return UserFactory(role=roles.PROGRAMME_LEAD, **kwargs)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Kind.BOOKING_CONFIRMATION
    challenge = factory.SubFactory(PeerChallengeFactory)
    topic_key = factory.LazyAttribute(lambda n: f"challenge:{n.challenge.pk}")
    recipient_email = factory.Sequence(lambda i: f"recipient{i}@council.example.gov.uk")
    recipient_name = "Robin Recipient"
    due_on = factory.LazyFunction(timezone.localdate)


def queued_about(challenge, kind: Kind, *, recipient_email="ce@example.org", **context):
    """A row about `challenge` written by the service, so it carries the case's snapshot. Due
    on the visit's first day, so nothing is dispatched now."""
    notification, _ = services.notification_queue(
        kind=kind,
        topic_key=Notification.case_topic(challenge),
        recipient_email=recipient_email,
        recipient_name=challenge.chief_executive_name,
        due_on=challenge.onsite_start,
        challenge=challenge,
        context=context,
    )
    return notification
