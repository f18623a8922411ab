"""The reports' API addresses, under /api/ (the pages' are in reports/page_urls.py)."""

from django.urls import path

from reports import programme_api

urlpatterns = [
    path(
        "reports/programme/",
        programme_api.ProgrammeReportApi.as_view(),
        name="programme-report-api",
    ),
]
