"""GET /api/reports/dashboard/: the dashboard as JSON: the pipeline (cases by state and type)
and what is overdue across the programme under the filters, and the caller's own actions."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from reports.api_common import FilteredCasesApi
from reports.dashboard import dashboard
from reports.overdue import Kind
from workflow import roles


class OverdueItemOutput(serializers.Serializer):
    case = serializers.IntegerField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    host = serializers.CharField(source="case.host.name")
    type = serializers.CharField(source="case.challenge_type.slug")
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
    pipeline = PipelineCellOutput(many=True, help_text="Every state and type with a case")
    overdue = OverdueKindOutput(many=True)
    my_actions = OverdueKindOutput(
        many=True, allow_null=True, help_text="The caller's own cases; null unless a manager"
    )


def _kinds(kinds: list[Kind] | None, context: dict):
    if kinds is None:
        return None
    return OverdueKindOutput(kinds, many=True, context=context).data


class DashboardApi(FilteredCasesApi):
    """The pipeline and what is overdue (unanswered invitations, reports overdue after the
    feedback, publication deadlines passed, surveys outstanding, impact surveys due), each item
    with its case, under the filters; `my_actions`: the same for the caller's own cases,
    unfiltered."""

    @extend_schema(responses={200: DashboardOutput})
    def get(self, request):
        board = dashboard(
            cases=self.cases(),
            user=request.user,
            today=timezone.localdate(),
            manages=roles.is_manager(request.user),
        )
        pipeline = board.pipeline
        cells = [
            {"state": state.value, "type": t.slug, "count": n}
            for state, line, _ in pipeline.rows
            for t, n in zip(pipeline.types, line, strict=True)
            if n
        ]
        context = {"request": request}
        return Response(
            {
                "as_at": board.today,
                "pipeline": cells,
                "overdue": _kinds(board.overdue, context),
                "my_actions": _kinds(board.mine, context),
            }
        )
