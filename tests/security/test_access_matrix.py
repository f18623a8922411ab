"""The access matrix, generated from the URL configuration: every API operation and every page
x every kind of user x the user's own case, another case and a missing one. A new endpoint or
page with no line here fails until someone decides who may use it.

An API expectation is the status of a refusal (403, 404) or OK: let through to the handler
(whatever it then says of the empty body: 200, 400, 409 ...). Pages take their table from
tests/pages/test_every_page.py's EXPECTED and extend it to the roles and objects it lacks."""

import re

import pytest
from django.db import transaction

from tests.pages.test_every_page import EXPECTED, NOT_PAGES
from tests.security.matrix_world import MISSING, OBJECTS, ROLES, build_world
from tests.security.routes import api_operations, page_routes, takes_an_object, url

pytestmark = pytest.mark.django_db

OK = "ok"  # let through: any status but 401, 403, 404, 405
REFUSALS = {401, 403, 404, 405}

_ORDER = ROLES  # anonymous, chief executive, on, not on, declined, lead, manager, admin


def _profile(*statuses) -> dict:
    return dict(zip(_ORDER, statuses, strict=True))


PUBLIC = _profile(OK, OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = _profile(403, 403, OK, OK, OK, OK, OK, OK)
# The case is read by staff and the peers on its team; one a user may not see is a 404.
CASE_READ = _profile(403, 403, OK, 404, 404, OK, OK, OK)
# Changed by managers and admins; a peer on the team and a programme lead are refused.
CASE_MANAGE = _profile(403, 403, 403, 404, 404, 403, OK, OK)
# Staff only, and hidden from the team too (its emails: personal data of others).
CASE_STAFF_READ = _profile(403, 403, 404, 404, 404, OK, OK, OK)
CASE_MANAGE_HIDDEN = _profile(403, 403, 404, 404, 404, 403, OK, OK)
# The case's staff-only reads: the team is refused, anyone else meets a 404.
CASE_STAFF_ONLY = _profile(403, 403, 403, 404, 404, OK, OK, OK)
# A peer's own place: the peer answers for it, managers too.
OWN_PLACE = _profile(403, 403, OK, 404, 404, 403, OK, OK)
STAFF = _profile(403, 403, 403, 403, 403, OK, OK, OK)
MANAGERS = _profile(403, 403, 403, 403, 403, 403, OK, OK)

# URL name -> method -> who may do it on their own case (or the only object there is).
API = {
    "schema": {"get": PUBLIC},
    "api-docs": {"get": PUBLIC},
    "api-root": {"get": PUBLIC},
    "api-token": {"post": PUBLIC},  # signing in (the body is checked: 400 here)
    "council-list": {"get": SIGNED_IN},
    "council-detail": {"get": SIGNED_IN},
    "challenge-type-list": {"get": SIGNED_IN},
    "challenge-type-detail": {"get": SIGNED_IN},
    "specialism-list": {"get": SIGNED_IN},
    "peer-list": {"get": SIGNED_IN},  # a peer's list holds only themselves
    "peer-detail": {"get": CASE_READ},  # own: the peer on the case's own record
    "peer-export": {"get": MANAGERS},
    "peer-import": {"post": MANAGERS},
    "challenge-list": {"get": SIGNED_IN, "post": MANAGERS},
    "challenge-detail": {"get": CASE_READ, "patch": CASE_MANAGE},
    "challenge-events": {"get": CASE_READ},
    "challenge-report-file": {"get": CASE_READ},  # the uploaded report
    "challenge-date-options": {"get": CASE_READ, "put": CASE_MANAGE},
    "challenge-conflicts": {"get": CASE_STAFF_ONLY},
    "challenge-candidates": {"get": CASE_MANAGE},
    "challenge-notifications": {"get": CASE_STAFF_READ, "post": CASE_MANAGE_HIDDEN},
    "challenge-notification-preview": {"post": CASE_MANAGE_HIDDEN},
    "notification-resend": {"post": CASE_MANAGE_HIDDEN},
    "challenge-survey-invitations": {"get": CASE_STAFF_ONLY},
    "survey-invitation-extend": {"post": MANAGERS},
    "survey-invitation-revoke": {"post": MANAGERS},
    "survey-results-api": {"get": STAFF},
    "survey-responses-api": {"get": MANAGERS},  # each council's answers
    "team-list": {"get": CASE_READ, "post": CASE_MANAGE},
    "team-reserves": {"post": CASE_MANAGE},
    "team-place": {"get": CASE_READ, "patch": CASE_MANAGE},
    "team-place-availability": {"get": CASE_READ, "put": OWN_PLACE},
    "programme-report-api": {"get": STAFF},
    "dashboard-api": {"get": STAFF},
    "publication-tracker-api": {"get": STAFF},
    "coverage-planner-api": {"get": STAFF},
    "common-messages-api": {"get": STAFF},
    "case-findings-api": {"get": CASE_READ, "post": CASE_MANAGE},
    "case-finding-api": {"put": CASE_MANAGE, "delete": CASE_MANAGE},
}
# Every transition of the case and of a team place: managers and admins only (the peer's own
# accept and decline go through the signed link and My invitations, not this API).
TRANSITIONS = ("challenge-", "team-")


def expected_api(name: str, method: str) -> dict:
    if name in API:
        return API[name][method]
    route = next(route for n, route, _ in api_operations() if n == name)
    assert "/transitions/" in route or name == "team-revoke-link", f"no line for {name}"
    return CASE_MANAGE


def for_object(own: dict, obj: str, *, peer_record: bool = False) -> dict:
    """Another case: staff as on their own, the peer on the team as a peer not on it. A missing
    object: a 404 for whoever may use the route, either refusal for whoever may not."""
    if obj == "own":
        return own
    if obj == "other":
        if peer_record:  # the other record is the peer not on the case's own
            return {**own, "peer on the case": 404, "peer not on the case": OK}
        return {**own, "peer on the case": own["peer not on the case"]}
    anonymous = ("anonymous", "chief executive with a survey link")
    return {
        role: status
        if role in anonymous or status in (302, 405)  # sent to sign in; no GET at all
        else ({403, 404} if status == 403 else 404)
        for role, status in own.items()
    }


def matches(status: int, expected) -> bool:
    if expected == OK:
        return status not in REFUSALS
    if isinstance(expected, set):
        return status in expected
    return status == expected


def test_every_api_operation_has_a_line():
    routed = {(name, method) for name, _, method in api_operations()}
    declared = {(name, method) for name, methods in API.items() for method in methods}
    assert declared <= routed, "a line for an operation that no longer exists"
    for name, method in routed - declared:
        expected_api(name, method)  # a transition, or it fails here


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the cases' uploaded reports
    world = build_world()
    peers = {
        "own": world.users["peer on the case"].peer.pk,
        "other": world.users["peer not on the case"].peer.pk,
        "missing": MISSING,
    }
    for obj in OBJECTS:
        world.ids[obj]["peer_id"] = peers[obj]
    return world


def _api_call(client, method: str, path: str) -> int:
    # A savepoint per request: an allowed write must not change what the next role meets.
    with transaction.atomic():
        if method == "get":
            response = client.get(path)
        else:
            response = getattr(client, method)(path, data="{}", content_type="application/json")
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("group", ["challenge", "team", "other"])
def test_api_access_matrix(world, group):
    """Parametrised by group only: the world costs more than its requests."""
    clients = {role: world.client(role) for role in ROLES}
    wrong = []
    for name, route, method in api_operations():
        kind = (
            "challenge"
            if name.startswith("challenge")
            else "team"
            if name.startswith("team")
            else "other"
        )
        if kind != group:
            continue
        own = expected_api(name, method)
        for obj in OBJECTS if takes_an_object(route) else ["own"]:
            want = for_object(own, obj, peer_record=name == "peer-detail")
            path = url(route, world.ids[obj], obj)
            for role in ROLES:
                got = _api_call(clients[role], method, path)
                if not matches(got, want[role]):
                    wrong.append(
                        f"{method.upper()} {path} ({obj}) as {role}: {got}, expected {want[role]}"
                    )
    assert not wrong, "\n".join(wrong)


# --- Pages ------------------------------------------------------------------------------------
# tests/pages/test_every_page.py's EXPECTED says who may open each page on a case of theirs;
# the roles it lacks are read from it: a peer who declined is a peer not on the case, a chief
# executive holding a survey link has no account anywhere else (the survey pages' own tests
# open them with it).
AS_IN_EXPECTED = {
    "anonymous": "anonymous",
    "chief executive with a survey link": "anonymous",
    "peer on the case": "peer on the case",
    "peer not on the case": "peer not on the case",
    "peer who declined": "peer not on the case",
    "lead": "lead",
    "manager": "manager",
    "admin": "admin",
}
# URL arguments that name no object of a case (the rest name one of case A, B or nothing).
FIXED = {
    "name": "book",
    "uidb64": "MQ",
    "token": "not-a-token",
    "step": "withdraw",
    "role": "officer",
    "page": "1",
    "kind": "feedback",
    "table": "summary",
}
CASE_OBJECTS = {
    "pk",
    "assignment_id",
    "notification_id",
    "survey_invitation_id",
    "finding_id",
    "good_practice_id",
}


def _page_class(status: int, role: str):
    """What a status in EXPECTED means: a refusal (exactly that status) or let through."""
    if status == 302 and role in ("anonymous", "chief executive with a survey link"):
        return 302  # sent to sign in
    return status if status in REFUSALS else OK


# EXPECTED's world has no uploaded report (everyone 404); here each case has one, served to
# whoever may see the case.
HERE = {**EXPECTED, "case-report-file": EXPECTED["case-detail"]}


def expected_page(name: str, obj: str) -> dict:
    own = {role: _page_class(HERE[name][AS_IN_EXPECTED[role]], role) for role in ROLES}
    return for_object(own, obj)


def _page_url(route: str, ids: dict, obj: str) -> str:
    return url(route, {**ids, **FIXED}, obj)


def test_every_page_is_in_the_matrix():
    assert set(page_routes(NOT_PAGES)) == set(EXPECTED), "decide who may open the new page"


def test_page_access_matrix(world):
    clients = {role: world.client(role) for role in ROLES}
    wrong = []
    for name, route in sorted(page_routes(NOT_PAGES).items()):
        if name not in EXPECTED:
            continue  # test_every_page_is_in_the_matrix fails for it
        names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        for obj in OBJECTS if names & CASE_OBJECTS else ["own"]:
            want = expected_page(name, obj)
            path = _page_url(route, world.ids[obj], obj)
            for role in ROLES:
                got = _api_call(clients[role], "get", path)
                if not matches(got, want[role]):
                    wrong.append(f"GET {path} ({obj}) as {role}: {got}, expected {want[role]}")
    assert not wrong, "\n".join(wrong)


def test_a_chief_executive_opens_their_own_survey_with_the_link_and_nothing_else(world):
    client = world.client("chief executive with a survey link")
    assert client.get(world.survey_link).status_code == 200
    other = world.ids["other"]["survey"]
    assert client.get(f"/cases/{other.challenge_id}/").status_code == 302  # to sign in
    assert client.get(f"/api/challenges/{other.challenge_id}/").status_code in (401, 403)
