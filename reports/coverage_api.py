"""GET /api/reports/coverage/?region=&status=: the coverage planner as JSON."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from core.api_schema import BAD_INPUT
from core.pagination import PageNumberPagination
from reports.api_common import ReadsEveryCase
from reports.coverage import STATUSES, latest_coverage, regions

PAGER = {"page", "page_size"}


class CoverageQuery(serializers.Serializer):
    region = serializers.CharField(required=False, max_length=60, help_text="e.g. South East")
    status = serializers.ChoiceField(choices=list(STATUSES.items()), required=False)

    def validate_region(self, value: str) -> str:
        if value.lower() not in {r.lower() for r in regions()}:
            raise serializers.ValidationError(f"no English region is called {value!r}")
        return value

    def validate(self, attrs):
        # page and page_size are the pager's (a bad one is its own 400).
        unknown = sorted(set(self.initial_data) - set(self.fields) - PAGER)
        if unknown:
            raise serializers.ValidationError(
                {
                    name: ["unknown parameter; this reads region, status, page and page_size"]
                    for name in unknown
                }
            )
        return attrs


class KeptFiguresPagination(PageNumberPagination):
    """Pages of kept figures: each page says when they were computed (`figures_as_at`)."""

    figures_as_at: datetime.datetime | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        as_at = self.figures_as_at
        response.data["figures_as_at"] = (
            serializers.DateTimeField().to_representation(as_at) if as_at else None
        )
        return response

    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        paged["properties"]["figures_as_at"] = {
            "type": "string",
            "format": "date-time",
            "description": "When these figures were computed: they are kept a short while, "
            "and changes made since show within a few minutes (a reason recorded shows at once).",
        }
        paged["required"] = [*paged.get("required", []), "figures_as_at"]
        return paged


class CouncilCoverageOutput(serializers.Serializer):
    code = serializers.CharField(source="council.code")
    gss_code = serializers.CharField(source="council.gss_code")
    name = serializers.CharField(source="council.name")
    region = serializers.CharField(source="council.region")
    status = serializers.CharField(help_text="current, booked, lapsed or never")
    last_case = serializers.IntegerField(source="last_case_id", allow_null=True)
    last_visit = serializers.DateField(allow_null=True, help_text="The last CPC's visit ended")
    booked_case = serializers.IntegerField(source="booked_case_id", allow_null=True)
    booked_visit = serializers.DateField(allow_null=True)
    next_due = serializers.DateField(allow_null=True)
    reason = serializers.CharField(help_text="Why not engaged or lapsed, where recorded")


class CoverageApi(APIView):
    """Every current English council with its last corporate peer challenge, whether one is
    booked, when the next is due (the type's repeat interval) and the reason recorded for a
    council that never had one or has lapsed; in pages, like every API list (~470 councils
    drawn at once took 140-200 ms at 100,000 cases)."""

    permission_classes = [IsAuthenticated, ReadsEveryCase]
    pagination_class = KeptFiguresPagination

    @extend_schema(
        parameters=[CoverageQuery],
        responses={200: CouncilCoverageOutput(many=True), 400: BAD_INPUT},
    )
    def get(self, request):
        query = CoverageQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        status = query.validated_data.get("status")
        kept = latest_coverage(
            today=timezone.localdate(),
            region=query.validated_data.get("region", ""),
            status_in=(status,) if status else (),
        )
        rows = kept.value
        pager = self.pagination_class()
        pager.figures_as_at = kept.as_at
        # The pager takes any sequence: coverage() is a list worked out from grouped queries.
        page: list | None = pager.paginate_queryset(rows, request, view=self)  # type: ignore[arg-type]
        return pager.get_paginated_response(CouncilCoverageOutput(page, many=True).data)
