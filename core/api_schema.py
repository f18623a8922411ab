"""The error responses in the OpenAPI schema. Each operation documents the statuses it can
really give (tests/test_api_fuzz.py holds the API to them), derived from what the view declares
so a new view is documented the same way without annotations:

* 400 when it reads a body, filters or pages (a bad page_size), 415 when that body is in a
  format it does not parse;
* 401 when it reads credentials: an expired API token (core/token_auth.py);
* 403 unless anyone may call it (not signed in, or not allowed);
* 404 when its path names a row, or it pages (a page past the end);
* 429 when it is throttled.

409 is declared per view with REFUSED: only the view knows that it can refuse.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from core.one_line import ONE_LINE_FIELDS, ONE_LINE_PATTERN


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


class RefusedOutput(ErrorOutput):
    unmet = serializers.ListField(child=serializers.CharField())


REFUSED = OpenApiResponse(
    RefusedOutput, description="Refused: `unmet` lists the conditions not yet met"
)
BAD_INPUT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Bad input: each key names a field (or `non_field_errors`) with its messages; "
    "`detail` alone when the body could not be parsed",
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorOutput, description=description)


class ErrorDocumentingAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # The names the models refuse line breaks in (core/one_line.py), said of what a client
        # sends (an output may hold a row older than the rule). Request and response share a
        # component here, so an input is told by its serializer's name, as the project names them.
        is_text = isinstance(field, serializers.CharField) and schema.get("type") == "string"
        is_input = not field.read_only and "Output" not in type(field.parent).__name__
        if is_text and is_input and field.field_name in ONE_LINE_FIELDS:
            schema["pattern"] = ONE_LINE_PATTERN
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        # Not the documented body: an input with no fields documents none, yet still refuses
        # unknown ones (400) and bodies it cannot parse (415).
        takes_body = (
            self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        )
        errors = {}
        if takes_body or self._get_filter_parameters() or self._get_pagination_parameters():
            errors["400"] = BAD_INPUT
        if any(permission is not AllowAny for permission in self.view.permission_classes):
            errors["403"] = _error("Not signed in, or not allowed to do this")
        if self.view.authentication_classes:
            errors["401"] = _error("The API token has expired: ask for a new one")
        if "{" in self.path or self._get_pagination_parameters():
            errors["404"] = _error("No such row here (or none this user may see), or page")
        if takes_body:
            errors["415"] = _error("The body is in a format this operation does not read")
        if self.view.throttle_classes:
            errors["429"] = _error("Too many attempts: wait and try again")
        return errors
