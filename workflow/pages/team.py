"""A manager's team pages, reached from the case page's team panel (workflow/team_panel.py): a
place's steps, each a form built from its declaration (as the case's steps are) and fired
through the team's service; a reserve queue's new order. A case the user may not see is a 404,
as on the case page; a user who may see it but not manage it is refused (403)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import InvalidInput, Refused
from core.widgets import GovukDateInput
from workflow import roles, selectors, team_services
from workflow.choices import AssignmentRole
from workflow.models import Assignment
from workflow.pages.steps import fire_step
from workflow.team_panel import MANAGER_STEPS
from workflow.team_transitions import TEAM_TRANSITIONS
from workflow.transition_forms import TransitionForm


def _managed_place(request, pk: int, assignment_id: int) -> Assignment:
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    place = get_object_or_404(challenge.assignments.select_related("peer"), pk=assignment_id)
    if not roles.can_manage(request.user):
        raise PermissionDenied
    place.challenge = challenge
    return place


def _team_url(place: Assignment) -> str:
    return reverse("case-detail", kwargs={"pk": place.challenge_id}) + "#team"


@login_required
def team_transition(request, pk: int, assignment_id: int, step: str):
    """A place's step: withdraw, complete with the days, mark expired, invite a reserve."""
    place = _managed_place(request, pk, assignment_id)
    if step not in MANAGER_STEPS:
        raise Http404(f"no step {step!r} for a manager")
    spec = TEAM_TRANSITIONS[step]
    posted = request.method == "POST"
    form = TransitionForm(
        request.POST if posted else None, place=place, spec=spec, date_widget=GovukDateInput
    )
    refused: list[str] = []
    unmet: list[str] = []
    if posted:
        fire = partial(
            team_services.assignment_transition, assignment=place, name=step, actor=request.user
        )
        done, refused = fire_step(form, fire)
        if done:
            status = place.get_status_display().lower()
            messages.success(request, f"{place.peer}'s place is now {status}.")
            return redirect(_team_url(place))
    else:
        unmet = _preview(place, step, request.user)
    return render(
        request,
        "workflow/case_transition.html",
        {
            "case": place.challenge,
            "place": place,
            "spec": spec,
            "form": form,
            "unmet": unmet,
            "refused": refused,
        },
    )


def _preview(place: Assignment, step: str, user) -> list[str]:
    """What would stop the step now, before the manager fills the form in."""
    steps = team_services.available_team_transitions(place, user)
    found = next((s for s in steps if s["name"] == step), None)
    if found is None:
        status = place.get_status_display().lower()
        label = TEAM_TRANSITIONS[step].label.lower()
        return [f"cannot {label} while {place.peer}'s place is {status}"]
    return found["unmet"]


@login_required
def team_link(request, pk: int, assignment_id: int):
    """An invitation's link revoked (a forwarded email, a lost phone), and perhaps sent again:
    a new link replaces every one sent before."""
    place = _managed_place(request, pk, assignment_id)
    refused: list[str] = []
    if request.method == "POST":
        resend = request.POST.get("resend") == "yes"
        try:
            team_services.assignment_revoke_link(
                assignment=place, actor=request.user, resend=resend
            )
        except Refused as refusal:
            refused = refusal.unmet
        else:
            done = "revoked; a new one is on its way" if resend else "revoked"
            messages.success(request, f"{place.peer}'s invitation link is {done}.")
            return redirect(_team_url(place))
    context = {"case": place.challenge, "place": place, "refused": refused}
    return render(request, "workflow/team_link.html", context)


@login_required
@require_POST
def reserves_order(request, pk: int, role: str):
    """A role's reserves in a new order (the panel's move up and move down buttons post the
    whole queue, so a queue changed meanwhile is refused rather than scrambled)."""
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    if not roles.can_manage(request.user):
        raise PermissionDenied
    problems: list[str] = []
    try:
        order = [int(value) for value in request.POST.getlist("order")]
        team_services.reserves_reorder(
            challenge=challenge, role=role, order=order, actor=request.user
        )
    except ValueError:
        problems = ["the order sent is not a list of reserves"]
    except InvalidInput as invalid:
        problems = [m for messages_ in invalid.errors.values() for m in messages_]
    except Refused as refusal:
        problems = refusal.unmet
    if problems:
        messages.error(request, f"The reserves were not reordered: {'; '.join(problems)}.")
    else:
        label = AssignmentRole(role).label.lower()
        messages.success(request, f"The {label} reserves are in their new order.")
    return redirect(reverse("case-detail", kwargs={"pk": challenge.pk}) + "#team")
