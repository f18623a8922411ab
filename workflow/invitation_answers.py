"""A peer's answer to an invitation (accept or decline), from the emailed link or signed in on
My invitations, and what a signed-in peer's pages list. The answer itself is the place's own
transition (team_services.assignment_transition): this only makes sure the invitation is still
open when it is answered."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from workflow import team_services
from workflow.choices import ON_TEAM
from workflow.invitation_links import open_invitation, open_invitations
from workflow.models import Assignment, PeerChallenge
from workflow.timeline import ANSWERED_BY_LINK

ANSWERS = ("accept", "decline")
_JOINED = ("peer", "challenge__host", "challenge__challenge_type", "challenge__manager")


def answer_by_link(*, token: str, name: str, **inputs: Any) -> Assignment | None:
    """Answer the invitation the link was made for, as its peer (their account, if they have
    one). None, changing nothing, when the link does not open an invitation (any reason)."""
    place = open_invitation(token)
    if place is None:
        return None
    return _answer(place, name=name, actor=place.peer.user, link=True, inputs=inputs)


def answer_signed_in(*, user: User, pk: int, name: str, **inputs: Any) -> Assignment | None:
    """Answer the user's own open invitation `pk`; None when they have no such invitation."""
    place = invitations_of(user).filter(pk=pk).first()
    if place is None:
        return None
    return _answer(place, name=name, actor=user, link=False, inputs=inputs)


def _answer(
    place: Assignment, *, name: str, actor: Any, link: bool, inputs: dict[str, Any]
) -> Assignment | None:
    if name not in ANSWERS:
        raise ValueError(f"not an answer to an invitation: {name!r}")
    with transaction.atomic():
        # Under the case's lock (the one every team write takes), read the invitation again:
        # an answer, a revocation or a withdrawal that got there first leaves nothing to answer.
        list(PeerChallenge.objects.select_for_update().filter(pk=place.challenge_id).values("pk"))
        still_open = open_invitations().filter(pk=place.pk, link_nonce=place.link_nonce)
        fresh = still_open.select_related(*_JOINED).first()
        if fresh is None:
            return None
        facts = {"answered_by": ANSWERED_BY_LINK} if link else None
        return team_services.assignment_transition(
            assignment=fresh, name=name, actor=actor, facts=facts, **inputs
        )


def invitations_of(user: User) -> QuerySet[Assignment]:
    """The signed-in peer's invitations still open, soonest respond-by first."""
    return (
        open_invitations()
        .filter(peer__user=user)
        .select_related(*_JOINED)
        .order_by("respond_by", "pk")
    )


def challenges_of(user: User) -> QuerySet[Assignment]:
    """The signed-in peer's places on teams (accepted or completed), soonest visit first."""
    return (
        Assignment.objects.filter(peer__user=user, status__in=ON_TEAM)
        .select_related(*_JOINED)
        .order_by("challenge__onsite_start", "pk")
    )
