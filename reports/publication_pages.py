"""/reports/publication/ (publication-tracker): every case past its feedback against its
publication deadlines, overdue first, with the dashboard's filters; the same rows as CSV
(/reports/publication/csv/, publication-tracker-csv)."""

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from core.row_markup import url_pattern
from reports.case_filters import ReportPageFilter
from reports.csv_cells import bad_query, csv_cell
from reports.dashboard_pages import allowed
from reports.publication import (
    Milestone,
    TrackedCase,
    TrackerPaginator,
    counts,
    track,
    tracked,
    tracked_cases,
)

# Pages of 50, as the case list and the API: a hundred rows were half the page's time.
PAGE_SIZE = 50
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
@require_safe
def publication_tracker_page(request: HttpRequest) -> HttpResponse:
    allowed(request)
    filters = ReportPageFilter(request.GET, user=request.user)
    query = request.GET.copy()
    page_number = query.pop("page", [None])[-1]
    context: dict = {"form": filters.form, "filtered": bool(query)}
    if filters.is_valid():
        today = timezone.localdate()
        cases = filters.cases()
        # A page's rows are merged from each clock's index, not sorted from every case.
        paginator = TrackerPaginator(
            tracked_cases(cases, today=today), PAGE_SIZE, tracked=tracked(cases)
        )
        # One query counts the cases and the overdue ones; the paginator keeps the total.
        paginator.count, overdue = counts(paginator.tracked, today=today)
        page = paginator.get_page(page_number)
        rows = [track(case, today) for case in page.object_list]
        table = [(row, [milestone_cell(m) for m in row.milestones]) for row in rows]
        case_url = url_pattern("case-detail")
        context |= {
            "page": page,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": rows,
            "table": table,
            "lines": [table_row(row, cells, case_url) for row, cells in table],
            "overdue": overdue,
            "query": query.urlencode(),
        }
    return render(request, "reports/publication.html", context)


def _tag(m: Milestone, days: int, word: str) -> str:
    return f'<strong class="govuk-tag {m.tag_class}">{days} day{pluralize(days)} {word}</strong>'


def milestone_cell(m: Milestone) -> str:
    """A milestone's table cell. Written here, not by template tags: the four cells of each of
    a hundred rows, drawn by an include and then by the tags inline, were most of the page's
    time (bench/RESULTS.md). Safe unescaped: every value is a date, a number or a fixed word."""
    if not m.expected:
        body = "Not expected"
    elif m.due is None:
        body = "After the report"
    else:
        if m.done:
            body = m.done_shown or "Arranged"
            if m.days_late:
                body += " " + _tag(m, m.days_late, "late")
        elif m.days_overdue:
            body = _tag(m, m.days_overdue, "overdue")
        else:
            body = "Not yet"
        latest = f", at the latest {m.latest_shown}" if m.latest != m.due else ""
        body += (
            '<div class="govuk-hint govuk-!-font-size-16 govuk-!-margin-bottom-0">'
            f"Due {m.due_shown}{latest}</div>"
        )
    return mark_safe(f'<td class="govuk-table__cell">{body}</td>')


def table_row(row: TrackedCase, cells: list[str], case_url: str) -> str:
    """A case's table row, its milestone `cells` written by `milestone_cell`. Written here for
    the reason those are: a dozen template lookups a row for fifty rows were most of what
    was left of the template's time. The names are escaped; the rest are numbers, dates and
    fixed words."""
    case = row.case
    return format_html(
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header">'
        '<a class="govuk-link" href="{}">{}</a>'
        '<div class="govuk-hint govuk-!-font-size-16 govuk-!-margin-bottom-0">'
        "{}, {}; feedback {}</div></th>"
        '<td class="govuk-table__cell"><strong class="govuk-tag {}">{}</strong></td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>{}</tr>',
        case_url.format(case.pk),
        case.reference,
        case.host.name,
        case.challenge_type.name,
        row.feedback_shown,
        row.tag_class,
        capfirst(row.rag),
        row.days_overdue,
        mark_safe("".join(cells)),  # milestone_cell's, each safe
    )


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


class _Line:
    """csv.writer's file: each row comes back as its line of text, to stream."""

    def write(self, line: str) -> str:
        return line


def _csv_lines(request: HttpRequest, filters: ReportPageFilter, today) -> Iterator[str]:
    yield "\ufeff"  # Excel reads the file as UTF-8
    writer = csv.writer(_Line())
    yield writer.writerow(
        CSV_HEADER + [f"{name}: {column}" for name in MILESTONES for column in MILESTONE_COLUMNS]
    )
    # The case page's address built once ("…/cases/0/" less its id), not reversed per row.
    case_link = request.build_absolute_uri(reverse("case-detail", args=[0])).removesuffix("0/")
    # In chunks from a server-side cursor on PostgreSQL: the file's rows never sit in memory
    # at once.
    for row in tracked_cases(filters.cases(), today=today).iterator(chunk_size=2000):
        yield writer.writerow(_csv_row(track(row, today), f"{case_link}{row.pk}/"))


@login_required
@require_safe
def publication_tracker_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every case the filters choose (a financial year, a region … bound it), streamed."""
    allowed(request)
    filters = ReportPageFilter(request.GET, user=request.user)
    if not filters.is_valid():
        return bad_query(filters.errors)
    today = timezone.localdate()
    response = StreamingHttpResponse(
        _csv_lines(request, filters, today), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="publication-{today:%Y-%m-%d}.csv"'
    return response
