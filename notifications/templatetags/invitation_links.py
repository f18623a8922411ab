"""The invitation link in a peer's invitation emails, signed when the email is rendered
(workflow/invitation_links.py): the outbox row holds the place's id, never the link."""

from django import template
from django.conf import settings

from workflow.invitation_links import invitation_path
from workflow.models import Assignment

register = template.Library()


@register.simple_tag
def invitation_url(notification) -> str:
    """Refuses (the row fails, nothing is sent) when the row's recipient is not the peer: the
    link only ever goes to the peer's own address."""
    place = Assignment.objects.select_related("peer").get(pk=notification.context["assignment"])
    if place.peer.email.strip().lower() != notification.recipient_email.strip().lower():
        raise ValueError("the recipient is not the invited peer")
    return settings.SITE_URL.rstrip("/") + invitation_path(place)
