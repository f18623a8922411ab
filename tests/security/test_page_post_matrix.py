"""The page access matrix for POST: every page that accepts a POST (read from the URL
configuration, then asked: a page that answers 405 to every signed-in role takes none) x every
kind of user x their own case, another case and a missing one -> the expected status, with
nothing changed by a refused POST. Who may POST comes from tests/pages/test_every_page.py's
CHANGES; who may see the page from its EXPECTED (via test_access_matrix). A case the user may
not see is a 404 for POST as for GET; a signed-out visitor is sent to sign in, except on a
signed-link page, where a link that opens nothing is a 404 whoever asks. A second test posts
as a manager with CSRF checks on: every such page refuses a POST without the token."""

import re

import pytest
from django.db import transaction
from django.test import Client

from tests.pages.test_every_page import CHANGES, NOT_PAGES, snapshot
from tests.security.matrix_world import OBJECTS, ROLES
from tests.security.routes import page_routes
from tests.security.test_access_matrix import (
    AS_IN_EXPECTED,
    CASE_OBJECTS,
    OK,
    _page_url,
    expected_page,
    matches,
    world,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.django_db

SIGNED_OUT = ("anonymous", "chief executive with a survey link")
SIGNED_IN = [role for role in ROLES if role not in SIGNED_OUT]
REFUSED = {403, 404}
# A body that fills the usual fields, so an allowed POST reaches the service rather than
# stopping at an empty form (the statuses are the same either way for a refusal).
BODY = {"reason": "x", "message": "x", "subject": "x", "note": "x"}


def _post(client: Client, path: str, place: object = None) -> tuple[int, bool]:
    """The status, and whether the database changed; rolled back so the next role meets the
    same world. `place`: the team place the body names (My invitations answers one)."""
    with transaction.atomic():
        before = snapshot()
        status = client.post(path, {**BODY, "place": place or ""}).status_code
        changed = snapshot() != before
        transaction.set_rollback(True)
    return status, changed


def _pages(built) -> list[tuple[str, str]]:
    return [
        (name, route)
        for name, route in sorted(page_routes(NOT_PAGES).items())
        if name in CHANGES or _takes_a_post(built, name, route)
    ]


def _takes_a_post(built, name: str, route: str) -> bool:
    path = _page_url(route, built.ids["own"], "own")
    return any(_post(built.client(role), path)[0] != 405 for role in SIGNED_IN)


def _on_a_case(route: str) -> bool:
    return bool(set(re.findall(r"<(?:\w+:)?(\w+)>", route)) & CASE_OBJECTS)


# Pages whose POST test_every_page's tables do not describe.
SPECIAL = {
    # Signing out is a POST (GET is a 405) for whoever is signed in.
    "sign-out": lambda role: 302,
    # The posted place is the case's, whose report is issued: no open invitation, so a 404 for
    # its own peer as for anyone else, who may not learn it exists (answering an open one:
    # tests/pages/test_invitation_pages.py).
    "my-invitations": lambda role: 302 if role in SIGNED_OUT else 404,
}
# POSTs that end the session: the clients sign in again after them.
ENDS_THE_SESSION = {"sign-out"}


def expected_post(name: str, route: str, obj: str) -> dict:
    """A page that changes something (CHANGES) lets its roles through where they may reach it,
    and refuses everyone else as GET does; where GET takes no request at all (405: a POST-only
    action) a role that may not see the case meets a 404, as on the case's own page, and any
    other role 403 or 404. A page that only shows (it takes a POST as a GET) answers as GET."""
    get = expected_page(name, obj)
    case = expected_page("case-detail", obj) if route.startswith("cases/") else None
    may = CHANGES.get(name)
    signed_link = "<str:token>" in route or "<token>" in route
    want: dict = {}
    for role in ROLES:
        if name in SPECIAL:
            want[role] = SPECIAL[name](role)
        elif may is None:  # what GET says, signed out or not (signing in is a POST here)
            want[role] = get[role]
        elif role in SIGNED_OUT:
            want[role] = 404 if signed_link else 302
        elif get[role] == 405 and obj == "missing":
            want[role] = 404 if AS_IN_EXPECTED[role] in may else REFUSED
        elif AS_IN_EXPECTED[role] in may and get[role] in (OK, 405):
            want[role] = OK
        elif get[role] in (403, 404) or isinstance(get[role], set):
            want[role] = get[role]
        elif case is not None and case[role] == 404:
            want[role] = 404
        else:
            want[role] = REFUSED
    return want


def test_page_post_matrix(world):  # noqa: F811  (the fixture)
    clients = {role: world.client(role) for role in ROLES}
    wrong, allowed, checked = [], [], 0
    for name, route in _pages(world):
        for obj in OBJECTS if _on_a_case(route) else ["own"]:
            want = expected_post(name, route, obj)
            path = _page_url(route, world.ids[obj], obj)
            for role in ROLES:
                got, changed = _post(clients[role], path, world.ids[obj]["assignment_id"])
                checked += 1
                if not matches(got, want[role]):
                    wrong.append(f"POST {path} ({obj}) as {role}: {got}, expected {want[role]}")
                elif changed and (want[role] != OK or name not in CHANGES):
                    wrong.append(f"POST {path} ({obj}) as {role}: {got}, but it changed data")
                elif want[role] == OK and name in CHANGES:
                    allowed.append((name, role))
        if name in ENDS_THE_SESSION:
            clients = {role: world.client(role) for role in ROLES}
    assert not wrong, "\n".join(wrong)
    # The matrix did its work: every page in CHANGES was posted to, and let someone through.
    assert {name for name, _ in allowed} >= set(CHANGES) - set(SPECIAL)
    assert checked > 500


def test_every_page_taking_a_post_refuses_one_without_the_csrf_token(world):  # noqa: F811
    """The test client skips CSRF checks; a browser does not. A manager's session (and an
    admin's for the admin-only import) posting from another site is refused, changing nothing."""
    wrong = []
    for name, route in _pages(world):
        path = _page_url(route, world.ids["own"], "own")
        role = "admin" if CHANGES.get(name) == {"admin"} else "manager"
        if "<str:token>" in route or "<token>" in route:
            role = "peer on the case"
        if name in ("my-invitations", "my-place-availability"):
            role = "peer on the case"
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[role])
        got, changed = _post(client, path, world.ids["own"]["assignment_id"])
        if got != 403 or changed:
            wrong.append(f"POST {path} as {role} without a CSRF token: {got}, changed={changed}")
    assert not wrong, "\n".join(wrong)
