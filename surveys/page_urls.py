"""The surveys' pages (the API's are in surveys/urls.py).

The respondent's pages take the signed link's token as their first part, so any other page
under surveys/ must be listed before them, or its name would be taken for a token."""

from django.urls import path

from surveys import invitation_pages, pages, results_pages

urlpatterns = [
    # The results (staff), before the respondent's pages: "results" is no token.
    path("surveys/results/", results_pages.survey_results_page, name="survey-results"),
    path(
        "surveys/results/<str:kind>/csv/",
        results_pages.survey_responses_csv_page,
        name="survey-responses-csv",
    ),
    # A manager's actions on a case's survey invitation (the case's surveys panel).
    path(
        "cases/<int:pk>/surveys/<int:survey_invitation_id>/link/",
        invitation_pages.survey_link,
        name="case-survey-link",
    ),
    path(
        "cases/<int:pk>/surveys/<int:survey_invitation_id>/closing-date/",
        invitation_pages.survey_closing_date,
        name="case-survey-closing-date",
    ),
    # The respondent's pages: no sign-in, the signed link (surveys/links.py); keep them last.
    path("surveys/<str:token>/", pages.start, name="survey"),
    path("surveys/<str:token>/check/", pages.check_answers, name="survey-check"),
    path("surveys/<str:token>/<int:page>/", pages.question_page, name="survey-page"),
    # Anything else under a link (a page that is no number, a path too deep): the same page
    # as a link that opens nothing, not the site's 404.
    path("surveys/<str:token>/<path:rest>", pages.nothing_here),
]
