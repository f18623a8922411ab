"""Serializer fields that say more than DRF's own: in what they accept, or in what the OpenAPI
schema promises about what they render."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

BLANK = {"type": "string", "maxLength": 0}


class TextLookupField(serializers.SlugRelatedField):
    """A row named by a text column. A NUL byte is bad input, as CharField says: PostgreSQL
    cannot compare text holding one, so the lookup itself would fail (a 500)."""

    default_error_messages = {"null_characters": "Null characters are not allowed."}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


@extend_schema_field({"oneOf": [{"type": "string", "format": "uri"}, BLANK]})
class UrlOrBlank(serializers.URLField):
    """A URL, or "" while none is recorded."""


@extend_schema_field({"oneOf": [{"type": "string", "format": "email"}, BLANK]})
class EmailOrBlank(serializers.EmailField):
    """An address, or "" while none is recorded."""


# For an output serializer's build_standard_field: a model field that may be blank renders
# "" when it is, which `format: uri` or `format: email` alone would not allow.
OR_BLANK = {serializers.URLField: UrlOrBlank, serializers.EmailField: EmailOrBlank}
