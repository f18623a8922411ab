"""/reports/coverage/ (coverage-planner): every current English council's corporate peer
challenge coverage, as a dot map and as a table saying the same, filtered by region and
status; the same rows as CSV (coverage-planner-csv); a manager records why a council has not
had one (coverage-note)."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.errors import InvalidInput
from core.snapshots import Snapshot
from reports import coverage_map, coverage_table
from reports.coverage import STATUSES, CouncilCoverage, latest_coverage, regions
from reports.coverage_services import MAX_REASON, coverage_note_save
from reports.csv_cells import bad_query, csv_cell
from reports.dashboard_pages import allowed
from reports.models import CoverageNote
from workflow import roles
from workflow.models import Council

CSV_HEADER = [
    "Council",
    "Code",
    "GSS code",
    "Region",
    "Type",
    "Coverage",
    "Last CPC visit ended",
    "Last CPC",
    "Booked CPC",
    "Booked visit starts",
    "Next due",
    "Reason",
]


class CoverageForm(forms.Form):
    mark_optional = False  # every filter is optional

    region = forms.ChoiceField(required=False, label="Region")
    status = forms.ChoiceField(
        required=False, label="Coverage", choices=[("", "Any"), *STATUSES.items()]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", "Any region"), *((r, r) for r in regions())]

    def clean(self):
        data = super().clean() or {}
        for name in sorted(set(self.data) - set(self.fields)):
            self.add_error(None, f"This page has no filter called “{name}”")
        return data

    def rows(self) -> Snapshot[list[CouncilCoverage]]:
        """The chosen councils, from the kept figures."""
        data = self.cleaned_data
        chosen = (data["status"],) if data.get("status") else ()
        return latest_coverage(
            today=timezone.localdate(), region=data.get("region", ""), status_in=chosen
        )


@login_required
@require_safe
def coverage_page(request: HttpRequest) -> HttpResponse:
    allowed(request)
    form = CoverageForm(request.GET)
    context: dict = {
        "form": form,
        "filtered": bool(request.GET),
        "can_manage": roles.can_manage(request.user),
        "query": request.GET.urlencode(),
    }
    if form.is_valid():
        kept = form.rows()
        rows = kept.value
        context |= {
            "rows": rows,
            "figures_as_at": kept.as_at,
            "table_rows": coverage_table.table_rows(rows, can_manage=context["can_manage"]),
            "marks": coverage_table.map_marks(coverage_map.dots(rows)),
            "legend": coverage_map.legend(rows),
            "map_width": coverage_map.WIDTH,
            "map_height": coverage_map.HEIGHT,
        }
    return render(request, "reports/coverage.html", context)


def _case_links(request: HttpRequest):
    """A case's absolute address from its id ("" for none): reversed once, not twice a row."""
    any_case = 2**31 - 1
    pattern = request.build_absolute_uri(reverse("case-detail", args=[any_case]))
    before, after = pattern.split(str(any_case))
    return lambda pk: f"{before}{pk}{after}" if pk else ""


@login_required
@require_safe
def coverage_csv(request: HttpRequest) -> HttpResponse:
    allowed(request)
    form = CoverageForm(request.GET)
    if not form.is_valid():
        return bad_query(form.errors)
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coverage-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    case_link = _case_links(request)
    for row in form.rows().value:
        c = row.council
        cells = [
            c.name,
            c.code,
            c.gss_code,
            c.region,
            c.la_type_name,
            row.status_label,
            row.last_visit or "",
            case_link(row.last_case_id),
            case_link(row.booked_case_id),
            row.booked_visit or "",
            row.next_due or "",
            row.reason,
        ]
        writer.writerow([csv_cell(cell) for cell in cells])
    return response


class CoverageNoteForm(forms.Form):
    reason = forms.CharField(
        label="Why has this council not had a corporate peer challenge, or not lately?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_REASON,
        error_messages={"required": "Enter the reason"},
    )


@login_required
def coverage_note(request: HttpRequest, code: str) -> HttpResponse:
    allowed(request)
    council = Council.objects.active_english().filter(code__iexact=code).first()
    if council is None:
        raise Http404("No current English council has that code")
    if not roles.can_manage(request.user):
        raise PermissionDenied  # a programme lead reads the reasons; managers record them
    note = CoverageNote.objects.filter(council=council).first()
    initial = {"reason": note.reason} if note else {}
    form = CoverageNoteForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            coverage_note_save(
                council=council, reason=form.cleaned_data["reason"], actor=request.user
            )
        except InvalidInput as invalid:
            for field, problems in invalid.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, f"The reason for {council.name} is recorded.")
            return redirect(f"{reverse('coverage-planner')}#council-{council.code}")
    return render(
        request, "reports/coverage_note.html", {"form": form, "council": council, "note": note}
    )
