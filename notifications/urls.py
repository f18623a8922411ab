from django.urls import path

from notifications import api

urlpatterns = [
    path(
        "challenges/<int:challenge_id>/notifications/",
        api.ChallengeNotificationsApi.as_view(),
        name="challenge-notifications",
    ),
    path(
        "challenges/<int:challenge_id>/notifications/preview/",
        api.ChallengeNotificationPreviewApi.as_view(),
        name="challenge-notification-preview",
    ),
    path(
        "notifications/<int:notification_id>/resend/",
        api.NotificationResendApi.as_view(),
        name="notification-resend",
    ),
]
