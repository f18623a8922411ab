"""Reads of cases that more than one caller needs, shaped to avoid N+1 queries."""

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from workflow import roles
from workflow.choices import HOLDS_A_PLACE, TERMINAL, AssignmentStatus, PeerKind
from workflow.models import Assignment, CaseEvent, ChallengeType, Council, PeerChallenge
from workflow.models.peers import PoliticalGroup


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


def other_open_case(
    *,
    host: Council,
    challenge_type: ChallengeType,
    exclude: PeerChallenge | None = None,
    enquiries_too: bool = False,
) -> PeerChallenge | None:
    """Another open case of this type for this council: one holding its place (booked and
    later; the booking guard's rule), or with `enquiries_too` any not yet finished (the rule
    for opening or re-pointing a case)."""
    open_cases = ~Q(state__in=TERMINAL) if enquiries_too else HOLDS_A_PLACE
    others = PeerChallenge.objects.filter(open_cases, host=host, challenge_type=challenge_type)
    if exclude is not None and exclude.pk is not None:
        others = others.exclude(pk=exclude.pk)
    return others.order_by("pk").first()


def team_balance(challenge: PeerChallenge) -> list[dict]:
    """The team's political balance: how many accepted member peers each political group has,
    largest first (shown to the manager, not a rule). Reads the case's prefetched team when it
    has one (challenge_list), so a case page or API answer costs no query for it."""
    places = challenge.assignments.all()
    if "assignments" not in getattr(challenge, "_prefetched_objects_cache", {}):
        places = places.select_related("peer")
    counts: dict[str, int] = {}
    for place in places:
        if place.status == AssignmentStatus.ACCEPTED and place.peer.kind == PeerKind.MEMBER:
            group = place.peer.political_group
            counts[group] = counts.get(group, 0) + 1
    labels = dict(PoliticalGroup.choices)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], labels.get(item[0], item[0])))
    return [
        {"group": group, "label": labels.get(group, group or "Not recorded"), "count": n}
        for group, n in ordered
    ]
