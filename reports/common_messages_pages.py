"""/reports/common-messages/?year=YYYY (common-messages): the year's findings counted by core
component, theme and polarity, with their excerpts; the counts and the excerpts as CSV
(common-messages-csv, common-messages-excerpts-csv). Managers, admins and programme leads. No
year chosen is this financial year; a bad year is a form error on the page, a 400 for a CSV."""

import csv
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from core.errors import InvalidInput
from core.row_markup import url_pattern
from core.snapshots import Snapshot
from reports.common_messages import CommonMessages, Excerpt, latest_common_messages
from reports.csv_cells import bad_query, csv_cell
from reports.dashboard_pages import allowed
from reports.models import Polarity, Theme
from reports.programme import FIRST_YEAR
from workflow.dates import financial_year_label, financial_year_of

# Each theme's excerpts the page shows before its "see all": a year is ~4,000 excerpts, and
# drawing them all took the page 1-3 s at 100,000 cases (issue 11, P3). The CSV has them all.
EXCERPTS_SHOWN = 10
# Each excerpt's tag: a strength green, an area for improvement yellow.
TAGS: dict[str, tuple[str, str]] = {Polarity.STRENGTH: ("govuk-tag--green", "Strength")}
OTHER_TAG = ("govuk-tag--yellow", "Area for improvement")


class YearForm(forms.Form):
    mark_optional = False  # no choice means this financial year

    year = forms.TypedChoiceField(coerce=int, required=False, label="Reports issued in")
    # A theme's "see all": its every excerpt on the page, the others' first EXCERPTS_SHOWN.
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.all(), to_field_name="slug", required=False
    )

    def __init__(self, *args, excerpts: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.excerpts = excerpts
        this_year = financial_year_of(timezone.localdate())
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", "This financial year"),
            *((y, financial_year_label(y)) for y in range(this_year, FIRST_YEAR - 1, -1)),
        ]
        self.messages: CommonMessages | None = None
        self.snapshot: Snapshot[CommonMessages] | None = None

    def clean(self):
        data = super().clean() or {}
        for name in sorted(set(self.data) - set(self.fields)):
            self.add_error(None, f"This page has no filter called “{name}”")
        if self.errors:
            return data
        try:
            theme = data.get("theme")
            self.snapshot = latest_common_messages(
                year=data.get("year") or financial_year_of(timezone.localdate()),
                excerpts=self.excerpts,
                every_excerpt_of=theme.slug if theme else "",
            )
            self.messages = self.snapshot.value
        except InvalidInput as invalid:
            for message in invalid.errors.get("year", []):
                self.add_error("year", message)
        return data


def excerpt_items(excerpts: list[Excerpt], case_url: str) -> SafeString:
    """A theme's excerpts as list items, built here: a year's ~300 shown, drawn through the
    template's {% url %}, {% if %}s and filters, were most of the page's time (issue 11)."""
    return format_html_join(
        "\n",
        '<li class="govuk-!-margin-bottom-3"><strong class="govuk-tag {}">{}</strong>\n'
        '  <a class="govuk-link" href="{}">{}</a>\n'
        '  <blockquote class="govuk-inset-text govuk-!-margin-top-2 govuk-!-margin-bottom-0">'
        "{}</blockquote>\n</li>",
        (
            (
                *TAGS.get(e.polarity, OTHER_TAG),
                case_url.format(e.case_id),
                e.council,
                linebreaksbr(e.text, autoescape=True),
            )
            for e in excerpts
        ),
    )


@login_required
@require_safe
def common_messages_page(request: HttpRequest) -> HttpResponse:
    allowed(request)
    form = YearForm(request.GET, excerpts=EXCERPTS_SHOWN)
    report = form.messages if form.is_valid() else None
    year = request.GET.copy()
    year.pop("theme", None)
    case_url = url_pattern("case-detail")
    sections = (
        [
            (c, [(t, excerpt_items(t.excerpts, case_url)) for t in c.themes])
            for c in report.components
        ]
        if report
        else []
    )
    return render(
        request,
        "reports/common_messages.html",
        {
            "form": form,
            "report": report,
            "sections": sections,  # each component, and each theme with its excerpts drawn
            "figures_as_at": form.snapshot.as_at if form.snapshot else None,
            "query": request.GET.urlencode(),
            "year_query": year,
        },
    )


def _csv(
    request: HttpRequest, name: str, header: list[str], rows, *, excerpts: int | None
) -> HttpResponse:
    form = YearForm(request.GET, excerpts=excerpts)
    if not form.is_valid() or form.messages is None:
        return bad_query(form.errors)
    report = form.messages
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="common-messages-{report.year}{name}.csv"'
    )
    # Written to a buffer and handed to the response once: a year's ~4,000 excerpt rows each
    # written to the response (its charset and bytes per write) cost more than the rows.
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows(report))
    response.write(buffer.getvalue())
    return response


def count_rows(report: CommonMessages):
    for component in report.components:
        for theme in component.themes:
            row = [component.label, theme.name, theme.strengths, theme.improvements, theme.total]
            yield [csv_cell(cell) for cell in row]


def excerpt_rows(report: CommonMessages):
    """Each excerpt's row, its theme's cells guarded once for all its excerpts."""
    for component in report.components:
        for theme in component.themes:
            names = [csv_cell(component.label), csv_cell(theme.name)]
            for e in theme.excerpts:
                yield [
                    *names,
                    csv_cell(e.polarity_label),
                    csv_cell(e.council),
                    csv_cell(e.reference),
                    csv_cell(e.text),
                ]


@login_required
@require_safe
def common_messages_csv(request: HttpRequest) -> HttpResponse:
    allowed(request)
    header = ["Core component", "Theme", "Strengths", "Areas for improvement", "Findings"]
    return _csv(request, "", header, count_rows, excerpts=0)


@login_required
@require_safe
def common_messages_excerpts_csv(request: HttpRequest) -> HttpResponse:
    allowed(request)
    header = ["Core component", "Theme", "Polarity", "Council", "Case", "Excerpt"]
    return _csv(request, "-excerpts", header, excerpt_rows, excerpts=None)
