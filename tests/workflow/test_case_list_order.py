"""The case list's default order (PeerChallenge.Meta.ordering): newest visit first, a case
without dates last, ties newest case first, on SQLite and PostgreSQL alike (PostgreSQL puts
nulls first in a descending order unless told). The suite runs on SQLite, and on PostgreSQL
with DATABASE_URL set (as CI does)."""

import datetime
import re

import pytest
from django.db import connection, transaction

from tests.workflow.factories import PeerChallengeFactory, api_client, council, manager
from workflow.filters import ChallengeFilter
from workflow.models import PeerChallenge, State

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 1)


def _cases() -> list[PeerChallenge]:
    """In the order the list must show them: two undated enquiries made between dated cases,
    so that an order by id alone, or nulls first, would put them elsewhere."""
    visit = lambda days, code: PeerChallengeFactory(  # noqa: E731
        state=State.CLOSED,
        host=council(code),
        onsite_start=DAY + datetime.timedelta(days=days),
        onsite_end=DAY + datetime.timedelta(days=days + 2),
    )
    older = visit(0, "ADU")
    undated_first = PeerChallengeFactory(onsite_start=None, onsite_end=None)
    newest = visit(30, "MAS")
    undated_second = PeerChallengeFactory(onsite_start=None, onsite_end=None, host=council("BIR"))
    same_day_as_older = visit(0, "BIR")
    return [newest, same_day_as_older, older, undated_second, undated_first]


@pytest.mark.parametrize("query", ["", "?ordering=-onsite_start"])
def test_the_list_shows_the_newest_visit_first_and_undated_cases_last(query):
    expected = [case.pk for case in _cases()]

    listed = api_client(manager()).get(f"/api/challenges/{query}").json()["results"]

    assert [row["id"] for row in listed] == expected


def test_the_default_order_is_the_models_and_filters_the_same_way_by_state():
    cases = _cases()
    closed = [case.pk for case in cases if case.state == State.CLOSED]

    listed = api_client(manager()).get("/api/challenges/?state=closed").json()["results"]

    assert list(PeerChallenge.objects.values_list("pk", flat=True)) == [c.pk for c in cases]
    assert [row["id"] for row in listed] == closed


def _plan(queryset) -> str:
    """The plan of a page's ids (the pager's deferred join picks them so), with the plans
    that read the table whole or sort discouraged: on a test's few rows the planner would
    otherwise choose them. A sort still appears where no index holds the order."""
    with transaction.atomic(), connection.cursor() as cursor:
        for plan in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{plan} = off")
        return queryset.values("pk")[:50].explain()


@pytest.mark.parametrize("data", [{}, {"state": ["closed"]}, {"ordering": "-onsite_start"}])
def test_postgresql_reads_the_default_page_from_an_index(postgresql_only, data):
    _cases()
    page = ChallengeFilter(data, queryset=PeerChallenge.objects.all()).qs

    plan = _plan(page)

    assert re.search(r"Index (Only )?Scan using case_list_", plan), plan
    assert "Sort" not in plan, plan  # a sort would read every case at 100,000
