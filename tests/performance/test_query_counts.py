"""P1 of issue 11: every list runs the same number of queries at 5 rows and at 50.

The API's lists are read from the OpenAPI schema (a GET whose 200 is an array or a page of
results), so a new list with no line in ROWS fails here until someone says how to fill it.
Paged lists are asked for page_size 5 and 50 over the same 50 rows; the others get 5, then 50,
rows of their own. django-zeal (tests/conftest.py) names the lazy load when the counts differ."""

from collections.abc import Callable
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from notifications.models import Notification
from reports.models import Finding, Theme
from tests.notifications.factories import NotificationFactory
from tests.workflow import factories as f
from workflow.models import CaseEvent, Council, PeerChallenge, State

pytestmark = pytest.mark.django_db

ROWS_FEW, ROWS_MANY = 5, 50


def _cases(n: int) -> dict:
    for _ in range(n):
        f.PeerChallengeFactory(state=State.CLOSED, manager=None)
    return {}


_hosts = count()


def _one_case(state: str = State.PREPARATION) -> PeerChallenge:
    """A case of its own host: one open case per host and type."""
    host = Council.objects.order_by("code")[next(_hosts)]
    return f.PeerChallengeFactory(state=state, host=host)


def _events(n: int) -> dict:
    case = _one_case()
    CaseEvent.objects.bulk_create(
        CaseEvent(challenge=case, action="workflow.note", to_state=case.state) for _ in range(n)
    )
    return {"id": case.pk}


def _notifications(n: int) -> dict:
    case = _one_case()
    for _ in range(n):
        NotificationFactory(challenge=case, status=Notification.Status.SENT)
    return {"challenge_id": case.pk}


def _team(n: int) -> dict:
    case = _one_case()
    for _ in range(n):
        f.place(case)
    return {"id": case.pk}


def _candidates(n: int) -> dict:
    case = _one_case(State.TEAM_ASSEMBLY)
    for _ in range(n):
        f.PeerFactory()
    return {"id": case.pk}


def _findings(n: int) -> dict:
    case = _one_case(State.REPORTING)
    theme = Theme.objects.first() or Theme.objects.create(name="Finance")
    Finding.objects.bulk_create(
        Finding(challenge=case, component="x", theme=theme, polarity="strength", excerpt="e")
        for _ in range(n)
    )
    return {"id": case.pk}


def _peers(n: int) -> dict:
    for _ in range(n):
        f.PeerFactory()
    return {}


def _already_there(n: int) -> dict:
    """Reference data the migrations load (councils, types, specialisms): paged over it."""
    return {}


# operationId -> (fill with n rows and return the path's arguments, paged?)
ROWS: dict[str, tuple[Callable[[int], dict], bool]] = {
    "challenges_list": (_cases, True),
    "challenges_events_list": (_events, True),
    "challenges_notifications_list": (_notifications, False),
    "challenges_team_list": (_team, False),
    "challenges_candidates_list": (_candidates, True),
    "reports_cases_findings_list": (_findings, False),
    "reports_publication_list": (_cases, True),
    "peers_list": (_peers, True),
    "councils_list": (_already_there, True),
    "reports_coverage_list": (_already_there, True),  # the councils, in pages
    "challenge_types_list": (_already_there, True),
    "specialisms_list": (_already_there, True),
}
# Lists whose length the domain bounds, with why.
BOUNDED = {
    "challenges_surveys_list": "one invitation per respondent kind and survey of a case",
}


def _list_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for route, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        content = get["responses"].get("200", {}).get("content", {})
        body = next(iter(content.values()), {}).get("schema", {})
        if body.get("type") == "array" or "Paginated" in body.get("$ref", ""):
            found.append((get["operationId"], route))
    return found


LIST_OPERATIONS = _list_operations()


def test_every_list_operation_is_counted_or_said_to_be_bounded():
    unknown = {op for op, _ in LIST_OPERATIONS} - ROWS.keys() - BOUNDED.keys()
    assert not unknown, f"add these lists to ROWS (or BOUNDED, saying why): {sorted(unknown)}"


def _count(client, url: str) -> int:
    client.get(url)  # once before counting: the first request fills per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:  # a streamed file reads its rows as it is sent
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def _api_url(route: str, arguments: dict) -> str:
    return route.format(**arguments)


@pytest.mark.parametrize(
    ("operation", "route"), [(op, r) for op, r in LIST_OPERATIONS if op in ROWS]
)
def test_an_api_list_runs_as_many_queries_at_50_rows_as_at_5(operation, route):
    fill, paged = ROWS[operation]
    client = f.api_client(f.manager())
    if paged:
        # Enough rows for a full page of 50; reference data already has them.
        url = _api_url(route, fill(ROWS_MANY))
        few = _count(client, f"{url}?page_size={ROWS_FEW}")
        many = _count(client, f"{url}?page_size={ROWS_MANY}")
    else:
        few = _count(client, _api_url(route, fill(ROWS_FEW)))
        many = _count(client, _api_url(route, fill(ROWS_MANY)))
    assert few == many, f"{operation}: {few} queries at {ROWS_FEW} rows, {many} at {ROWS_MANY}"


# List pages: URL name -> query string that shows every case on one page.
LIST_PAGES = {
    "my-cases": "",
    "my-cases-csv": "",
    "publication-tracker": "",
    "publication-tracker-csv": "",
    "dashboard": "",
}


@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_list_page_runs_as_many_queries_at_50_cases_as_at_5(name, client):
    client.force_login(f.manager())
    url = reverse(name) + LIST_PAGES[name]
    _cases(ROWS_FEW)
    few = _count(client, url)
    _cases(ROWS_MANY - ROWS_FEW)
    many = _count(client, url)
    assert PeerChallenge.objects.count() == ROWS_MANY
    assert Council.objects.exists()
    assert few == many, f"{name}: {few} queries at {ROWS_FEW} cases, {many} at {ROWS_MANY}"
