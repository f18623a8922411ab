"""Reads of cases that more than one caller needs, shaped to avoid N+1 queries."""

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from workflow import roles
from workflow.models import Assignment, CaseEvent, PeerChallenge


def challenge_list(*, user) -> QuerySet[PeerChallenge]:
    """The cases `user` may see, with everything the API renders joined or prefetched."""
    team = Assignment.objects.select_related("peer").in_team_order()
    cases = PeerChallenge.objects.select_related(
        "host", "challenge_type", "parent", "manager"
    ).prefetch_related(Prefetch("assignments", queryset=team))
    return roles.visible_challenges(user, cases)


def challenge_table(*, user) -> QuerySet[PeerChallenge]:
    """The cases `user` may see as rows of a table: host, type and manager joined, and
    `state_since` annotated (when the case entered its current state: its latest event into
    that state, else its last change), so any number of rows costs one query."""
    entered_state = CaseEvent.objects.filter(
        challenge=OuterRef("pk"), to_state=OuterRef("state")
    ).order_by("-created_at", "-pk")
    cases = PeerChallenge.objects.select_related("host", "challenge_type", "manager").annotate(
        state_since=Coalesce(Subquery(entered_state.values("created_at")[:1]), F("updated_at"))
    )
    return roles.visible_challenges(user, cases)
