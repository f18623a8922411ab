"""Bad input never gives a 500, and every response is one the schema documents (status,
content type, body): schemathesis fuzzes each operation of the OpenAPI schema in-process
against the WSGI app, as a manager with a token, on real rows.

Per operation: the coverage phase's negative cases (each parameter and body field in turn of
the wrong type, past its bounds, missing when required; a body in a format it does not read; an
unexpected method), then 10 random examples, valid and not. Hooks give a share of the random
examples real references (a council code, a type slug) so they get past the lookups, and a share
a NUL byte in every string: PostgreSQL refuses NUL in text, so a string that reaches a query
without a field validating it is a 500 there. The coverage phase's positive cases (every mix of
optional fields) are left out to stay under a minute on PostgreSQL.
"""

import contextlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from notifications.models import Notification
from peerchallenge.wsgi import application
from tests.notifications.factories import NotificationFactory
from tests.workflow.factories import PeerChallengeFactory, full_team, manager, place, scoped
from tests.workflow.spec import SPEC
from workflow.models import Assignment, PeerChallenge, State

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"generation": {"mode": "negative"}}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

# The status a place's transition fires from (the rest fire from an invitation).
TEAM_SOURCES = {
    "invite": Assignment.Status.RESERVE,
    "complete": Assignment.Status.ACCEPTED,
}

# Rows loaded by migration, so the same in every test database.
REFERENCES = {"host": "ADU", "code": "ADU", "type": "corporate", "slug": "corporate"}


def with_nul(value):
    if isinstance(value, str):
        return f"{value}\x00"
    if isinstance(value, list):
        return [with_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: with_nul(item) for key, item in value.items()}
    return value


def variants(context, values):
    """As generated, with real references, or with a NUL byte in every string."""
    if not isinstance(values, dict):
        return st.just(values)
    referenced = {
        key: REFERENCES[key] if key in REFERENCES and isinstance(value, str) else value
        for key, value in values.items()
    }
    return st.sampled_from([values, referenced, with_nul(values)])


for location in ("path_parameters", "query", "body"):
    schema.hook(f"flatmap_{location}")(variants)


def case_for(operation) -> PeerChallenge:
    """A case its transition can fire from (the first source state in the design's order), so
    valid input can succeed; a booked one for every other operation. With a team, and a place
    that the operation's step (if it is one of a place) can fire from."""
    name = operation.path.split("/transitions/")[-1].strip("/")
    team_step = name if "/team/" in operation.path else ""
    sources = SPEC[name][0] if name in SPEC and not team_step else {State.BOOKED}
    if team_step:  # on site, every step of a place can succeed (days are logged from then)
        sources = {State.ONSITE}
    state = next(state for state in State if state in sources)
    postponed_from = State.BOOKED if state == State.POSTPONED else ""
    challenge = scoped(PeerChallengeFactory(state=state, postponed_from=postponed_from))
    full_team(challenge)
    # A place its transition can fire from: an invitation (or a reserve to invite).
    first = TEAM_SOURCES.get(team_step, Assignment.Status.INVITED)
    place(challenge, status=first, role=Assignment.Role.SPECIALIST)
    return challenge


@contextlib.contextmanager
def same_connection():
    """As Django's test client does: a request must not close the test's connection, whose
    transaction holds every row made here (on PostgreSQL every example would fail)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def rows(db, settings, tmp_path):
    """Filled on an operation's first example, by real_ids."""
    settings.MEDIA_ROOT = tmp_path  # fuzzed report uploads land here, not in var/
    return {}


def real_ids(rows: dict, operation) -> dict[str, int]:
    if not rows:
        challenge = case_for(operation)
        notification = NotificationFactory(challenge=challenge, status=Notification.Status.FAILED)
        rows["token"] = Token.objects.create(user=manager()).key
        rows["ids"] = {
            "id": challenge.pk,
            "challenge_id": challenge.pk,
            "notification_id": notification.pk,
            "assignment_id": challenge.assignments.get(role=Assignment.Role.SPECIALIST).pk,
        }
    return rows["ids"]


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_bad_input_never_gives_a_500(case, rows):
    # A random id is only ever a 404: integer ids always name the case (or its email).
    ids = real_ids(rows, case.operation)
    case.path_parameters = {
        name: ids.get(name, value) for name, value in (case.path_parameters or {}).items()
    }
    # Each example runs in a savepoint rolled back after it, so every example starts from
    # the same rows and a failure shrinks reproducibly.
    with same_connection(), transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {rows['token']}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
