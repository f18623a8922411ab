"""The reports' pages, under /reports/ (the API's are in reports/urls.py)."""

from django.urls import path

from reports import (
    common_messages_pages,
    coverage_pages,
    dashboard_pages,
    finding_pages,
    good_practice_pages,
    history_pages,
    programme_pages,
    publication_pages,
)

urlpatterns = [
    # The import and export of historic programme data (R4): admins only.
    path("reports/import/", history_pages.history_import_page, name="history-import"),
    path("reports/import/export.zip", history_pages.history_export_zip, name="history-export"),
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
    # Findings by core component, the common messages and good practice (R3)
    path(
        "reports/cases/<int:pk>/findings/new/", finding_pages.finding_new, name="case-finding-new"
    ),
    path(
        "reports/cases/<int:pk>/findings/<int:finding_id>/",
        finding_pages.finding_change,
        name="case-finding-edit",
    ),
    path(
        "reports/cases/<int:pk>/findings/<int:finding_id>/delete/",
        finding_pages.finding_remove,
        name="case-finding-delete",
    ),
    path(
        "reports/cases/<int:pk>/good-practice/new/",
        finding_pages.case_good_practice_new,
        name="case-good-practice-new",
    ),
    path(
        "reports/common-messages/",
        common_messages_pages.common_messages_page,
        name="common-messages",
    ),
    path(
        "reports/common-messages/csv/",
        common_messages_pages.common_messages_csv,
        name="common-messages-csv",
    ),
    path(
        "reports/common-messages/excerpts/csv/",
        common_messages_pages.common_messages_excerpts_csv,
        name="common-messages-excerpts-csv",
    ),
    path("reports/good-practice/", good_practice_pages.good_practice_list, name="good-practice"),
    path(
        "reports/good-practice/<int:good_practice_id>/",
        good_practice_pages.good_practice_detail,
        name="good-practice-detail",
    ),
    path(
        "reports/good-practice/<int:good_practice_id>/edit/",
        good_practice_pages.good_practice_change,
        name="good-practice-edit",
    ),
    path(
        "reports/good-practice/<int:good_practice_id>/approve/",
        good_practice_pages.good_practice_approve_page,
        name="good-practice-approve",
    ),
    path(
        "reports/good-practice/<int:good_practice_id>/publish/",
        good_practice_pages.good_practice_publish_page,
        name="good-practice-publish",
    ),
]
