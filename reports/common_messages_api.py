"""GET /api/reports/common-messages/?year=YYYY: the common-messages analysis as JSON
(managers, admins and programme leads). The year is required; a bad, missing or unknown
parameter is a 400 naming it."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import BAD_INPUT
from core.snapshot_fields import FiguresAsAt
from reports.api_common import ReadsEveryCase
from reports.common_messages import latest_common_messages
from reports.programme import FIRST_YEAR
from workflow.dates import LATEST


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=FIRST_YEAR,
        max_value=LATEST.year - 1,
        help_text="The financial year the reports were issued in, by the year it starts: 2016 "
        "is 1 April 2016 to 31 March 2017.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["unknown parameter; this reads year"] for name in unknown}
            )
        return attrs


class ExcerptOutput(serializers.Serializer):
    council = serializers.CharField()
    case_id = serializers.IntegerField()
    reference = serializers.CharField()
    polarity = serializers.CharField()
    text = serializers.CharField()


@extend_schema_field(ExcerptOutput(many=True))
class ExcerptsField(serializers.Field):
    """ExcerptOutput's fields as plain dicts: a year is ~4,000 excerpts, and a serializer
    instance per excerpt was most of the API's time (issue 11, P3). The schema is the same."""

    def to_representation(self, value):
        names = list(ExcerptOutput().fields)
        return [{name: getattr(excerpt, name) for name in names} for excerpt in value]


class ThemeOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    strengths = serializers.IntegerField()
    improvements = serializers.IntegerField()
    total = serializers.IntegerField()
    excerpts = ExcerptsField()


class ComponentOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    strengths = serializers.IntegerField()
    improvements = serializers.IntegerField()
    total = serializers.IntegerField()
    themes = ThemeOutput(many=True)


class CommonMessagesOutput(serializers.Serializer):
    year = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    start = serializers.DateField()
    end = serializers.DateField()
    reports = serializers.IntegerField(help_text="Reports issued in the year with findings.")
    councils = serializers.IntegerField()
    findings = serializers.IntegerField()
    strengths = serializers.IntegerField()
    improvements = serializers.IntegerField()
    components = ComponentOutput(many=True)
    figures_as_at = FiguresAsAt()


class CommonMessagesApi(APIView):
    """The findings of the reports issued in a financial year, counted by core component,
    theme and polarity (strength or area for improvement), with each theme's excerpts and
    their councils."""

    permission_classes = [IsAuthenticated, ReadsEveryCase]

    @extend_schema(parameters=[YearQuery], responses={200: CommonMessagesOutput, 400: BAD_INPUT})
    def get(self, request):
        query = YearQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        kept = latest_common_messages(year=query.validated_data["year"])
        output = CommonMessagesOutput(kept.value, context={"figures_as_at": kept.as_at})
        return Response(output.data)
