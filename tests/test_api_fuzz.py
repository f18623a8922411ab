"""Bad input never gives a 500, and every response is one the schema documents (status,
content type, body): schemathesis fuzzes each operation of the OpenAPI schema in-process
against the WSGI app, as a manager, as a peer (each with a token) and without credentials,
on real rows.

Per operation and caller: the coverage phase's negative cases (each parameter and body field in
turn of the wrong type, past its bounds, missing when required; a body in a format it does not
read; an unexpected method), then random examples, valid and not. Path ids turn in order between
the caller's own case (the peer is on its team), another case (no test peer on it) and the
generated value (almost always no row). Hooks give a share of the random examples real
references (a council code, a type slug) so they get past the lookups, and a share a NUL byte
in every string: PostgreSQL refuses NUL in text, so a string that reaches a query without a
field validating it is a 500 there. The coverage phase's positive cases (every mix of optional
fields) are left out to keep the run short; derandomized, so a run is repeatable. The last test
holds the run to at least MIN_REQUESTS requests (9,888 are made: 1 min 43 s of CPU, 4 min
of wall time on a 2-core machine shared at load 5).
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
from tests.workflow.factories import (
    PeerChallengeFactory,
    council,
    full_team,
    manager,
    peer_user,
    place,
    scoped,
)
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


def case_for(operation, host: str = "ADU") -> PeerChallenge:
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
    challenge = scoped(
        PeerChallengeFactory(state=state, postponed_from=postponed_from, host=council(host))
    )
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


WHO = ["manager", "peer", "anonymous"]
MIN_REQUESTS = 5_000
REQUESTS = {"made": 0, "items": 0}
# The path ids an example gets, in turn (the generated value: almost always no row).
ID_TURNS = ["own", "other", "generated"]


@pytest.fixture
def rows(db, settings, tmp_path):
    """Filled on an operation's first example, by real_ids."""
    settings.MEDIA_ROOT = tmp_path  # fuzzed report uploads land here, not in var/
    REQUESTS["items"] += 1
    return {"turn": 0}


def _ids(challenge: PeerChallenge) -> dict[str, int]:
    notification = NotificationFactory(challenge=challenge, status=Notification.Status.FAILED)
    return {
        "id": challenge.pk,
        "pk": challenge.pk,
        "challenge_id": challenge.pk,
        "notification_id": notification.pk,
        "assignment_id": challenge.assignments.get(role=Assignment.Role.SPECIALIST).pk,
    }


def real_ids(rows: dict, operation, who: str) -> dict[str, int] | None:
    """The ids of this example's turn: the caller's case, another case, or None (as generated).
    The peer is on the first case's team (the place its step fires from is theirs)."""
    if "own" not in rows:
        # Two hosts: a council has one open case of a type.
        own, other = case_for(operation), case_for(operation, host="WOR")
        peer = peer_user()
        Assignment.objects.filter(challenge=own, role=Assignment.Role.SPECIALIST).update(
            peer=peer.peer
        )
        users = {"manager": manager(), "peer": peer}
        rows["headers"] = (
            {"Authorization": f"Token {Token.objects.create(user=users[who]).key}"}
            if who in users
            else {}
        )
        rows["own"], rows["other"] = _ids(own), _ids(other)
    turn = ID_TURNS[rows["turn"] % len(ID_TURNS)]
    rows["turn"] += 1
    return rows.get(turn)


@pytest.mark.parametrize("who", WHO)
@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_bad_input_never_gives_a_500(case, rows, who):
    ids = real_ids(rows, case.operation, who)
    if ids is not None:
        case.path_parameters = {
            name: ids.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
    # Each example runs in a savepoint rolled back after it, so every example starts from
    # the same rows and a failure shrinks reproducibly.
    with same_connection(), transaction.atomic():
        response = case.call(headers=rows["headers"])
        transaction.set_rollback(True)
    REQUESTS["made"] += 1
    case.validate_response(response, checks=CHECKS)


def test_the_fuzzing_made_enough_requests():
    """Runs last in this module: with every operation fuzzed as every caller, enough requests."""
    if REQUESTS["items"] < len(WHO) * len(list(schema.get_all_operations())):
        pytest.skip("only part of the fuzzing ran")
    assert REQUESTS["made"] >= MIN_REQUESTS
