"""The reports' pages, under /reports/ (the API's are in reports/urls.py)."""

from django.urls import path

from reports import programme_pages

urlpatterns = [
    path("reports/programme/", programme_pages.programme_report_page, name="programme-report"),
    path(
        "reports/programme/<slug:table>.csv",
        programme_pages.programme_report_csv,
        name="programme-report-csv",
    ),
]
