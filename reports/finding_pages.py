"""A manager's pages for the report's findings on a case (/reports/cases/<pk>/findings/…) and
their own good-practice example from it. A case the user may not see is a 404; anyone else
but a manager (a programme lead, a peer on the team) is refused (403). Forms translate; the
services in reports/findings.py and reports/good_practice.py decide."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.errors import InvalidInput, Refused
from reports.findings import (
    MAX_EXCERPT,
    NO_REPORT_YET,
    case_components,
    component_labels,
    finding_add,
    finding_delete,
    finding_edit,
    may_record,
)
from reports.good_practice import MAX_SUMMARY, MAX_TITLE, good_practice_add, may_add_good_practice
from reports.models import Finding, Polarity, Theme
from workflow import roles, selectors
from workflow.models import PeerChallenge


def managed_case(request, pk: int) -> PeerChallenge:
    case = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    if not roles.can_manage(request.user):
        raise PermissionDenied
    return case


def case_url(case: PeerChallenge) -> str:
    return reverse("case-detail", args=[case.pk]) + "#findings"


def theme_choices(components: dict[str, str]) -> list:
    """Themes grouped under their component: a theme belongs to exactly one."""
    themes = list(Theme.objects.filter(component__in=components))
    return [("", "Choose a theme")] + [
        (label, [(t.slug, t.name) for t in themes if t.component == code])
        for code, label in components.items()
        if any(t.component == code for t in themes)
    ]


class FindingForm(forms.Form):
    component = forms.ChoiceField(
        label="Core component", error_messages={"required": "Select the core component"}
    )
    theme = forms.ChoiceField(
        label="Theme",
        help_text="Themes are listed under the component they belong to.",
        error_messages={"required": "Select the theme"},
    )
    polarity = forms.ChoiceField(
        label="Is it a strength or an area for improvement?",
        choices=Polarity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select strength or area for improvement"},
    )
    excerpt = forms.CharField(
        label="Excerpt from the report",
        help_text=f"A short passage, up to {MAX_EXCERPT:,} characters.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the excerpt from the report"},
    )

    def __init__(self, *args, case: PeerChallenge, **kwargs):
        super().__init__(*args, **kwargs)
        components = case_components(case)
        self.fields["component"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a component"),
            *components.items(),
        ]
        self.fields["theme"].choices = theme_choices(components)  # type: ignore[attr-defined]


def _add_errors(form: forms.Form, invalid: InvalidInput) -> None:
    for field, problems in invalid.errors.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _refused(request, case: PeerChallenge, refusal: Refused):
    return render(
        request, "reports/refused.html", {"case": case, "unmet": refusal.unmet}, status=409
    )


def _submit(request, case: PeerChallenge, form: forms.Form, write, done: str):
    """Run `write` on the form's data and go where it says; its InvalidInput lands on the
    form (None: render the form again), a refusal is the 409 page."""
    if not (form.is_bound and form.is_valid()):
        return None
    try:
        to = write(form.cleaned_data)
    except InvalidInput as invalid:
        _add_errors(form, invalid)
        return None
    except Refused as refusal:
        return _refused(request, case, refusal)
    messages.success(request, done)
    return redirect(to)


@login_required
def finding_new(request, pk: int):
    case = managed_case(request, pk)
    if not may_record(case):
        return _refused(request, case, Refused([NO_REPORT_YET]))
    form = FindingForm(request.POST if request.method == "POST" else None, case=case)

    def write(data) -> str:
        finding_add(case=case, data=data, actor=request.user)
        if "another" in request.POST:
            return reverse("case-finding-new", args=[case.pk])
        return case_url(case)

    done = _submit(request, case, form, write, "The finding is recorded.")
    if done is not None:
        return done
    return render(
        request, "reports/finding_form.html", {"case": case, "form": form, "finding": None}
    )


def _finding(case: PeerChallenge, finding_id: int) -> Finding:
    return get_object_or_404(Finding.objects.select_related("theme"), pk=finding_id, challenge=case)


@login_required
def finding_change(request, pk: int, finding_id: int):
    case = managed_case(request, pk)
    finding = _finding(case, finding_id)
    if not may_record(case):
        return _refused(request, case, Refused([NO_REPORT_YET]))
    initial = {
        "component": finding.component,
        "theme": finding.theme.slug,
        "polarity": finding.polarity,
        "excerpt": finding.excerpt,
    }
    posted = request.POST if request.method == "POST" else None
    form = FindingForm(posted, case=case, initial=initial)

    def write(data) -> str:
        finding_edit(finding=finding, data=data, actor=request.user)
        return case_url(case)

    done = _submit(request, case, form, write, "The finding is changed.")
    if done is not None:
        return done
    return render(
        request, "reports/finding_form.html", {"case": case, "form": form, "finding": finding}
    )


@login_required
def finding_remove(request, pk: int, finding_id: int):
    """GET asks to confirm; POST removes."""
    case = managed_case(request, pk)
    finding = _finding(case, finding_id)
    if not may_record(case):
        return _refused(request, case, Refused([NO_REPORT_YET]))
    if request.method == "POST":
        try:
            finding_delete(finding=finding, actor=request.user)
        except Refused as refusal:
            return _refused(request, case, refusal)
        messages.success(request, "The finding is removed.")
        return redirect(case_url(case))
    component = case_components(case).get(finding.component, finding.component)
    return render(
        request,
        "reports/finding_delete.html",
        {"case": case, "finding": finding, "component": component},
    )


class GoodPracticeForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=MAX_TITLE, error_messages={"required": "Enter a title"}
    )
    summary = forms.CharField(
        label="What is the practice?",
        help_text="What the council does, and why others might learn from it.",
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what the practice is"},
    )
    theme = forms.ChoiceField(label="Theme", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = theme_choices(component_labels())  # type: ignore[attr-defined]


@login_required
def case_good_practice_new(request, pk: int):
    case = managed_case(request, pk)
    if not may_add_good_practice(case):
        return _refused(
            request, case, Refused(["Good practice is recorded from the onsite visit on"])
        )
    form = GoodPracticeForm(request.POST if request.method == "POST" else None)

    def write(data) -> str:
        practice = good_practice_add(case=case, data=data, actor=request.user)
        return reverse("good-practice-detail", args=[practice.pk])

    done = _submit(request, case, form, write, "The good practice is saved as a draft.")
    if done is not None:
        return done
    return render(request, "reports/good_practice_form.html", {"case": case, "form": form})
