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
from reports.publication import (
    Milestone,
    TrackedCase,
    TrackerPaginator,
    track,
    tracked,
    tracked_cases,
)


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


def _day(day) -> str | None:
    return day.isoformat() if day is not None else None


def _milestone(m: Milestone) -> dict:
    return {
        "expected": m.expected,
        "due": _day(m.due),
        "latest": _day(m.latest),
        "done": m.done,
        "done_on": _day(m.done_on),
        "rag": m.rag,
        "days_overdue": m.days_overdue,
        "days_late": m.days_late,
    }


def output(row: TrackedCase, case_link: str) -> dict:
    """`TrackedCaseOutput`'s JSON, written directly (a test holds the two equal): the
    serializer's nested fields took longer than the page's query. `case_link`: the case
    page's address less its id."""
    case = row.case
    return {
        "case": case.pk,
        "reference": case.reference,
        "host": case.host.name,
        "type": case.challenge_type.slug,
        "state": case.state,
        "feedback_date": _day(case.feedback_date),
        "rag": row.rag,
        "days_overdue": row.days_overdue,
        "report_issued": _milestone(row.report),
        "report_published": _milestone(row.published),
        "action_plan": _milestone(row.action_plan),
        "progress_review": _milestone(row.review),
        "url": f"{case_link}{case.pk}/",
    }


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
        case_link = request.build_absolute_uri(reverse("case-detail", args=[0]))
        case_link = case_link.removesuffix("0/")
        return self.get_paginated_response([output(track(row, today), case_link) for row in page])
