from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from peerchallenge import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with no inline script or style (the Content-Security-Policy): its init script
    # is served by the same view (?script), its page style from our static files.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="peerchallenge/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/", include("workflow.urls")),
    path("api/", include("notifications.urls")),
    path("api/", include("surveys.urls")),
    path("api/", include("reports.urls")),
    # After every API route: /api/ itself, then a JSON 404 for whatever else is under /api/.
    path("api/", views.api_root, name="api-root"),
    re_path(r"^api/(?P<rest>[\s\S]*)\Z", views.api_not_found, name="api-not-found"),
    path("", include("peerchallenge.account_urls")),
    path("", include("workflow.page_urls")),
    path("", include("notifications.page_urls")),
    path("", include("surveys.page_urls")),
    path("", include("reports.page_urls")),
]

handler400 = "peerchallenge.views.bad_request"
handler404 = "peerchallenge.views.page_not_found"
