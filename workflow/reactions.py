"""Runs the cross-app reactions to a case event.

The table lives in the project (settings.CASE_EVENT_REACTIONS names it by dotted path, the way
Django finds middleware), so this app never imports the apps that react to it.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _table() -> dict:
    return import_string(settings.CASE_EVENT_REACTIONS)


def run_reactions(event) -> None:
    """Call every reaction listed for the event's action, inside the caller's transaction."""
    for reaction in _table().get(event.action, ()):
        reaction(event)
