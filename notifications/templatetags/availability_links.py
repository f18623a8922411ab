"""The link in a date poll's email (notifications/availability_emails.py), made when the email
is rendered: the outbox row holds the place's id, never the link."""

from django import template
from django.conf import settings
from django.urls import reverse

from workflow.invitation_links import invitation_token
from workflow.models import Assignment

register = template.Library()


@register.simple_tag
def availability_url(notification) -> str:
    """Where the peer answers: while invited, by their invitation's signed link (no sign-in
    needed); once on the team, their place's page when signed in. Refuses (the row fails,
    nothing is sent) when the row's recipient is not the peer: a signed link only ever goes to
    the peer's own address."""
    place = Assignment.objects.select_related("peer").get(pk=notification.context["assignment"])
    if place.peer.email.strip().lower() != notification.recipient_email.strip().lower():
        raise ValueError("the recipient is not the peer asked")
    if place.status == Assignment.Status.INVITED:
        path = reverse("invitation-availability", kwargs={"token": invitation_token(place)})
    else:
        path = reverse("my-place-availability", kwargs={"assignment_id": place.pk})
    return settings.SITE_URL.rstrip("/") + path
