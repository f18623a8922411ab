"""GET /api/reports/programme/?year=YYYY[&period=Q1|…|H2]: the programme report as JSON
(managers, admins and programme leads). The year is required: a report for a year not asked
for is a wrong answer, not a default; a bad or missing one is a 400 naming the parameter."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import snapshots
from core.api_schema import BAD_INPUT
from core.errors import InvalidInput
from reports.api_common import ReadsEveryCase
from reports.programme import FIRST_YEAR, ProgrammeReport, kept_programme_report
from reports.programme_serializers import KeptProgrammeReportOutput
from surveys.periods import PARTS
from workflow.dates import LATEST


class ProgrammeQuery(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=FIRST_YEAR,
        max_value=LATEST.year - 1,
        help_text="A UK financial year by the year it starts in: 2016 is 1 April 2016 to "
        "31 March 2017.",
    )
    period = serializers.ChoiceField(
        choices=[(code, words) for code, (_, _, words) in PARTS.items()],
        required=False,
        help_text="A quarter (Q1 is April to June) or a half (H1 is April to September); "
        "none: the whole year.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["unknown parameter; this reads year and period"] for name in unknown}
            )
        return attrs


def report_for(query_params) -> snapshots.Snapshot[ProgrammeReport]:
    query = ProgrammeQuery(data=query_params.dict())
    query.is_valid(raise_exception=True)
    try:
        return snapshots.latest(
            kept_programme_report,
            year=query.validated_data["year"],
            part=query.validated_data.get("period", ""),
        )
    except InvalidInput as refused:
        raise serializers.ValidationError(refused.errors) from refused


class ProgrammeReportApi(APIView):
    """The board's figures for a financial year or one of its quarters or halves: challenges
    delivered by type and reporting group, councils engaged, peers deployed and their days,
    average CPC team size, first-time CPCs, delivery against the year's targets quarter by
    quarter with RAG, take-up across English councils, the survey headlines (each with its
    base n, hidden below the minimum base) and the delivery paragraph in words. The figures
    are kept for a few minutes: `figures_as_at` says when they were computed."""

    permission_classes = [IsAuthenticated, ReadsEveryCase]

    @extend_schema(
        parameters=[ProgrammeQuery],
        responses={200: KeptProgrammeReportOutput, 400: BAD_INPUT},
    )
    def get(self, request):
        kept = report_for(request.query_params)
        output = KeptProgrammeReportOutput(kept.value, context={"figures_as_at": kept.as_at})
        return Response(output.data)
