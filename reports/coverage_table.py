"""The coverage planner's table rows and map marks, drawn here rather than by the template's
tags: ~320 councils' cells through {% url %}, |date and {% if %}, and each mark's coordinates
through the template's number localisation, were nearly all of the page's time at 100,000
cases (issue 11). The markup is the one the template drew."""

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from core.row_markup import DateWords, url_pattern
from core.row_markup import escape as _e
from reports.coverage import NEVER, CouncilCoverage
from reports.coverage_map import Dot


def table_rows(rows: list[CouncilCoverage], *, can_manage: bool) -> SafeString:
    """Each council's row. Every value is escaped here, as it is put in (`_e`: what the
    template's autoescape and format_html do, without their per-value checks for lazy text,
    which ~1,700 format_html calls made most of this function's time)."""
    case_url = url_pattern("case-detail")
    note_url = url_pattern("coverage-note", "CODE")
    month = DateWords("M Y")  # "Mar 2028"
    drawn = []
    for row in rows:
        c = row.council
        name = _e(c.name)
        hidden = f'<span class="govuk-visually-hidden">, {name}</span>'
        last = "None"
        if row.last_case_id:
            shown = month(row.last_visit) if row.last_visit else ""
            last = _link(case_url.format(row.last_case_id), _e(shown) + hidden)
        booked = "No"
        if row.booked_case_id:
            v = row.booked_visit
            when = f"{v.day} {month(v)}" if v else "Yes, not dated"
            booked = _link(case_url.format(row.booked_case_id), _e(when) + hidden)
        due = month(row.next_due) if row.next_due else ("Now" if row.status == NEVER else "Not set")
        reason: str = "Not recorded" if row.needs_a_reason else ""
        if row.reason:
            reason = linebreaksbr(row.reason, autoescape=True)
        change = ""
        if can_manage and (row.needs_a_reason or row.reason):
            words = "Change" if row.reason else "Record"
            link = _link(
                note_url.format(c.code),
                f'{words} the reason<span class="govuk-visually-hidden"> for {name}</span>',
                size="govuk-link govuk-!-font-size-16",
            )
            change = f"<div>{link}</div>"
        drawn.append(
            f'<tr class="govuk-table__row" id="council-{_e(c.code)}">\n'
            f'  <th scope="row" class="govuk-table__header">{name}<div class="govuk-hint '
            f'govuk-!-font-size-16 govuk-!-margin-bottom-0">{_e(c.region)}</div></th>\n'
            f'  <td class="govuk-table__cell">{_e(row.status_label)}</td>\n'
            f'  <td class="govuk-table__cell">{last}</td>\n'
            f'  <td class="govuk-table__cell">{booked}</td>\n'
            f'  <td class="govuk-table__cell">{_e(due)}</td>\n'
            f'  <td class="govuk-table__cell">{reason}\n    {change}</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(drawn))  # every value above went through _e or linebreaksbr


def map_marks(dots: list[Dot]) -> SafeString:
    """Each council's mark, its values escaped as table_rows' are."""
    return mark_safe(  # every value escaped by _e
        "\n".join(
            f'<use href="#mark-{_e(d.status)}" x="{d.x}" y="{d.y}">'
            f"<title>{_e(d.title)}</title></use>"
            for d in dots
        )
    )


def _link(href: str, inner: str, size: str = "govuk-link") -> str:
    """A link to `href` around `inner` (markup already escaped)."""
    return f'<a class="{size}" href="{_e(href)}">{inner}</a>'
