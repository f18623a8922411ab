"""Project-wide views: the API's index, its answer for an address that names nothing, and the
error pages. Everything under /api/ answers JSON, whatever DEBUG says."""

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from workflow.transitions import TRANSITIONS

API = "api/"
NOT_FOUND = {"detail": "Not found."}
# The case's transitions live at challenges/<id>/transitions/<name>/, one URL per name.
TRANSITION_ADDRESS = re.compile(r"challenges/\d+/transitions(?:/(?P<name>[^/]*))?/?")
# Ours (frontend/favicon.py): GOV.UK Frontend's is the crown, for GOV.UK only.
FAVICON = Path(__file__).resolve().parent / "static" / "peerchallenge" / "favicon.ico"


def transition_names() -> list[str]:
    """The transitions the API can fire, in their declaration order."""
    return list(TRANSITIONS)


def _routes(patterns: Iterable, prefix: str = "") -> Iterator[str]:
    """The route of every path() below `patterns`, its includes' prefixes in front; re_path()s
    (the catch-all below among them) are left out."""
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        else:
            yield route


def api_paths() -> list[str]:
    """The API's top-level addresses: every route under /api/ that takes no parameter, so a new
    list or endpoint shows up in the index without anyone adding it there."""
    return [
        f"/{route}"
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(API) and route != API and "<" not in route
    ]


def _method_not_allowed(request: HttpRequest, allowed: list[str]) -> JsonResponse:
    response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def api_root(request: HttpRequest) -> JsonResponse:
    """/api/: what the API is, where its documentation is, and its top-level addresses."""
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed(request, ["GET", "HEAD"])
    docs, schema = reverse("api-docs"), reverse("schema")
    return JsonResponse(
        {
            "name": settings.SPECTACULAR_SETTINGS["TITLE"],
            "version": settings.SPECTACULAR_SETTINGS["VERSION"],
            "docs": request.build_absolute_uri(docs),
            "schema": request.build_absolute_uri(schema),
            "endpoints": {
                path.removeprefix(f"/{API}").rstrip("/"): request.build_absolute_uri(path)
                for path in api_paths()
                if path not in (docs, schema)
            },
        }
    )


def _names_a_view(path: str) -> bool:
    try:
        return resolve(path).url_name != "api-not-found"
    except Resolver404:
        return False


# It changes nothing, and a POST to a wrong address should hear "not found", not "CSRF failed".
@csrf_exempt
def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Any address under /api/ that names nothing, for every method: a JSON 404 (Django's own
    404 is an HTML page, a debug page with DEBUG on), with a hint where one helps."""
    missing_slash = settings.APPEND_SLASH and not request.path_info.endswith("/")
    if missing_slash and _names_a_view(f"{request.path_info}/"):
        # What CommonMiddleware's APPEND_SLASH would have done, had this catch-all not matched.
        if request.method in ("GET", "HEAD"):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        detail = f"Not found. The API's addresses end in a slash: {request.path}/"
        return JsonResponse({"detail": detail}, status=404)
    transition = TRANSITION_ADDRESS.fullmatch(rest)
    if transition:
        names = transition_names()
        name = transition["name"]
        if not name:
            detail = f"Name the transition: POST /{API}{rest.rstrip('/')}/<name>/"
        elif name not in names:
            detail = f"No transition named {name!r}."
        else:
            return JsonResponse(NOT_FOUND, status=404)
        return JsonResponse({"detail": detail, "transitions": names}, status=404)
    return JsonResponse(NOT_FOUND, status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE read outside the API's views) is
    JSON under /api/, as every other answer there."""
    if request.path.startswith(f"/{API}"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """With DEBUG off, a 404 raised under /api/ outside the API's own views is JSON too."""
    if request.path.startswith(f"/{API}"):
        return JsonResponse(NOT_FOUND, status=404)
    return defaults.page_not_found(request, exception)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which a browser asks for where a page links no icon of its own (the
    admin's): served here, as its address is fixed, rather than from the static files."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
