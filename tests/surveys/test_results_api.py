"""GET /api/surveys/results/ and /api/surveys/responses/: the same figures as the page, for
managers, admins and programme leads (the answers for managers and admins only), and a 400
naming the parameter for a bad period."""

import csv
import datetime
import io

import pytest

from tests.surveys.results_data import CE, answer, pairs, respond
from tests.surveys.test_results import board_feedback_returns, impact_return
from tests.workflow.factories import api_client, manager, peer_user, programme_lead

pytestmark = pytest.mark.django_db

RESULTS = "/api/surveys/results/"
RESPONSES = "/api/surveys/responses/"


def headline(body: dict, question_key: str, key: str) -> dict:
    return next(
        h for h in body["headlines"] if (h["question_key"], h["key"]) == (question_key, key)
    )


def test_the_feedback_results_for_a_half_year():
    board_feedback_returns()

    response = api_client(programme_lead()).get(
        RESULTS, {"kind": "feedback", "year": 2017, "part": "H1"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {
        "start": "2017-04-01",
        "end": "2017-09-30",
        "name": "2017/18 first half (April to September)",
    }
    assert body["responses"] == {"chief_executive": 15, "leader": 14, "all": 29}
    assert body["response_rate"]["all"] == {"sent": 29, "completed": 29, "percent": 100}
    very = headline(body, "FB1", "very_satisfied")
    assert very["figures"]["all"] == {"base": 29, "count": 23, "percent": 79, "suppressed": False}
    assert very["figures"]["chief_executive"]["percent"] == 80
    assert very["versions"] == [1]
    assert headline(body, "FB5", "achieved")["figures"]["all"]["percent"] == 97


def test_the_impact_results_for_a_cohort_given_by_dates():
    for i, done in enumerate(pairs(25, "impact", onsite_end=datetime.date(2016, 5, 1))):
        answer(done, impact_return(i))

    response = api_client(manager()).get(
        RESULTS, {"kind": "impact", "from": "2016-04-01", "to": "2016-12-31"}
    )

    assert response.status_code == 200
    body = response.json()
    assert [
        headline(body, f"IM{n}", "positive")["figures"]["all"]["percent"] for n in range(1, 7)
    ] == [
        96,
        96,
        88,
        88,
        92,
        72,
    ]


def test_a_suppressed_figure_has_its_base_and_nothing_else(settings):
    settings.SURVEY_MIN_BASE = 3
    respond("feedback", CE, {"FB1": "very_satisfied"})

    body = api_client(manager()).get(RESULTS, {"kind": "feedback", "year": 2017}).json()

    assert body["min_base"] == 3
    assert headline(body, "FB1", "satisfied")["figures"]["chief_executive"] == {
        "base": 1,
        "count": None,
        "percent": None,
        "suppressed": True,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "kind"),
        ({"kind": "opinion", "year": 2017}, "kind"),
        ({"kind": "feedback"}, "non_field_errors"),
        ({"kind": "feedback", "year": "twenty"}, "year"),
        ({"kind": "feedback", "year": 1999}, "year"),
        ({"kind": "feedback", "year": 2017, "part": "Q5"}, "part"),
        ({"kind": "feedback", "part": "Q1"}, "part"),
        ({"kind": "feedback", "year": 2017, "from": "2017-04-01"}, "year"),
        ({"kind": "feedback", "from": "2017-04-01"}, "to"),
        ({"kind": "feedback", "from": "2017-02-30", "to": "2017-04-01"}, "from"),
        ({"kind": "feedback", "from": "2017-04-02", "to": "2017-04-01"}, "to"),
        ({"kind": "feedback", "from": "1900-01-01", "to": "2017-04-01"}, "from"),
        ({"kind": "feedback", "year": 2017, "colour": "red"}, "colour"),
        ({"kind": "feedback\x00", "year": 2017}, "kind"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_parameter(query, field):
    response = api_client(manager()).get(RESULTS, query)

    assert response.status_code == 400
    assert field in response.json(), response.json()


@pytest.mark.parametrize(
    ("make_user", "status"),
    [(None, 403), (peer_user, 403), (programme_lead, 200), (manager, 200)],
)
def test_who_may_read_the_results(make_user, status):
    client = api_client(make_user() if make_user else None)

    assert client.get(RESULTS, {"kind": "feedback", "year": 2017}).status_code == status


@pytest.mark.parametrize(
    ("make_user", "status"),
    [(None, 403), (peer_user, 403), (programme_lead, 403), (manager, 200)],
)
def test_only_managers_may_read_each_councils_answers(make_user, status):
    client = api_client(make_user() if make_user else None)

    assert client.get(RESPONSES, {"kind": "feedback", "year": 2017}).status_code == status


def test_the_answers_come_as_csv_whatever_the_client_accepts():
    respond("feedback", CE, {"FB1": "very_satisfied", "FB12": "=1+1"})

    response = api_client(manager()).get(
        RESPONSES, {"kind": "feedback", "year": 2017}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    (row,) = csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))
    assert row[next(k for k in row if k.startswith("FB12."))] == "'=1+1"


def test_a_bad_period_for_the_answers_is_a_json_400():
    response = api_client(manager()).get(RESPONSES, {"kind": "feedback", "to": "2017-01-01"})

    assert response.status_code == 400
    assert response.json() == {"from": ["this date is needed too"]}


def test_the_schema_documents_both_operations(client):
    schema = client.get("/api/schema/?format=json").json()

    results = schema["paths"]["/api/surveys/results/"]["get"]
    assert {p["name"] for p in results["parameters"]} == {"kind", "year", "part", "from", "to"}
    assert {"200", "400", "403"} <= set(results["responses"])
    responses = schema["paths"]["/api/surveys/responses/"]["get"]
    assert "text/csv" in responses["responses"]["200"]["content"]
