"""The API's own serializer fields say what is wrong in words a client can act on."""

import datetime

import pytest
from rest_framework import serializers

from workflow.models import Council
from workflow.serializer_fields import DateInput, TextLookupField


class DateBody(serializers.Serializer):
    day = DateInput()


@pytest.mark.parametrize("written", ["2027-02-30", "2026-13-01", "2026-00-10", " 2027-02-29 "])
def test_a_date_in_the_right_format_naming_no_day_is_not_a_real_date(written):
    body = DateBody(data={"day": written})

    assert not body.is_valid()
    assert body.errors == {"day": [f"{written.strip()} is not a real date."]}


def test_a_date_in_another_format_keeps_drfs_format_message():
    body = DateBody(data={"day": "30/02/2027"})

    assert not body.is_valid()
    assert "Date has wrong format" in body.errors["day"][0]


def test_a_real_date_reads_as_a_date():
    body = DateBody(data={"day": "2028-02-29"})

    assert body.is_valid()
    assert body.validated_data["day"] == datetime.date(2028, 2, 29)


@pytest.mark.django_db
def test_an_unknown_code_names_the_kind_of_row_and_the_code():
    class HostBody(serializers.Serializer):
        host = TextLookupField(slug_field="code", queryset=Council.objects.all())

    body = HostBody(data={"host": "XXX"})

    assert not body.is_valid()
    assert body.errors == {"host": ["no council with code XXX"]}
