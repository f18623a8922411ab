"""/reports/publication/ (publication-tracker): every case past its feedback against its
publication deadlines, overdue first, with the dashboard's filters; the same rows as CSV
(/reports/publication/csv/, publication-tracker-csv)."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from reports.case_filters import ReportPageFilter
from reports.csv_cells import bad_query, csv_cell
from reports.dashboard_pages import allowed
from reports.publication import Milestone, TrackedCase, publication_tracker

PAGE_SIZE = 100
CSV_HEADER = [
    "Reference",
    "Link",
    "Host council",
    "Region",
    "Type",
    "State",
    "Manager",
    "Feedback presentation",
    "RAG",
    "Days overdue",
]
MILESTONE_COLUMNS = ["due", "latest", "done on", "RAG"]
MILESTONES = ["Report issued", "Report published", "Action plan published", "Progress review"]


@login_required
def publication_tracker_page(request: HttpRequest) -> HttpResponse:
    allowed(request)
    filters = ReportPageFilter(request.GET, user=request.user)
    query = request.GET.copy()
    page_number = query.pop("page", [None])[-1]
    context: dict = {"form": filters.form, "filtered": bool(query)}
    if filters.is_valid():
        rows = publication_tracker(filters.cases(), today=timezone.localdate())
        page = Paginator(rows, PAGE_SIZE).get_page(page_number)
        context |= {
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "rows": page.object_list,
            "overdue": sum(1 for row in rows if row.days_overdue),
            "query": query.urlencode(),
        }
    return render(request, "reports/publication.html", context)


def _milestone_cells(m: Milestone) -> list:
    if not m.expected:
        return ["not expected", "", "", ""]
    return [m.due or "", m.latest or "", m.done_on or ("arranged" if m.done else ""), m.rag or ""]


def _csv_row(row: TrackedCase, link: str) -> list:
    case = row.case
    manager = (case.manager.get_full_name() or case.manager.username) if case.manager else ""
    cells = [
        case.reference,
        link,
        case.host.name,
        case.host.region,
        case.challenge_type.name,
        case.get_state_display(),
        manager,
        case.feedback_date,
        row.rag,
        row.days_overdue,
    ]
    for m in row.milestones:
        cells += _milestone_cells(m)
    return [csv_cell(cell) for cell in cells]


@login_required
def publication_tracker_csv(request: HttpRequest) -> HttpResponse:
    allowed(request)
    filters = ReportPageFilter(request.GET, user=request.user)
    if not filters.is_valid():
        return bad_query(filters.errors)
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="publication-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        CSV_HEADER + [f"{name}: {column}" for name in MILESTONES for column in MILESTONE_COLUMNS]
    )
    for row in publication_tracker(filters.cases(), today=today):
        link = request.build_absolute_uri(reverse("case-detail", args=[row.case.pk]))
        writer.writerow(_csv_row(row, link))
    return response
