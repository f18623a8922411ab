"""What the admin's lists of big tables share (issue 11, P3): a paginator that estimates, sidebar
filters with fixed choices, and BigTableAdmin, which puts them together.

The changelist asks its paginator for the filtered set's size on every page, even with
`show_full_result_count = False`, and an exact COUNT(*) reads every matching row: the outbox's
million rows cost hundreds of milliseconds a page. This one counts only what is cheap:

- the whole table: PostgreSQL's own estimate (pg_class.reltuples, kept by ANALYZE and
  autovacuum), exact below EXACT_UP_TO rows, where a COUNT is cheap anyway;
- a filtered set: exactly up to EXACT_UP_TO rows (a COUNT over a LIMIT stops there), past
  that the planner's estimate of the filter's rows;
- any other database (SQLite in the tests): an exact COUNT, as Django's own paginator.

An estimate can be short of the real size, so a page past it is served (empty at worst) rather
than refused, and no page is cut short to fit the estimate. Pages are read by a deferred join
(core.pagination.DeferredJoinPaginator: the page's ids first)."""

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.paginator import EmptyPage, Page
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.pagination import DeferredJoinPaginator

EXACT_UP_TO = 10_000


class EstimatedCountPaginator(DeferredJoinPaginator):
    _estimated = False

    @property
    def estimated(self) -> bool:
        """Whether `count` is an estimate."""
        return self.count is not None and self._estimated

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet) or connections[rows.db].vendor != "postgresql":
            return super().count
        rows = rows.order_by()
        if not rows.query.where and not rows.query.distinct:
            guess = _table_estimate(rows)
        else:
            exact = rows[: EXACT_UP_TO + 1].count()
            if exact <= EXACT_UP_TO:
                return exact
            guess = max(_planner_estimate(rows), exact)
        if guess <= EXACT_UP_TO:  # never analysed (-1), or small: count it
            return rows.count()
        self._estimated = True
        return guess

    def validate_number(self, number: Any) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            number = int(number)
            if self.estimated and number >= 1:
                return number  # past the estimate: maybe rows, maybe none
            raise

    def page(self, number: Any) -> Page:
        if not self.estimated:
            return super().page(number)
        # As DeferredJoinPaginator, without cutting the page short at an estimated end.
        number = self.validate_number(number)
        rows, bottom = self.object_list, (number - 1) * self.per_page
        assert isinstance(rows, QuerySet)  # only a queryset's count is estimated
        ids = rows.values("pk")[bottom : bottom + self.per_page]
        return Page(rows.filter(pk__in=ids), number, self)


def _table_estimate(rows: QuerySet) -> int:
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [rows.model._meta.db_table],
        )
        found = cursor.fetchone()
    return int(found[0]) if found else -1


def _planner_estimate(rows: QuerySet) -> int:
    plan = rows.explain(format="json")
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"])


Choices = Iterable[tuple[str, str]]


def fixed_choices_filter(
    field: str, title: str, choices: Choices | Callable[[], Choices]
) -> type[admin.SimpleListFilter]:
    """A sidebar filter on `field` from a known list (or a function of a small table). Django's
    default for a field without choices lists SELECT DISTINCT over the whole big table on every
    page. Its parameter is the field's path, which the admin also allows as a lookup, so the
    default's links (`<field>__exact=`) still filter."""

    class FixedChoicesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return list(choices() if callable(choices) else choices)

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{field: value}) if value else queryset

    FixedChoicesFilter.title = title
    return FixedChoicesFilter


class BigTableAdmin(admin.ModelAdmin):
    """A changelist over a big table: the cases, their events, the outbox, and the peer pool
    (2,000 peers: rendering its rows costs more than reading them)."""

    show_full_result_count = False  # no second COUNT(*) of the whole table per page
    paginator = EstimatedCountPaginator
    change_list_template = "core/admin/big_table_change_list.html"  # "about N" if estimated
    list_per_page = 50  # as the case list: rendering a row costs more than reading it

    def action_checkbox(self, obj) -> SafeString:
        # Django's renders a form widget's template per row, about a millisecond each: the
        # same input by hand.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )
