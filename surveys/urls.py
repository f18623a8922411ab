"""The surveys' API addresses, under /api/ (the pages' are in surveys/page_urls.py)."""

from django.urls import path

from surveys import api, invitations_api

urlpatterns = [
    path("surveys/results/", api.SurveyResultsApi.as_view(), name="survey-results-api"),
    path("surveys/responses/", api.SurveyResponsesCsvApi.as_view(), name="survey-responses-api"),
    path(
        "challenges/<int:pk>/surveys/",
        invitations_api.CaseSurveyInvitationsApi.as_view(),
        name="challenge-survey-invitations",
    ),
    path(
        "surveys/invitations/<int:pk>/extend/",
        invitations_api.SurveyInvitationExtendApi.as_view(),
        name="survey-invitation-extend",
    ),
    path(
        "surveys/invitations/<int:pk>/revoke/",
        invitations_api.SurveyInvitationRevokeApi.as_view(),
        name="survey-invitation-revoke",
    ),
]
