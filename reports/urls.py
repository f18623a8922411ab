"""The reports' API addresses, under /api/ (the pages' are in reports/page_urls.py)."""

from django.urls import path

from reports import (
    common_messages_api,
    coverage_api,
    dashboard_api,
    findings_api,
    programme_api,
    publication_api,
)

urlpatterns = [
    path(
        "reports/programme/",
        programme_api.ProgrammeReportApi.as_view(),
        name="programme-report-api",
    ),
    path("reports/dashboard/", dashboard_api.DashboardApi.as_view(), name="dashboard-api"),
    path(
        "reports/publication/",
        publication_api.PublicationTrackerApi.as_view(),
        name="publication-tracker-api",
    ),
    path("reports/coverage/", coverage_api.CoverageApi.as_view(), name="coverage-planner-api"),
    path(
        "reports/common-messages/",
        common_messages_api.CommonMessagesApi.as_view(),
        name="common-messages-api",
    ),
    path(
        "reports/cases/<int:pk>/findings/",
        findings_api.CaseFindingsApi.as_view(),
        name="case-findings-api",
    ),
    path(
        "reports/cases/<int:pk>/findings/<int:finding_id>/",
        findings_api.CaseFindingApi.as_view(),
        name="case-finding-api",
    ),
]
