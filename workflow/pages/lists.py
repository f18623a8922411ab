"""The landing lists: a manager's cases (everyone's for a programme lead) and a peer's visits."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from workflow import roles, selectors
from workflow.choices import SEEN_BY_PEER

LIST_LIMIT = 500


@login_required
def my_cases(request):
    """A manager's own cases; everyone's for a programme lead or an admin (read-only here)."""
    user = request.user
    if not roles.can_read_all(user):
        raise PermissionDenied
    cases = selectors.challenge_list(user=user)
    own = roles.MANAGER in set(user.groups.values_list("name", flat=True))
    if own:
        cases = cases.filter(manager=user)
    cases = cases.order_by("onsite_start", "pk")[:LIST_LIMIT]
    return render(
        request,
        "workflow/case_list.html",
        {"cases": cases, "title": "My cases" if own else "All cases", "limit": LIST_LIMIT},
    )


@login_required
def my_visits(request):
    """The cases a peer is on (invited or on the team)."""
    user = request.user
    cases = (
        selectors.challenge_list(user=user)
        .filter(assignments__peer__user=user, assignments__status__in=SEEN_BY_PEER)
        .distinct()
        .order_by("onsite_start", "pk")[:LIST_LIMIT]
    )
    return render(
        request,
        "workflow/case_list.html",
        {"cases": cases, "title": "My visits", "limit": LIST_LIMIT},
    )
