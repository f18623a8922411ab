"""New case and the case's edit form: managers and admins only (a programme lead changes nothing;
a peer is refused, or gets a 404 for a case they may not see, as in the API). They call the same
services as the API, so the same rules answer: bad input is a field error, a refusal is said in
words, a lost race asks for a reload."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from workflow import roles, selectors, services
from workflow.case_forms import CaseEditForm, NewCaseForm
from workflow.models import PeerChallenge

# As the step forms say it (workflow/pages/case.py).
CHANGED_MEANWHILE = "this case changed while you were editing: reload the case and try again"


def _managers_only(request) -> None:
    if not roles.can_manage(request.user):
        raise PermissionDenied


@login_required
def case_new(request):
    _managers_only(request)
    form = NewCaseForm(request.POST if request.method == "POST" else None)
    refused: list[str] = []
    if form.is_bound and form.is_valid():
        try:
            case = services.challenge_create(
                actor=request.user, manager=request.user, **form.cleaned_data
            )
        except InvalidInput as invalid:
            form.add_service_errors(invalid)
        except Refused as refusal:
            refused = refusal.unmet
        else:
            messages.success(request, f"{case.reference} opened for {case.host}.")
            return redirect("case-detail", pk=case.pk)
    return render(request, "workflow/case_new.html", {"form": form, "refused": refused})


@login_required
def case_edit(request, pk: int):
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    _managers_only(request)
    takes_no_edits = services.edit_refusal(challenge)
    if takes_no_edits:
        return _refused(request, challenge, Refused(takes_no_edits))
    form = CaseEditForm(request.POST if request.method == "POST" else None, challenge=challenge)
    changed_meanwhile = False
    if form.is_bound and form.is_valid():
        changes = form.changes()
        try:
            _save(challenge, form, changes, actor=request.user)
        except InvalidInput as invalid:
            form.add_service_errors(invalid)
        except Refused as refusal:
            return _refused(request, challenge, refusal)
        except ConcurrentTransition:
            form.add_error(None, CHANGED_MEANWHILE)
            changed_meanwhile = True
        else:
            if changes:
                labels = ", ".join(str(form[name].label).lower() for name in changes)
                messages.success(request, f"{challenge.reference}: {labels} changed.")
            return redirect("case-detail", pk=challenge.pk)
    context = {
        "case": challenge,
        "form": form,
        "changed_meanwhile": changed_meanwhile,
        "council_picker": "host" in form.fields,
    }
    return render(request, "workflow/case_edit.html", context)


def _save(challenge: PeerChallenge, form: CaseEditForm, changes: dict, *, actor) -> None:
    if changes:
        services.challenge_update(
            challenge=challenge, actor=actor, changes=changes, seen=form.seen_version()
        )


def _refused(request, challenge: PeerChallenge, refusal: Refused):
    return render(request, "workflow/case_edit.html", {"case": challenge, "refused": refusal.unmet})
