"""The pages behind the case's emails panel (the API's addresses are in notifications/urls.py)."""

from django.urls import path

from notifications import pages

urlpatterns = [
    path("cases/<int:pk>/emails/new/", pages.email_new, name="case-email-new"),
    path(
        "cases/<int:pk>/emails/<int:notification_id>/",
        pages.email_preview,
        name="case-email-preview",
    ),
    path(
        "cases/<int:pk>/emails/<int:notification_id>/resend/",
        pages.email_resend,
        name="case-email-resend",
    ),
]
