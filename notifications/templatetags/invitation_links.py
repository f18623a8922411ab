"""The invitation link in a peer's invitation emails, signed when the email is rendered
(workflow/invitation_links.py): the outbox row holds the place's id, never the link."""

from django import template
from django.conf import settings

from workflow.invitation_links import invitation_path
from workflow.models import Assignment

register = template.Library()


# What a preview shows instead of the link (notifications.emails.render_email).
PREVIEW = "(the peer's own link, made only in the email they are sent)"


@register.simple_tag(takes_context=True)
def invitation_url(context, notification) -> str:
    """Refuses (the row fails, nothing is sent) when the row's recipient is not the peer: the
    link only ever goes to the peer's own address, and a manager's preview never holds it."""
    place = Assignment.objects.select_related("peer").get(pk=notification.context["assignment"])
    if place.peer.email.strip().lower() != notification.recipient_email.strip().lower():
        raise ValueError("the recipient is not the invited peer")
    if context.get("preview"):
        return PREVIEW
    return settings.SITE_URL.rstrip("/") + invitation_path(place)
