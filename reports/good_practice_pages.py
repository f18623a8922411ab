"""/reports/good-practice/ (good-practice): the good-practice examples, searchable by theme,
council and words. Everyone signed in reads the published ones (peers take learning back to
their councils, DOMAIN.md §8); managers also see drafts and approved ones, which may hold a
council's survey answer, and move them on. An example a user may not see is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST, require_safe

from core.errors import InvalidInput, Refused
from core.row_markup import escape as _e
from reports.finding_pages import GoodPracticeForm, theme_choices
from reports.findings import component_labels
from reports.good_practice import good_practice_approve, good_practice_edit, good_practice_publish
from reports.models import GoodPractice
from workflow import roles
from workflow.models import Council

PAGE_SIZE = 25
LISTED = ("title", "summary", "status", "updated_at", "council__name", "theme__name")


def visible(user) -> QuerySet[GoodPractice]:
    examples = GoodPractice.objects.select_related("council", "theme", "challenge")
    if roles.can_manage(user):
        return examples
    return examples.filter(status=GoodPractice.Status.PUBLISHED)


class PlainSelect(forms.Select):
    """A select drawn here, in the markup Django's template gives: that template includes a
    template for each option and another for its attributes, and the council list's ~400
    options were most of the page's time at 100,000 cases (issue 11). Every value is escaped
    as the template escapes it."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        drawn = [f'<select name="{_e(name)}"{_attrs(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            if group:
                drawn.append(f'<optgroup label="{_e(group)}">')
            drawn.extend(
                f'<option value="{_e(o["value"])}"{_attrs(o["attrs"])}>{_e(o["label"])}</option>'
                for o in options
            )
            if group:
                drawn.append("</optgroup>")
        drawn.append("</select>")
        return mark_safe("".join(drawn))  # every value in it went through _e


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: True is the bare name, False is left out."""
    return "".join(
        f" {_e(key)}" if value is True else f' {_e(key)}="{_e(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


class SearchForm(forms.Form):
    mark_optional = False  # every filter is optional

    q = forms.CharField(label="Words", required=False, max_length=200)
    theme = forms.ChoiceField(label="Theme", required=False, widget=PlainSelect)
    council = forms.ChoiceField(label="Council", required=False, widget=PlainSelect)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), *GoodPractice.Status.choices],
        widget=PlainSelect,
    )

    def __init__(self, *args, examples: QuerySet[GoodPractice], managing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        themes = theme_choices(component_labels())
        self.fields["theme"].choices = [("", "Any theme"), *themes[1:]]  # type: ignore[attr-defined]
        councils = Council.objects.filter(pk__in=examples.values("council")).order_by("name")
        self.fields["council"].choices = [  # type: ignore[attr-defined]
            ("", "Any council"),
            *councils.values_list("code", "name"),
        ]
        if not managing:
            del self.fields["status"]  # they see published ones only

    def clean(self):
        data = super().clean() or {}
        for name in sorted(set(self.data) - set(self.fields) - {"page"}):
            self.add_error(None, f"This page has no filter called “{name}”")
        return data

    def filter(self, examples: QuerySet[GoodPractice]) -> QuerySet[GoodPractice]:
        data = self.cleaned_data
        if data.get("q"):
            for word in data["q"].split():
                examples = examples.filter(
                    Q(title__icontains=word)
                    | Q(summary__icontains=word)
                    | Q(council__name__icontains=word)
                )
        if data.get("theme"):
            examples = examples.filter(theme__slug=data["theme"])
        if data.get("council"):
            examples = examples.filter(council__code=data["council"])
        if data.get("status"):
            examples = examples.filter(status=data["status"])
        return examples


@login_required
@require_safe
def good_practice_list(request):
    managing = roles.can_manage(request.user)
    examples = visible(request.user)
    form = SearchForm(request.GET, examples=examples, managing=managing)
    context = {"form": form, "managing": managing, "searched": bool(set(request.GET) - {"page"})}
    if form.is_valid():
        # A page past the end shows the last one (the case list's rule).
        # Only what the list shows: the case (a wide row) is the detail page's.
        shown = (
            form.filter(examples)
            .select_related(None)
            .select_related("council", "theme")
            .only(*LISTED)
            .order_by("-updated_at", "-pk")
        )
        page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
        }
    return render(request, "reports/good_practice.html", context)


@login_required
@require_safe
def good_practice_detail(request, good_practice_id: int):
    practice = get_object_or_404(visible(request.user), pk=good_practice_id)
    return render(
        request,
        "reports/good_practice_detail.html",
        {"practice": practice, "managing": roles.can_manage(request.user)},
    )


def _managed(request, good_practice_id: int) -> GoodPractice:
    if not roles.can_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(GoodPractice.objects.select_related("council"), pk=good_practice_id)


@login_required
def good_practice_change(request, good_practice_id: int):
    practice = _managed(request, good_practice_id)
    initial = {
        "title": practice.title,
        "summary": practice.summary,
        "theme": practice.theme.slug if practice.theme else "",
    }
    form = GoodPracticeForm(request.POST if request.method == "POST" else None, initial=initial)
    refusal = None
    if practice.status != GoodPractice.Status.DRAFT:
        refusal = [f"This example is {practice.get_status_display().lower()}: only a draft changes"]
    elif form.is_bound and form.is_valid():
        try:
            good_practice_edit(practice=practice, data=form.cleaned_data, actor=request.user)
        except InvalidInput as invalid:
            for field, problems in invalid.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        except Refused as refused:
            refusal = refused.unmet
        else:
            messages.success(request, "The example is changed.")
            return redirect("good-practice-detail", good_practice_id=practice.pk)
    return render(
        request,
        "reports/good_practice_form.html",
        {"practice": practice, "form": form, "case": practice.challenge, "unmet": refusal},
        status=409 if refusal else 200,
    )


def _step(request, good_practice_id: int, move, done: str):
    practice = _managed(request, good_practice_id)
    try:
        move(practice=practice, actor=request.user)
    except Refused as refused:
        for problem in refused.unmet:
            messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect("good-practice-detail", good_practice_id=practice.pk)


@login_required
@require_POST
def good_practice_approve_page(request, good_practice_id: int):
    return _step(
        request, good_practice_id, good_practice_approve, "Recorded as approved by the council."
    )


@login_required
@require_POST
def good_practice_publish_page(request, good_practice_id: int):
    return _step(request, good_practice_id, good_practice_publish, "The example is published.")
