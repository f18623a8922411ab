"""Project-wide error pages."""

from django.http import JsonResponse
from django.views import defaults


def page_not_found(request, exception):
    """Under /api/, a URL that matches nothing (an unknown path, a council code that is not a
    slug) is a JSON 404 like every other API error, not Django's HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
