"""The programme report page (/reports/programme/?year=YYYY&period=…) and each of its tables
as CSV (/reports/programme/<table>.csv, the same query): managers, admins and programme leads.
No year chosen is this financial year; a bad year or period is a form error on the page and a
400 for a CSV file. Both read the kept report (core/snapshots.py), as the API does, so the three
agree; the page says when it was computed."""

import csv
import dataclasses
import datetime
import io
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import snapshots
from core.errors import InvalidInput
from reports import programme_charts
from reports.csv_cells import bad_query, csv_cell
from reports.programme import ProgrammeReport, kept_programme_report
from reports.programme_tables import TABLES, Table, challenges
from surveys.periods import PART_CHOICES
from workflow import roles
from workflow.dates import financial_year_label, financial_year_of

FIRST_YEAR = 2011  # the corporate peer challenge offer began in summer 2011
RAG_TAGS = {"Green": "govuk-tag--green", "Amber": "govuk-tag--yellow", "Red": "govuk-tag--red"}
# Rows of a table the page draws; its CSV has every one. A year's list of what was delivered
# runs to thousands of rows at scale, and drawing them was most of the page's second (issue 11).
ROWS_SHOWN = 50


class ProgrammeForm(forms.Form):
    mark_optional = False  # no choice means this financial year, the whole of it

    year = forms.TypedChoiceField(coerce=int, required=False, label="Financial year")
    period = forms.ChoiceField(choices=PART_CHOICES, required=False, label="Part of the year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [
            ("", "This financial year"),
            *((y, financial_year_label(y)) for y in range(this_year, FIRST_YEAR - 1, -1)),
        ]
        self.snapshot: snapshots.Snapshot[ProgrammeReport] | None = None

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        year = data.get("year") or financial_year_of(timezone.localdate())
        try:
            self.snapshot = snapshots.latest(
                kept_programme_report, year=year, part=data.get("period") or ""
            )
        except InvalidInput as refused:
            for field, messages in refused.errors.items():
                for message in messages:
                    self.add_error("period" if field == "part" else "year", message)
        return data

    @property
    def report(self) -> ProgrammeReport | None:
        return self.snapshot.value if self.snapshot is not None else None


def _allowed(request: HttpRequest) -> None:
    if not roles.can_read_all(request.user):
        raise PermissionDenied


def _shown(cell, *, signed: bool = False) -> str:
    if isinstance(cell, int | Decimal):
        return f"{cell:+,}" if signed and cell else f"{cell:,}"
    if isinstance(cell, datetime.date):
        return f"{cell.day} {cell:%b %Y}"
    return str(cell)


def _page_table(table: Table, total: int) -> dict:
    rows = []
    for row in table.rows[:ROWS_SHOWN]:
        cells = []
        for index, cell in enumerate(row):
            cells.append(
                {
                    "text": _shown(cell, signed=index == table.signed_column),
                    "numeric": isinstance(cell, int | Decimal),
                    "tag": RAG_TAGS.get(str(cell)) if index == table.rag_column else None,
                }
            )
        rows.append(cells)
    title = table.title[:1].lower() + table.title[1:]
    return {
        "table": table,
        "rows": rows,
        "total": total,
        "download": f"Download {title} (CSV)",
    }


def _page_tables(report: ProgrammeReport) -> list[dict]:
    # The list of what was delivered is made of the drawn cases alone: a row for each of a
    # year's 3,000 was most of what a kept page allocated (issue 11), each a list the garbage
    # collector then walks.
    drawn = dataclasses.replace(report, cases=report.cases[:ROWS_SHOWN])
    return [
        _page_table(table, len(report.cases) if build is challenges else len(table.rows))
        for build in TABLES.values()
        for table in [build(drawn)]
    ]


@login_required
@require_safe
def programme_report_page(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = ProgrammeForm(request.GET)  # bound even when empty: no choice is this year
    report = form.report if form.is_valid() else None
    context: dict = {
        "form": form,
        "report": report,
        "snapshot": form.snapshot,
        "query": request.GET.urlencode(),
    }
    if report is not None:
        context["tables"] = _page_tables(report)
        context["charts"] = [
            chart
            for chart in (
                programme_charts.by_type_chart(report),
                programme_charts.quarters_chart(report),
            )
            if chart is not None
        ]
    return render(request, "reports/programme.html", context)


def csv_response(table: Table, report: ProgrammeReport) -> HttpResponse:
    part = f"-{report.part}" if report.part else ""
    name = f"programme-{report.year}{part}-{table.slug}.csv"
    # Written whole, not row by row into the response (each write there looks up its charset
    # and encodes): a year's list of what was delivered is 3,000 rows.
    text = io.StringIO()
    write_csv(table, text)
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def write_csv(table: Table, out) -> None:
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(csv_cell(c) for c in row)


@login_required
@require_safe
def programme_report_csv(request: HttpRequest, table: str) -> HttpResponse:
    _allowed(request)
    if table not in TABLES:
        raise Http404("No such table")
    form = ProgrammeForm(request.GET)
    if not form.is_valid() or form.report is None:
        return bad_query(form.errors)
    return csv_response(TABLES[table](form.report), form.report)
