"""Reads of cases that more than one caller needs, shaped to avoid N+1 queries."""

from django.db.models import Prefetch, QuerySet

from workflow import roles
from workflow.models import Assignment, PeerChallenge


def challenge_list(*, user) -> QuerySet[PeerChallenge]:
    """The cases `user` may see, with everything the API renders joined or prefetched."""
    team = Assignment.objects.select_related("peer").order_by("-is_lead", "peer__name")
    cases = PeerChallenge.objects.select_related(
        "host", "challenge_type", "parent", "manager"
    ).prefetch_related(Prefetch("assignments", queryset=team))
    return roles.visible_challenges(user, cases)
