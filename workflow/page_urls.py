"""The pages' URLs (the API's are in workflow/urls.py)."""

from django.urls import path

from workflow.pages import case, lists

urlpatterns = [
    path("cases/", lists.my_cases, name="my-cases"),
    path("visits/", lists.my_visits, name="my-visits"),
    path("cases/<int:pk>/", case.case_detail, name="case-detail"),
    path("cases/<int:pk>/steps/<str:name>/", case.case_transition, name="case-transition"),
]
