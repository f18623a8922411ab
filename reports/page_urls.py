"""The reports' pages, under /reports/ (the API's are in reports/urls.py)."""

from django.urls import path

from reports import coverage_pages, dashboard_pages, programme_pages, publication_pages

urlpatterns = [
    path("reports/programme/", programme_pages.programme_report_page, name="programme-report"),
    path(
        "reports/programme/<slug:table>.csv",
        programme_pages.programme_report_csv,
        name="programme-report-csv",
    ),
    path("reports/dashboard/", dashboard_pages.dashboard_page, name="dashboard"),
    path(
        "reports/publication/",
        publication_pages.publication_tracker_page,
        name="publication-tracker",
    ),
    path(
        "reports/publication/csv/",
        publication_pages.publication_tracker_csv,
        name="publication-tracker-csv",
    ),
    path("reports/coverage/", coverage_pages.coverage_page, name="coverage-planner"),
    path("reports/coverage/csv/", coverage_pages.coverage_csv, name="coverage-planner-csv"),
    path(
        "reports/coverage/<str:code>/reason/",
        coverage_pages.coverage_note,
        name="coverage-note",
    ),
]
