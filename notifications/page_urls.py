"""The pages behind the case's emails panel (the API's addresses are in notifications/urls.py)."""

from django.urls import path

from notifications import calendar_pages, pages

urlpatterns = [
    path("cases/<int:pk>/emails/new/", pages.email_new, name="case-email-new"),
    path(
        "cases/<int:pk>/emails/<int:notification_id>/",
        pages.email_preview,
        name="case-email-preview",
    ),
    path(
        "cases/<int:pk>/emails/<int:notification_id>/html/",
        pages.email_html_part,
        name="case-email-html",
    ),
    path(
        "cases/<int:pk>/emails/<int:notification_id>/resend/",
        pages.email_resend,
        name="case-email-resend",
    ),
    # A person's private calendar feed (notifications/calendar_pages.py).
    path("my/calendar/", calendar_pages.my_calendar, name="my-calendar"),
    path("calendar/<str:token>.ics", calendar_pages.calendar_feed, name="calendar-feed"),
]
