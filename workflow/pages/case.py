"""The case page and its steps. They call the same services as the API and the admin; a case
the user may not see is a 404, as in the API. Other apps add their parts of the page as panels
(settings.CASE_PANELS), so this module imports none of them."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from core.widgets import GovukDateInput
from workflow import roles, selectors, services
from workflow.pages.steps import fire_step
from workflow.panels import render_panels
from workflow.team_panel import team_panel
from workflow.timeline import timeline
from workflow.transition_forms import TransitionForm
from workflow.transitions import TRANSITIONS


def _visible_case(request, pk: int):
    return get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)


@login_required
@require_safe
def case_detail(request, pk: int):
    """The case: its summary, what each next step still needs, and its timeline."""
    challenge = _visible_case(request, pk)
    transitions = services.available_transitions(challenge, request.user)
    return render(
        request,
        "workflow/case_detail.html",
        {
            "case": challenge,
            "transitions": transitions,
            "team": team_panel(challenge, request.user, transitions=transitions),
            "timeline": timeline(challenge, personal=roles.can_manage(request.user)),
            "panels": render_panels(request, challenge),
        },
    )


@login_required
def case_transition(request, pk: int, name: str):
    """One step's form: exactly what the declaration takes; the service decides."""
    challenge = _visible_case(request, pk)
    if name not in TRANSITIONS:
        raise Http404(f"no step {name!r}")
    if not roles.can_manage(request.user):
        raise PermissionDenied
    spec = TRANSITIONS[name]
    posted = request.method == "POST"
    form = TransitionForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        challenge=challenge,
        spec=spec,
        date_widget=GovukDateInput,
    )
    if posted:
        fire = partial(
            services.challenge_transition, challenge=challenge, name=name, actor=request.user
        )
        done, unmet = fire_step(form, fire)
        if done:
            state = challenge.get_state_display().lower()
            messages.success(request, f"{challenge.reference} is now {state}.")
            return redirect("case-detail", pk=challenge.pk)
    else:
        unmet = spec.unmet(challenge)
    return render(
        request,
        "workflow/case_transition.html",
        {"case": challenge, "spec": spec, "form": form, "unmet": unmet},
    )
