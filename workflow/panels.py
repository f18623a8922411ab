"""The case page's panels: parts of the page other apps own (DESIGN.md §2). settings.CASE_PANELS
lists them by dotted path, the way the reactions table is found, so `workflow` imports none of
those apps. A panel is a function `panel(request, case) -> str | None`: its own rendered HTML
(escaped by its own templates), or None when it has nothing to show this user."""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from workflow.models import PeerChallenge

Panel = Callable[[HttpRequest, PeerChallenge], SafeString | None]


@cache
def panels() -> tuple[Panel, ...]:
    return tuple(import_string(path) for path in settings.CASE_PANELS)


def render_panels(request: HttpRequest, case: PeerChallenge) -> list[SafeString]:
    rendered = (panel(request, case) for panel in panels())
    return [html for html in rendered if html]
