"""Pages of every API list: `page` and `page_size`. A page size that is not a whole number from
1 to MAX_PAGE_SIZE is a 400 naming the parameter: clamping it, or falling back to the default,
would hand a client fewer rows than it asked for without a word.

`count` is exact (a client pages and reports by it); it stays cheap because each list's filters
and order have an index the count can read alone (issue 11, P3)."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models.query import ModelIterable, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_PAGE_SIZE = 200


class DeferredJoinPaginator(Paginator):
    """Pages a queryset of model rows by a deferred join: the OFFSET walks only the ids, in an
    index-only scan of the list's order index, and the page's full rows (and their joins) are
    read for those ids alone — `WHERE id IN (SELECT id … LIMIT 50 OFFSET n)`, still one query.
    A plain OFFSET joins and throws away every row before the page: page 1,000 of the case
    list took 0.3-0.8 s that way, 16 ms this way (bench/RESULTS.md). A list whose joins repeat
    a row would show it once per page: a list must not repeat rows anyway (filter through a
    subquery or distinct())."""

    def page(self, number: Any) -> Page:
        rows = self.object_list
        if not (
            isinstance(rows, QuerySet)
            and rows._iterable_class is ModelIterable  # model rows, not .values() dicts
            and not rows.query.combinator  # a UNION cannot be filtered
        ):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # The outer query keeps the list's ordering (its ties broken by id), so the page
        # comes back in the order the ids were picked.
        ids = rows.values("pk")[bottom:top]
        return Page(rows.filter(pk__in=ids), number, self)


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = DeferredJoinPaginator
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int | None:
        name = self.page_size_query_param
        if name not in request.query_params:
            return self.page_size
        value = request.query_params[name].strip()
        # isascii: int() would also read other scripts' digits
        size = int(value) if value.isascii() and value.isdigit() else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({name: [self._page_size_rule]})
        return size

    @property
    def _page_size_rule(self) -> str:
        return f"must be a whole number from 1 to {self.max_page_size}"

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = (
                    f"Rows per page (default {self.page_size}); {self._page_size_rule}, "
                    "anything else is a 400."
                )
        return parameters
