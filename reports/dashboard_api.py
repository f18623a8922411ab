"""GET /api/reports/dashboard/: the dashboard as JSON: the pipeline (cases by state and type)
and what is overdue across the programme under the filters, and the caller's own actions. The
pipeline is a kept figure (`figures_as_at`); what is overdue is read live, every item of it.

The serializers below describe the answer (the schema); it is built as plain dictionaries,
~500 items at 100,000 cases, where a serializer's fields cost more than the queries (issue 11,
P3)."""

from django.urls import reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.row_markup import url_pattern
from reports.api_common import FilteredCasesApi
from reports.case_filters import ReportApiFilter
from reports.dashboard import dashboard
from reports.overdue import Item, Kind
from workflow import roles


class OverdueItemOutput(serializers.Serializer):
    case = serializers.IntegerField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    host = serializers.CharField(source="case.council")
    type = serializers.CharField(source="case.type_slug")
    manager = serializers.IntegerField(source="case.manager_id", allow_null=True)
    what = serializers.CharField()
    due = serializers.DateField()
    days_overdue = serializers.IntegerField(help_text="Days past due; 0 or less: not yet")
    url = serializers.SerializerMethodField(help_text="The case's page")

    def get_url(self, item) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(reverse("case-detail", args=[item.case.pk]))


class OverdueKindOutput(serializers.Serializer):
    slug = serializers.CharField(help_text="invitations, reports, publication, surveys or impact")
    title = serializers.CharField()
    items = OverdueItemOutput(many=True)


class PipelineCellOutput(serializers.Serializer):
    state = serializers.CharField()
    type = serializers.CharField()
    count = serializers.IntegerField()


class DashboardOutput(serializers.Serializer):
    as_at = serializers.DateField()
    figures_as_at = serializers.DateTimeField(
        help_text="When the pipeline was counted (it is kept for a few minutes); what is "
        "overdue is as of now"
    )
    pipeline = PipelineCellOutput(many=True, help_text="Every state and type with a case")
    overdue = OverdueKindOutput(many=True)
    my_actions = OverdueKindOutput(
        many=True, allow_null=True, help_text="The caller's own cases; null unless a manager"
    )


class _Items:
    """Overdue items as the API gives them (OverdueItemOutput)."""

    def __init__(self, request) -> None:
        # Every case page's address from one reverse, on this site's scheme and host.
        self.case_url = request.build_absolute_uri("/")[:-1] + url_pattern("case-detail")

    def item(self, item: Item) -> dict:
        case = item.case
        return {
            "case": case.pk,
            "reference": case.reference,
            "host": case.council,
            "type": case.type_slug,
            "manager": case.manager_id,
            "what": item.what,
            "due": item.due.isoformat(),
            "days_overdue": item.days_overdue,
            "url": self.case_url.format(case.pk),
        }

    def kinds(self, kinds: list[Kind] | None) -> list[dict] | None:
        if kinds is None:
            return None
        return [
            {"slug": k.slug, "title": k.title, "items": [self.item(i) for i in k.items]}
            for k in kinds
        ]


class DashboardApi(FilteredCasesApi):
    """The pipeline and what is overdue (unanswered invitations, reports overdue after the
    feedback, publication deadlines passed, surveys outstanding, impact surveys due), each item
    with its case, under the filters; `my_actions`: the same for the caller's own cases,
    unfiltered."""

    @extend_schema(responses={200: DashboardOutput})
    def get(self, request):
        filters: ReportApiFilter = DjangoFilterBackend().get_filterset(
            request, self.get_queryset(), self
        )
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        board = dashboard(
            cases=filters.qs,
            filters=filters.plain,
            user=request.user,
            today=timezone.localdate(),
            manages=roles.is_manager(request.user),
            headlines=False,
        )
        pipeline = board.pipeline
        cells = [
            {"state": state.value, "type": t.slug, "count": n}
            for state, line, _ in pipeline.rows
            for t, n in zip(pipeline.types, line, strict=True)
            if n
        ]
        items = _Items(request)
        return Response(
            {
                "as_at": board.today.isoformat(),
                "figures_as_at": serializers.DateTimeField().to_representation(board.as_at),
                "pipeline": cells,
                "overdue": items.kinds(board.overdue),
                "my_actions": items.kinds(board.mine),
            }
        )
