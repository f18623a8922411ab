"""Serializer fields that say more than DRF's own: in what they accept, or in what the OpenAPI
schema promises about what they render."""

import datetime
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow.dates import is_impossible_date

BLANK = {"type": "string", "maxLength": 0}


class TextLookupField(serializers.SlugRelatedField):
    """A row named by a text column. A NUL byte is bad input, as CharField says: PostgreSQL
    cannot compare text holding one, so the lookup itself would fail (a 500). A name that
    matches no row says what was looked for in words ("no council with code XXX"), not DRF's
    "Object with code=XXX does not exist"."""

    default_error_messages = {"null_characters": "Null characters are not allowed."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        queryset = kwargs.get("queryset")
        if queryset is not None:
            what = queryset.model._meta.verbose_name
            self.error_messages["does_not_exist"] = f"no {what} with {{slug_name}} {{value}}"

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class DateInput(serializers.DateField):
    """A date written YYYY-MM-DD. One in that format that names no day (2027-02-30) is "not a
    real date", where DRF would say the format is wrong."""

    default_error_messages = {"impossible": "{value} is not a real date."}

    def to_internal_value(self, value: Any) -> datetime.date:
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError:
            if isinstance(value, str) and is_impossible_date(value.strip()):
                self.fail("impossible", value=value.strip())
            raise


@extend_schema_field({"oneOf": [{"type": "string", "format": "uri"}, BLANK]})
class UrlOrBlank(serializers.URLField):
    """A URL, or "" while none is recorded."""


@extend_schema_field({"oneOf": [{"type": "string", "format": "email"}, BLANK]})
class EmailOrBlank(serializers.EmailField):
    """An address, or "" while none is recorded."""


# For an output serializer's build_standard_field: a model field that may be blank renders
# "" when it is, which `format: uri` or `format: email` alone would not allow.
OR_BLANK: dict[type[serializers.Field], type[serializers.Field]] = {
    serializers.URLField: UrlOrBlank,
    serializers.EmailField: EmailOrBlank,
}

# For an input ModelSerializer (`serializer_field_mapping = INPUT_FIELD_MAPPING`): the model's
# dates read as DateInput.
INPUT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.DateField: DateInput,
}
