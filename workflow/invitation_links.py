"""A peer's invitation link (DESIGN.md §5): signed over the place's id and its `link_nonce`
(core/signed_links.py). The email holds the place's id only; the link is signed when the email
is rendered. A link acts only while its invitation is open: the place still invited, its
respond-by day not over, its nonce not replaced and its case not over. Anything else is one
answer, `None`, so the page can never say which of those it was."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.signed_links import make_token, nonce_matches, read_token
from workflow.choices import TERMINAL, AssignmentStatus
from workflow.models import Assignment

PURPOSE = "assignment-invitation"


def invitation_token(place: Assignment) -> str:
    return make_token(PURPOSE, place.pk, place.link_nonce)


def invitation_path(place: Assignment) -> str:
    return reverse("invitation", kwargs={"token": invitation_token(place)})


def open_invitations() -> QuerySet[Assignment]:
    """Every invitation that may still be answered, by link or signed in: invited, its
    respond-by day not over, its case not over."""
    return Assignment.objects.filter(
        status=AssignmentStatus.INVITED, respond_by__gte=timezone.localdate()
    ).exclude(challenge__state__in=TERMINAL)


def open_invitation(token: str) -> Assignment | None:
    """The open invitation a link was made for, or None."""
    found = read_token(PURPOSE, token)
    if found is None:
        return None
    pk, nonce = found
    place = (
        open_invitations()
        .select_related("peer", "challenge__host", "challenge__challenge_type")
        .filter(pk=pk)
        .first()
    )
    if place is None or not nonce_matches(place.link_nonce, nonce):
        return None
    return place
