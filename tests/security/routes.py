"""Every API operation and every page, read from the URL configuration (a new one is in the
matrix the moment it is routed), with the URL each object variant ("own", "other", "missing")
gives it."""

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ("get", "post", "put", "patch", "delete")


def _walk(patterns, prefix="") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _methods(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    if getattr(callback, "actions", None):  # a viewset's route
        return sorted(set(callback.actions))
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:
        return ["get"]
    return [m for m in METHODS if hasattr(view, m)]


def api_operations() -> list[tuple[str, str, str]]:
    """(URL name, route, method) for every routed API operation."""
    out = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("api/") and pattern.name:
            out.extend((pattern.name, route, method) for method in _methods(pattern))
    return sorted(out)


def page_routes(not_pages: tuple[str, ...]) -> dict[str, str]:
    """URL name -> route of every named page (not the admin, the API or static files)."""
    return {
        pattern.name: route
        for route, pattern in _walk(get_resolver().url_patterns)
        if pattern.name and not route.lstrip("^").startswith(not_pages)
    }


def _arg(route: str, name: str, ids: dict, obj: str) -> str:
    if route.startswith("api/surveys/invitations/") and name == "pk":
        return str(ids["survey_invitation_id"])
    if route.startswith("api/peers/") and name == "pk":
        return str(ids["peer_id"])
    if name == "code":
        return {"own": "ADU", "other": "BIR", "missing": "zzz"}[obj]
    if name == "slug":
        return {"own": "corporate", "other": "finance", "missing": "zzz"}[obj]
    return str(ids[name])


def url(route: str, ids: dict, obj: str) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _arg(route, m.group(1), ids, obj), route)
    return "/" + path


def takes_an_object(route: str) -> bool:
    return "<" in route
