"""Pages of every API list: `page` and `page_size`. A page size that is not a whole number from
1 to MAX_PAGE_SIZE is a 400 naming the parameter: clamping it, or falling back to the default,
would hand a client fewer rows than it asked for without a word."""

from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_PAGE_SIZE = 200


class PageNumberPagination(pagination.PageNumberPagination):
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
