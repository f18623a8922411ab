"""The pages' URLs (the API's are in workflow/urls.py)."""

from django.urls import path

from workflow.pages import (
    availability,
    candidates,
    case,
    case_edit,
    invitations,
    lists,
    report_file,
    team,
)

urlpatterns = [
    path("cases/", lists.my_cases, name="my-cases"),
    path("cases/csv/", lists.my_cases_csv, name="my-cases-csv"),
    path("visits/", lists.my_visits, name="my-visits"),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("my/invitations/", invitations.my_invitations, name="my-invitations"),
    path("my/challenges/", invitations.my_challenges, name="my-challenges"),
    path("cases/new/", case_edit.case_new, name="case-new"),
    path("cases/<int:pk>/", case.case_detail, name="case-detail"),
    path("cases/<int:pk>/edit/", case_edit.case_edit, name="case-edit"),
    path("cases/<int:pk>/report/", report_file.case_report_file, name="case-report-file"),
    path("cases/<int:pk>/steps/<str:name>/", case.case_transition, name="case-transition"),
    path("cases/<int:pk>/candidates/", candidates.case_candidates, name="case-candidates"),
    path(
        "cases/<int:pk>/team/<int:assignment_id>/steps/<str:step>/",
        team.team_transition,
        name="case-team-transition",
    ),
    path("cases/<int:pk>/team/<int:assignment_id>/link/", team.team_link, name="case-team-link"),
    path(
        "cases/<int:pk>/team/reserves/<str:role>/", team.reserves_order, name="case-reserves-order"
    ),
    # The date poll (workflow/pages/availability.py): the manager's page, the peer's answer.
    path("cases/<int:pk>/availability/", availability.case_availability, name="case-availability"),
    path(
        "invitations/<str:token>/availability/",
        availability.invitation_availability,
        name="invitation-availability",
    ),
    path(
        "my/places/<int:assignment_id>/availability/",
        availability.my_place_availability,
        name="my-place-availability",
    ),
]
