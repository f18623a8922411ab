"""/reports/dashboard/: a manager's and a programme lead's landing page: the pipeline, what is
overdue across the programme and the manager's own actions. Filters by region, type, manager
and financial year (a bad value is a form error on the page, never a 500)."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_safe

from core.row_markup import DateWords, url_pattern
from reports.case_filters import ReportPageFilter
from reports.dashboard import Pipeline, dashboard
from reports.overdue import Item, Kind
from workflow import roles
from workflow.dates import financial_year_label

# The rows of each overdue table the dashboard reads and shows before its "see all": at 100,000
# cases the tables held ~500 rows, read and drawn on every visit (issue 11, P3).
ROWS_SHOWN = 20
NUMERIC_CELL = "govuk-table__cell govuk-table__cell--numeric"


def allowed(request: HttpRequest) -> None:
    """Managers, admins and programme leads; a peer or someone with no role is refused."""
    if not roles.can_read_all(request.user):
        raise PermissionDenied


def overdue_tables(kinds: list[Kind]) -> list[dict]:
    """Each kind with its rows drawn here: ~100 rows through the template's {% url %}, date
    filter and {% if %}s were most of the page's time (issue 11, P3)."""
    case_url = url_pattern("case-detail")
    day_words = DateWords("j M Y")

    def row(kind: Kind, item: Item) -> tuple:
        case = item.case
        due = day_words(item.due)
        overdue = (
            format_html('<strong class="govuk-tag govuk-tag--red">{}</strong>', item.days_overdue)
            if item.overdue
            else "Not yet"
        )
        anchor = "#surveys" if kind.slug in ("surveys", "impact") else ""
        return (
            case_url.format(case.pk) + anchor,
            case.reference,
            kind.title.lower(),
            case.council,
            case.type_name,
            item.what,
            due,
            overdue,
            case.manager_name or "None",
        )

    return [
        {
            "kind": kind,
            "rows": format_html_join(
                "\n",
                '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
                '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}</span>'
                '</a></th><td class="govuk-table__cell">{}<div class="govuk-hint '
                'govuk-!-font-size-16 govuk-!-margin-bottom-0">{}</div></td>'
                '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
                '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
                '<td class="govuk-table__cell">{}</td></tr>',
                (row(kind, item) for item in kind.items),
            ),
        }
        for kind in kinds
    ]


def _count_cell(cell: dict) -> str:
    if not cell["href"]:
        return format_html('<td class="{}">0</td>', NUMERIC_CELL)
    return format_html(
        '<td class="{}"><a class="govuk-link" href="{}">{}'
        '<span class="govuk-visually-hidden"> {}</span></a></td>',
        NUMERIC_CELL,
        cell["href"],
        cell["count"],
        cell["label"],
    )


def pipeline_table(pipeline: Pipeline, query: dict[str, str]) -> dict:
    """The pipeline's cells, each count with the case list it stands for."""
    case_list = reverse("my-cases")

    def cell(count: int, label: str, **more: str) -> dict:
        href = f"{case_list}?{urlencode({**query, **more})}" if count else ""
        return {"count": count, "label": label, "href": href}

    rows = [
        {
            "label": state.label,
            "cells": [
                cell(n, f"{state.label}, {t.name}", state=state.value, type=t.slug)
                for t, n in zip(pipeline.types, line, strict=True)
            ],
            "total": cell(total, f"{state.label}, all types", state=state.value),
        }
        for state, line, total in pipeline.rows
    ]
    totals = [
        cell(n, f"all states, {t.name}", type=t.slug)
        for t, n in zip(pipeline.types, pipeline.totals, strict=True)
    ]
    total = cell(pipeline.total, "all states, all types")
    # As the table draws them: a line per state and one of all states, each ending in its total,
    # its cells drawn here (~120 of them, each a link with its words).
    lines: list[dict[str, Any]] = [
        *({"label": row["label"], "cells": [*row["cells"], row["total"]]} for row in rows),
        {"label": "All states", "cells": [*totals, total]},
    ]
    for line in lines:
        line["html"] = format_html_join("", "{}", ((_count_cell(cell),) for cell in line["cells"]))
    return {"types": pipeline.types, "rows": rows, "totals": totals, "total": total, "lines": lines}


@login_required
@require_safe
def dashboard_page(request: HttpRequest) -> HttpResponse:
    allowed(request)
    # `show` (a table's id, "all-reports") is that table in full; the others show their first
    # ROWS_SHOWN. It is no filter: the filter form never sees it.
    data = request.GET.copy()
    show = data.pop("show", [""])[-1]
    filters = ReportPageFilter(data, user=request.user)
    context: dict = {
        "form": filters.form,
        "filtered": bool(data),
        "report_days": settings.NOTIFICATION_SETTINGS["REPORT_OVERDUE_DAYS"],
        "show": show,
        "rows_shown": ROWS_SHOWN,
        "query": data.urlencode(),
    }
    if filters.is_valid():
        board = dashboard(
            cases=filters.cases(),
            filters=filters.plain,
            user=request.user,
            today=timezone.localdate(),
            manages=roles.is_manager(request.user),
            year=filters.form.cleaned_data.get("financial_year"),
            first=ROWS_SHOWN,
            whole=show,
        )
        context |= {
            "board": board,
            "overdue": overdue_tables(board.overdue),
            "mine": overdue_tables(board.mine) if board.mine is not None else None,
            "pipeline": pipeline_table(board.pipeline, filters.query),
            "year_label": financial_year_label(board.year),
            "min_base": settings.SURVEY_MIN_BASE,
        }
    return render(request, "reports/dashboard.html", context)
