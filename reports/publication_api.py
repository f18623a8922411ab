"""GET /api/reports/publication/: the publication tracker as JSON, the most overdue first, in
pages (`page`, `page_size`: the case list's paginator) — every case past its feedback in one
answer was 63 MB at 100,000 cases."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from core.pagination import PageNumberPagination
from reports.api_common import FilteredCasesApi
from reports.publication import TrackerPaginator, track, tracked, tracked_cases


class MilestoneOutput(serializers.Serializer):
    expected = serializers.BooleanField(help_text="False: the type expects no publication")
    due = serializers.DateField(allow_null=True, help_text="Null until its clock starts")
    latest = serializers.DateField(allow_null=True)
    done = serializers.BooleanField()
    done_on = serializers.DateField(allow_null=True)
    rag = serializers.CharField(allow_null=True, help_text="green, amber, red or null")
    days_overdue = serializers.IntegerField()
    days_late = serializers.IntegerField(help_text="Done this many days after its due date")


class TrackedCaseOutput(serializers.Serializer):
    case = serializers.IntegerField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    host = serializers.CharField(source="case.host.name")
    type = serializers.CharField(source="case.challenge_type.slug")
    state = serializers.CharField(source="case.state")
    feedback_date = serializers.DateField(source="case.feedback_date")
    rag = serializers.CharField()
    days_overdue = serializers.IntegerField()
    report_issued = MilestoneOutput(source="report")
    report_published = MilestoneOutput(source="published")
    action_plan = MilestoneOutput()
    progress_review = MilestoneOutput(source="review")
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("case-detail", args=[row.case.pk])
        )


class TrackerPagination(PageNumberPagination):
    tracked: QuerySet | None = None  # the view's `tracked(cases)`

    def django_paginator_class(self, rows: QuerySet, page_size: int) -> TrackerPaginator:  # type: ignore[override]
        assert self.tracked is not None  # the view sets it
        return TrackerPaginator(rows, page_size, tracked=self.tracked)


class PublicationTrackerApi(FilteredCasesApi):
    """Every case past its feedback presentation with its report issued, published, action
    plan and progress review against their deadlines (report and action plan within 3 months
    of the report, 5 at the latest; progress review within 12 months of the visit), each with
    a RAG; the most overdue first, in pages."""

    pagination_class = TrackerPagination  # type: ignore[assignment]  # the base: None

    @extend_schema(responses={200: TrackedCaseOutput(many=True)})
    def get(self, request):
        today = timezone.localdate()
        cases = self.cases()
        assert isinstance(self.paginator, TrackerPagination)
        self.paginator.tracked = tracked(cases)
        page = self.paginate_queryset(tracked_cases(cases, today=today))
        assert page is not None  # the view always pages
        rows = [track(row, today) for row in page]
        data = TrackedCaseOutput(rows, many=True, context={"request": request}).data
        return self.get_paginated_response(data)
