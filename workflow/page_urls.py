"""The pages' URLs (the API's are in workflow/urls.py)."""

from django.urls import path

from workflow import views

urlpatterns = [
    path("cases/", views.my_cases, name="my-cases"),
    path("visits/", views.my_visits, name="my-visits"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/steps/<str:name>/", views.case_transition, name="case-transition"),
]
