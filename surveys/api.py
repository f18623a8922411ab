"""The survey results over the API: the headline figures for a period (managers, admins and
programme leads) and each council's answers as CSV (managers and admins only). A bad period is
a 400 naming its parameter; anyone else is refused with 403."""

from collections.abc import Callable
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import BAD_INPUT
from core.errors import InvalidInput
from core.snapshot_fields import FiguresAsAt
from surveys.models import SurveyKind
from surveys.periods import PARTS, Period, between, financial_year
from surveys.responses_csv import responses_csv
from surveys.results import SPLITS, latest_survey_results
from workflow import roles
from workflow.dates import EARLIEST, LATEST


class ReadsAllCases(BasePermission):
    message = "only managers, admins and programme leads may read survey results"

    def has_permission(self, request, view) -> bool:
        return roles.can_read_all(request.user)


class ManagesCases(BasePermission):
    message = "only managers and admins may read each council's answers"

    def has_permission(self, request, view) -> bool:
        return roles.can_manage(request.user)


class PeriodQuery(serializers.Serializer):
    """`year` (and perhaps `part`), or `from` and `to`; neither: this financial year is not
    guessed, one of them is required."""

    kind = serializers.ChoiceField(choices=SurveyKind.choices)
    year = serializers.IntegerField(
        required=False,
        min_value=EARLIEST.year,
        max_value=LATEST.year - 1,
        help_text="A UK financial year by the year it starts in: 2017 is 1 April 2017 to "
        "31 March 2018.",
    )
    part = serializers.ChoiceField(
        choices=[(code, words) for code, (_, _, words) in PARTS.items()],
        required=False,
        help_text="With `year`: a quarter (Q1 is April to June) or a half (H1 is April to "
        "September).",
    )
    start = serializers.DateField(
        required=False, help_text="Instead of `year`: the first day, included (with `to`)."
    )
    end = serializers.DateField(
        required=False, help_text="Instead of `year`: the last day, included (with `from`)."
    )

    # `from` is a Python keyword: the fields are declared as start and end, published as from/to.
    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("start")
        fields["to"] = fields.pop("end")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            known = ", ".join(sorted(self.fields))
            raise serializers.ValidationError(
                {name: [f"unknown parameter; this reads {known}"] for name in unknown}
            )
        dates = [attrs.get("from"), attrs.get("to")]
        if "year" in attrs and any(dates):
            raise serializers.ValidationError(
                {"year": ["give a year or the dates from and to, not both"]}
            )
        if "part" in attrs and "year" not in attrs:
            raise serializers.ValidationError({"part": ["a part needs its year"]})
        if "year" not in attrs and not all(dates):
            missing = [name for name, day in zip(("from", "to"), dates, strict=True) if not day]
            if len(missing) == 2:
                raise serializers.ValidationError(
                    {"non_field_errors": ["give a year, or the dates from and to"]}
                )
            raise serializers.ValidationError({missing[0]: ["this date is needed too"]})
        return attrs

    def period(self) -> Period:
        data = self.validated_data
        try:
            if "year" in data:
                return financial_year(data["year"], data.get("part", ""))
            return between(data["from"], data["to"])
        except InvalidInput as refused:
            raise serializers.ValidationError(refused.errors) from refused


def _period_query(request) -> tuple[str, Period]:
    query = PeriodQuery(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data["kind"], query.period()


class FigureOutput(serializers.Serializer):
    base = serializers.IntegerField(help_text="n: those who answered, less any excluded answers")
    count = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    percent = serializers.IntegerField(
        allow_null=True, help_text="Whole number, rounded half up; null when suppressed"
    )
    suppressed = serializers.BooleanField(help_text="The base is below the minimum base")


class RateOutput(serializers.Serializer):
    sent = serializers.IntegerField()
    completed = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


def _by_split(name: str, field: Callable[[], serializers.Field]) -> type[serializers.Serializer]:
    """A serializer with one field per split: chief_executive, leader, all."""
    return type(name, (serializers.Serializer,), {split: field() for split in SPLITS})


FiguresOutput = _by_split("FiguresOutput", FigureOutput)
RatesOutput = _by_split("RatesOutput", RateOutput)
CountsOutput = _by_split("CountsOutput", serializers.IntegerField)


class HeadlineOutput(serializers.Serializer):
    question_key = serializers.CharField()
    question_text = serializers.CharField()
    versions = serializers.ListField(child=serializers.IntegerField())
    key = serializers.CharField()
    measure = serializers.CharField(source="label", help_text='"very or fairly satisfied"')
    figures = FiguresOutput()


class PeriodOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    name = serializers.CharField(source="label")


class SurveyResultsOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SurveyKind.choices)
    period = PeriodOutput()
    min_base = serializers.IntegerField()
    responses = CountsOutput()
    response_rate = RatesOutput(source="rates")
    headlines = HeadlineOutput(many=True)


class KeptSurveyResultsOutput(SurveyResultsOutput):
    """The API's survey results: kept figures (core/snapshots.py), with when they were computed.
    Elsewhere (the programme report) the headlines are part of a report with its own time."""

    figures_as_at = FiguresAsAt()


class SurveyResultsApi(APIView):
    """The headline figures of one survey: feedback returns completed in the period, or the
    impact survey of the challenges whose onsite visit ended in it."""

    permission_classes = [IsAuthenticated, ReadsAllCases]

    @extend_schema(
        parameters=[PeriodQuery],
        responses={200: KeptSurveyResultsOutput, 400: BAD_INPUT},
    )
    def get(self, request):
        kind, period = _period_query(request)
        kept = latest_survey_results(kind=kind, period=period)
        output = KeptSurveyResultsOutput(kept.value, context={"figures_as_at": kept.as_at})
        return Response(output.data)


class SurveyResponsesCsvApi(APIView):
    """Each council's answers for the same period as the results, one row per completed
    invitation, free text included; cells a spreadsheet would read as formulas are quoted."""

    permission_classes = [IsAuthenticated, ManagesCases]

    @extend_schema(
        parameters=[PeriodQuery],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file"),
            400: BAD_INPUT,
        },
    )
    def get(self, request) -> StreamingHttpResponse:
        kind, period = _period_query(request)
        return responses_csv(kind=kind, period=period)

    # The file is the answer whatever the client accepts; errors stay JSON.
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)
