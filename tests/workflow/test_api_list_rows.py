"""The case list's lean rows (serializers.CaseRows, issue 11 P2) and its paging (a deferred
join, core/pagination.py): each row is what the case renders as on its own, and a page holds
the cases the list's order puts there."""

import datetime
import json

import pytest
from django_fsm import FSMFieldMixin
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tests.workflow.factories import (
    PeerChallengeFactory,
    api_client,
    council,
    full_team,
    manager,
    peer_user,
    place,
    programme_lead,
)
from workflow import selectors
from workflow.models import Assignment, PeerChallenge, State
from workflow.serializers import ChallengeListOutput

pytestmark = pytest.mark.django_db


def _varied_cases() -> list[PeerChallenge]:
    """Cases that between them fill every kind of value a row has: a team in several roles and
    statuses, a parent, no manager, a postponed case (its resume leads back), a report file,
    and a withdrawn case, finished."""
    parent = PeerChallengeFactory(state=State.CLOSED)
    with_team = PeerChallengeFactory(state=State.TEAM_ASSEMBLY, parent=parent)
    full_team(with_team)
    place(with_team, role=Assignment.Role.SHADOW, status=Assignment.Status.RESERVE)
    place(with_team, role=Assignment.Role.MEMBER, status=Assignment.Status.DECLINED)
    postponed = PeerChallengeFactory(
        state=State.POSTPONED,
        postponed_from=State.BOOKED,
        postponed_reason="Elections",
        host=council("MAS"),
        manager=None,
        report_file="reports/elections.pdf",  # a stored name is all a row reads
    )
    PeerChallengeFactory(state=State.WITHDRAWN, withdrawn_reason="Merged", host=council("BIR"))
    return [parent, with_team, postponed]


@pytest.mark.parametrize("who", [manager, programme_lead])
def test_each_listed_row_is_the_case_as_rendered_on_its_own(who):
    _varied_cases()
    user = who()
    request = Request(APIRequestFactory().get("/api/challenges/"))
    request.user = user
    context = {"request": request}
    cases = list(selectors.challenge_list(user=user))

    rows = ChallengeListOutput(cases, many=True, context=context).data
    one_by_one = [ChallengeListOutput(case, context=context).data for case in cases]

    # As the renderer writes them: the same keys in the same order, the same values.
    assert json.dumps(rows) == json.dumps(one_by_one)
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) == 4
    assert any(row["team"] for row in rows) and any(row["parent"] for row in rows)
    assert any(row["report_file"] for row in rows)
    resume = [t for row in rows for t in row["available_transitions"] if t["name"] == "resume"]
    assert resume == ([{"name": "resume", "label": "Resume", "target": "booked"}] if who is manager
                      else [])  # fmt: skip


def test_the_api_list_renders_the_rows_the_cases_render_as_on_their_own():
    cases = _varied_cases()
    client = api_client(manager())

    listed = client.get("/api/challenges/").json()["results"]

    request = Request(APIRequestFactory().get("/api/challenges/"))
    request.user = client.handler._force_user
    one_by_one = {
        case.pk: ChallengeListOutput(case, context={"request": request}).data
        for case in selectors.challenge_list(user=request.user)
    }
    assert [row["id"] for row in listed] == list(one_by_one)
    for row in listed:
        assert row == json.loads(json.dumps(one_by_one[row["id"]]))
    assert {case.pk for case in cases} <= set(one_by_one)


def test_a_peer_lists_only_their_own_cases_with_the_whole_team():
    user = peer_user()
    theirs = PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    full_team(theirs)
    place(theirs, peer=user.peer, role=Assignment.Role.SPECIALIST)
    PeerChallengeFactory(state=State.CLOSED, host=council("MAS"))

    listed = api_client(user).get("/api/challenges/").json()

    assert listed["count"] == 1
    assert [row["id"] for row in listed["results"]] == [theirs.pk]
    assert len(listed["results"][0]["team"]) == 5
    assert listed["results"][0]["available_transitions"] == []


def test_the_list_transitions_follow_from_the_state_alone():
    """Why CaseRows may work a page's transitions out once per state: no case transition
    has a django-fsm condition (the guards run only on one case, with `unmet`)."""
    field = next(f for f in PeerChallenge._meta.fields if isinstance(f, FSMFieldMixin))
    declared = field.transitions[PeerChallenge]
    assert declared
    for method in declared.values():
        for transition in method._django_fsm.transitions.values():
            assert transition.conditions == [], method.__name__


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("page_size=2", [5, 4]),
        ("page_size=2&page=2", [3, 2]),
        ("page_size=2&page=3", [1]),
        ("page_size=2&page=2&state=closed", [1]),
        ("page_size=2&page=2&ordering=onsite_start", [3, 4]),
    ],
)
def test_a_page_holds_the_cases_the_order_puts_there(query, expected):
    today = datetime.date(2020, 1, 1)
    made = []
    for i, state in enumerate([State.CLOSED] * 3 + [State.WITHDRAWN] * 2):
        made.append(
            PeerChallengeFactory(
                state=state,
                host=council(["ADU", "MAS", "BIR", "ADU", "MAS"][i]),
                onsite_start=today + datetime.timedelta(days=i),
                onsite_end=today + datetime.timedelta(days=i + 3),
            )
        )
    number = {case.pk: i + 1 for i, case in enumerate(made)}  # 1 is the oldest visit

    body = api_client(manager()).get(f"/api/challenges/?{query}").json()

    assert [number[row["id"]] for row in body["results"]] == expected
    assert body["count"] == (3 if "state=closed" in query else 5)
