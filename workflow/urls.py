"""The workflow API, mounted under /api/ by peerchallenge/urls.py."""

from django.urls import path

from workflow import api, availability_api, peer_api
from workflow.team_transitions import TEAM_TRANSITIONS
from workflow.transitions import TRANSITIONS


def one_url_per_transition(route: str, view, names, url_name: str) -> list:
    """One URL per transition (`route` with `{name}`): the schema documents each one's input,
    and an unknown name is a 404."""
    return [
        path(
            route.format(name=name),
            view.as_view(transition=name),
            name=url_name.format(name=name.replace("_", "-")),
        )
        for name in names
    ]


transition_urls = one_url_per_transition(
    "challenges/<int:pk>/transitions/{name}/",
    api.ChallengeTransitionApi,
    TRANSITIONS,
    "challenge-{name}",
)
team_transition_urls = one_url_per_transition(
    "challenges/<int:pk>/team/<int:assignment_id>/transitions/{name}/",
    api.TeamTransitionApi,
    TEAM_TRANSITIONS,
    "team-{name}",
)

# The peer pool (workflow/peer_api.py).
peer_urls = [
    path("peers/", peer_api.PeerListApi.as_view(), name="peer-list"),
    path("peers/export.csv", peer_api.PeerExportApi.as_view(), name="peer-export"),
    path("peers/import/", peer_api.PeerImportApi.as_view(), name="peer-import"),
    path("peers/<int:pk>/", peer_api.PeerDetailApi.as_view(), name="peer-detail"),
    path("specialisms/", peer_api.SpecialismListApi.as_view(), name="specialism-list"),
    path(
        "challenges/<int:pk>/conflicts/",
        peer_api.ChallengeConflictsApi.as_view(),
        name="challenge-conflicts",
    ),
    path(
        "challenges/<int:pk>/candidates/",
        peer_api.ChallengeCandidatesApi.as_view(),
        name="challenge-candidates",
    ),
]

urlpatterns = [
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("councils/", api.CouncilListApi.as_view(), name="council-list"),
    path("councils/<slug:code>/", api.CouncilDetailApi.as_view(), name="council-detail"),
    path("challenge-types/", api.ChallengeTypeListApi.as_view(), name="challenge-type-list"),
    path(
        "challenge-types/<slug:slug>/",
        api.ChallengeTypeDetailApi.as_view(),
        name="challenge-type-detail",
    ),
    path("challenges/", api.ChallengeListApi.as_view(), name="challenge-list"),
    path("challenges/<int:pk>/", api.ChallengeDetailApi.as_view(), name="challenge-detail"),
    path(
        "challenges/<int:pk>/report/",
        api.ChallengeReportFileApi.as_view(),
        name="challenge-report-file",
    ),
    path(
        "challenges/<int:pk>/events/", api.ChallengeEventListApi.as_view(), name="challenge-events"
    ),
    *transition_urls,
    path("challenges/<int:pk>/team/", api.TeamListApi.as_view(), name="team-list"),
    path(
        "challenges/<int:pk>/team/reserves/",
        api.TeamReservesApi.as_view(),
        name="team-reserves",
    ),
    path(
        "challenges/<int:pk>/team/<int:assignment_id>/",
        api.TeamPlaceApi.as_view(),
        name="team-place",
    ),
    path(
        "challenges/<int:pk>/team/<int:assignment_id>/revoke-link/",
        api.TeamRevokeLinkApi.as_view(),
        name="team-revoke-link",
    ),
    *team_transition_urls,
    # The date poll (workflow/availability_api.py).
    path(
        "challenges/<int:pk>/date-options/",
        availability_api.DateOptionsApi.as_view(),
        name="challenge-date-options",
    ),
    path(
        "challenges/<int:pk>/team/<int:assignment_id>/availability/",
        availability_api.PlaceAvailabilityApi.as_view(),
        name="team-place-availability",
    ),
    *peer_urls,
]
