"""The changelist of a big table (core.admin_lists.BigTableAdmin) says "about" where its row
count is PostgreSQL's estimate (EstimatedCountPaginator); an exact count reads as Django's.
Django's own tags' context, rendered by templates that differ only in that word."""

from typing import Any

from django import template
from django.contrib.admin.templatetags import admin_list

register = template.Library()


def _about(cl: Any) -> str:
    """ "about 100,000" where the count is estimated, else "" (the count is exact)."""
    return f"about {cl.result_count:,}" if getattr(cl.paginator, "estimated", False) else ""


@register.inclusion_tag("core/admin/pagination.html")
def big_table_pagination(cl: Any) -> dict[str, Any]:
    return {**admin_list.pagination(cl), "about": _about(cl)}


@register.inclusion_tag("admin/search_form.html")
def big_table_search_form(cl: Any) -> dict[str, Any]:
    context = admin_list.search_form(cl)
    if _about(cl):  # Django's "N results" beside the box: the estimate is said under the list
        context["show_result_count"] = False
    return context


@register.inclusion_tag("core/admin/actions.html", takes_context=True)
def big_table_actions(context: Any) -> Any:
    context = admin_list.admin_actions(context)
    context["about"] = _about(context["cl"])
    return context
