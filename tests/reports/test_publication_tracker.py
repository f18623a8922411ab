"""The publication tracker on hand-made dates (today: Monday 15 June 2026). The deadlines are the
reminder rules' settings: report 28 days after the feedback (56 at the latest); publication and
action plan 3 months after the report (publication 5 at the latest, action plan 5); progress
review 12 months after the visit.

    X  reporting, feedback 1 Apr: report due 29 Apr, latest 27 May: 47 days over, red
    Y  reporting, feedback 10 May: report due 7 Jun, latest 5 Jul: 8 days over, amber
    Z  report issued 20 Feb (on time): publication and plan due 20 May, latest 20 Jul: 26, amber
    Q  published 15 Apr, report 31 Dec 2025: due 31 Mar (month's end kept), 15 days late;
       no action plan: due 31 Mar, latest 31 May: 76 days over, red
    L  post challenge, all on time but no follow-up: visit ended 1 May 2025, review due
       1 May 2026: 45 days over, red
    D  closed, all on time, follow-up visit 1 Mar 2026 (due 10 Mar): nothing overdue, green
    F  that follow-up, closed, all on time (a follow-up has no progress review of its own)
"""

import csv
import datetime
import io
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from reports import publication_pages
from reports.publication import AMBER, GREEN, RED, milestone, publication_tracker
from reports.publication_api import TrackedCaseOutput
from tests.workflow import factories as f
from workflow.models import PeerChallenge, State

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
URL = "/reports/publication/"


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield


def _case(code: str, state: str, *, visit_end: datetime.date, **fields) -> PeerChallenge:
    return f.PeerChallengeFactory(
        host=f.council(code),
        state=state,
        onsite_start=visit_end - datetime.timedelta(days=3),
        onsite_end=visit_end,
        **fields,
    )


@pytest.fixture
def cases() -> dict[str, PeerChallenge]:
    published = {"publication_url": "https://example.org/p", "action_plan_url": "https://e/a"}
    made = {
        "X": _case("ADU", State.REPORTING, visit_end=d(2026, 3, 31), feedback_date=d(2026, 4, 1)),
        "Y": _case("CRW", State.REPORTING, visit_end=d(2026, 5, 9), feedback_date=d(2026, 5, 10)),
        "Z": _case(
            "BIR",
            State.REPORT_ISSUED,
            visit_end=d(2026, 1, 30),
            feedback_date=d(2026, 2, 1),
            report_issued_on=d(2026, 2, 20),
        ),
        "Q": _case(
            "MAN",
            State.PUBLISHED,
            visit_end=d(2025, 11, 30),
            feedback_date=d(2025, 12, 1),
            report_issued_on=d(2025, 12, 31),
            published_on=d(2026, 4, 15),
        ),
        "L": _case(
            "LDS",
            State.POST_CHALLENGE,
            visit_end=d(2025, 5, 1),
            feedback_date=d(2025, 5, 2),
            report_issued_on=d(2025, 5, 20),
            published_on=d(2025, 7, 1),
            action_plan_published_on=d(2025, 7, 1),
            **published,
        ),
        "D": _case(
            "BST",
            State.CLOSED,
            visit_end=d(2025, 3, 10),
            feedback_date=d(2025, 3, 11),
            report_issued_on=d(2025, 4, 1),
            published_on=d(2025, 6, 1),
            action_plan_published_on=d(2025, 6, 1),
            **published,
        ),
    }
    made["F"] = f.PeerChallengeFactory(
        host=f.council("BST"),
        challenge_type=f.challenge_type("follow-up"),
        parent=made["D"],
        state=State.CLOSED,
        onsite_start=d(2026, 3, 1),
        onsite_end=d(2026, 3, 2),
        feedback_date=d(2026, 3, 2),
        report_issued_on=d(2026, 3, 20),
        published_on=d(2026, 4, 1),
        action_plan_published_on=d(2026, 4, 1),
        **published,
    )
    f.PeerChallengeFactory(host=f.council("KEN"), state=State.BOOKED)  # before its visit
    f.PeerChallengeFactory(host=f.council("WOK"), state=State.ONSITE, feedback_date=None)
    return made


def _names(rows, cases) -> list[str]:
    by_pk = {case.pk: name for name, case in cases.items()}
    return [by_pk.get(row.case.pk, row.case.reference) for row in rows]


def test_overdue_first_the_most_overdue_at_the_top(cases):
    rows = publication_tracker(PeerChallenge.objects.all(), today=TODAY)
    assert _names(rows, cases) == ["Q", "X", "L", "Z", "Y", "D", "F"]
    assert [(r.rag, r.days_overdue) for r in rows] == [
        (RED, 76),
        (RED, 47),
        (RED, 45),
        (AMBER, 26),
        (AMBER, 8),
        (GREEN, 0),
        (GREEN, 0),
    ]


def test_each_milestone_against_its_deadlines(cases):
    tracked = publication_tracker(PeerChallenge.objects.all(), today=TODAY)
    rows = dict(zip(_names(tracked, cases), tracked, strict=True))
    q = rows["Q"]
    # 31 December + 3 months is 31 March; + 5 months is 31 May.
    assert (q.published.due, q.published.latest) == (d(2026, 3, 31), d(2026, 5, 31))
    assert (q.published.done, q.published.days_late, q.published.rag) == (True, 15, AMBER)
    assert (q.action_plan.days_overdue, q.action_plan.rag) == (76, RED)
    x = rows["X"]
    assert (x.report.due, x.report.latest) == (d(2026, 4, 29), d(2026, 5, 27))
    assert x.published.due is None and x.published.rag is None  # no report: no clock yet
    z = rows["Z"]
    assert (z.report.rag, z.report.days_late) == (GREEN, 0)  # issued 20 Feb, due 1 March
    assert z.published.due == d(2026, 5, 20) and z.published.latest == d(2026, 7, 20)
    assert rows["L"].review.due == d(2026, 5, 1) and rows["L"].review.rag == RED
    dd = rows["D"]
    assert dd.review.done and dd.review.done_on == d(2026, 3, 1) and dd.review.rag == GREEN


def test_the_rag_rule_at_its_edges():
    due, latest = d(2026, 6, 15), d(2026, 6, 20)

    def at(today, done_on=None):
        m = milestone("m", due=due, latest=latest, done_on=done_on, today=today)
        return m.rag, m.days_overdue, m.days_late

    assert at(d(2026, 6, 15)) == (GREEN, 0, 0)  # due today: not yet overdue
    assert at(d(2026, 6, 16)) == (AMBER, 1, 0)
    assert at(d(2026, 6, 20)) == (AMBER, 5, 0)  # the latest day itself
    assert at(d(2026, 6, 21)) == (RED, 6, 0)
    assert at(d(2026, 7, 1), done_on=d(2026, 6, 15)) == (GREEN, 0, 0)
    assert at(d(2026, 7, 1), done_on=d(2026, 6, 18)) == (AMBER, 0, 3)
    assert at(d(2026, 7, 1), done_on=d(2026, 6, 25)) == (RED, 0, 10)


def test_a_type_that_expects_no_publication_is_not_chased_for_one(cases):
    case = cases["Z"]
    case.challenge_type.publication_expected = False
    case.challenge_type.save()
    row = next(
        r for r in publication_tracker(PeerChallenge.objects.all(), today=TODAY) if r.case == case
    )
    assert not row.published.expected and not row.action_plan.expected
    assert (row.rag, row.days_overdue) == (GREEN, 0)


def test_the_page_lists_them_in_order_with_their_rag(client, cases):
    client.force_login(f.programme_lead())
    response = client.get(URL)
    html = response.content.decode()
    order = [
        html.index(f'href="/cases/{cases[n].pk}/"') for n in ["Q", "X", "L", "Z", "Y", "D", "F"]
    ]
    assert order == sorted(order)
    assert "76 days overdue" in html and "15 days late" in html
    assert "7 cases, 5 overdue" in html


def test_the_page_filters_and_refuses_bad_filters(client, cases):
    client.force_login(f.programme_lead())
    rows = client.get(URL, {"region": "South East"}).context["rows"]
    assert _names(rows, cases) == ["X", "Y"]
    response = client.get(URL, {"financial_year": "20x6"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert client.get(URL + "csv/", {"financial_year": "20x6"}).status_code == 400


def test_the_csv_has_every_row_and_neutralises_formulas(client, cases):
    cases["X"].manager.first_name = "=HYPERLINK(1)"
    cases["X"].manager.save()
    client.force_login(f.programme_lead())
    response = client.get(URL + "csv/")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode().lstrip("\ufeff"))))
    assert [r["Reference"] for r in rows] == [
        cases[n].reference for n in ["Q", "X", "L", "Z", "Y", "D", "F"]
    ]
    x = rows[1]
    assert x["Manager"].startswith("'=HYPERLINK")
    assert (x["RAG"], x["Days overdue"]) == ("red", "47")
    assert x["Report issued: due"] == "2026-04-29"
    assert rows[0]["Action plan published: latest"] == "2026-05-31"


def test_the_number_of_queries_does_not_grow_with_the_cases(client, cases):
    client.force_login(f.programme_lead())
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for code in ("NET", "SHF", "HAL"):
        _case(code, State.REPORTING, visit_end=d(2026, 2, 1), feedback_date=d(2026, 2, 2))
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)


def test_who_may_open_it(client, cases):
    assert client.get(URL).status_code == 302
    for user, status in [(f.peer_user(), 403), (f.programme_lead(), 200), (f.manager(), 200)]:
        client.force_login(user)
        assert client.get(URL).status_code == status
        assert client.get(URL + "csv/").status_code == status


def test_the_api(cases):
    body = f.api_client(f.programme_lead()).get("/api/reports/publication/").json()
    assert body["count"] == 7 and body["next"] is None
    rows = body["results"]
    assert [row["reference"] for row in rows] == [
        cases[n].reference for n in ["Q", "X", "L", "Z", "Y", "D", "F"]
    ]
    assert (rows[0]["rag"], rows[0]["days_overdue"]) == ("red", 76)
    assert rows[0]["report_published"]["days_late"] == 15
    bad = f.api_client(f.programme_lead()).get("/api/reports/publication/", {"region": ""})
    assert bad.status_code == 200
    refused = f.api_client(f.programme_lead()).get("/api/reports/publication/", {"rag": "red"})
    assert refused.status_code == 400 and "rag" in refused.json()


def test_the_page_goes_on_where_the_last_one_stopped(client, cases, monkeypatch):
    monkeypatch.setattr(publication_pages, "PAGE_SIZE", 3)
    client.force_login(f.manager())
    pages = [client.get(URL, {"page": n}) for n in (1, 2, 3)]
    assert [_names(page.context["rows"], cases) for page in pages] == [
        ["Q", "X", "L"],
        ["Z", "Y", "D"],
        ["F"],
    ]
    assert all("7 cases, 5 overdue" in page.content.decode() for page in pages)


def test_each_milestone_cell_says_where_it_stands(client, cases):
    """The cells the page writes in Python (publication_pages.milestone_cell)."""
    no_publication = f.challenge_type("finance")
    no_publication.publication_expected = False
    no_publication.save()
    PeerChallenge.objects.filter(pk=cases["Z"].pk).update(challenge_type=no_publication)
    client.force_login(f.manager())
    rows = {
        name: cells
        for row, cells in client.get(URL).context["table"]
        for name in _names([row], cases)
    }
    hint = '<div class="govuk-hint govuk-!-font-size-16 govuk-!-margin-bottom-0">'
    q_report, q_published, q_plan, _ = rows["Q"]
    assert q_report == (
        '<td class="govuk-table__cell">31 Dec 2025 <strong class="govuk-tag govuk-tag--yellow">'
        f"2 days late</strong>{hint}Due 29 Dec 2025, at the latest 26 Jan 2026</div></td>"
    )
    assert q_published == (
        '<td class="govuk-table__cell">15 Apr 2026 <strong class="govuk-tag govuk-tag--yellow">'
        f"15 days late</strong>{hint}Due 31 Mar 2026, at the latest 31 May 2026</div></td>"
    )
    assert q_plan == (
        '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red">76 days overdue'
        f"</strong>{hint}Due 31 Mar 2026, at the latest 31 May 2026</div></td>"
    )
    assert rows["X"][1] == '<td class="govuk-table__cell">After the report</td>'
    assert rows["Z"][1] == '<td class="govuk-table__cell">Not expected</td>'
    assert rows["Y"][0] == (
        '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--yellow">8 days '
        f"overdue</strong>{hint}Due 7 Jun 2026, at the latest 5 Jul 2026</div></td>"
    )
    assert (
        rows["D"][3] == f'<td class="govuk-table__cell">1 Mar 2026{hint}Due 10 Mar 2026</div></td>'
    )
    assert rows["L"][3].startswith(
        '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red">45 days overdue'
    )


def test_the_api_writes_what_its_serializer_says(cases):
    """The API writes its rows directly (publication_api.output); the serializer is the
    schema's, and what a row says must be what it says."""
    request = APIRequestFactory().get("/api/reports/publication/")
    body = f.api_client(f.programme_lead()).get("/api/reports/publication/").json()
    rows = publication_tracker(PeerChallenge.objects.all(), today=TODAY)
    expected = TrackedCaseOutput(rows, many=True, context={"request": request}).data
    assert body["results"] == json.loads(json.dumps(expected))
    assert {m["rag"] for row in body["results"] for m in row.values() if isinstance(m, dict)} == {
        None,
        GREEN,
        AMBER,
        RED,
    }


def test_each_row_is_written_with_its_names_escaped(client, cases):
    """The rows the page writes in Python (publication_pages.table_row): the case's link,
    reference, council and type (escaped), feedback, RAG and days overdue, then its cells."""
    council = cases["X"].host
    council.name = 'Adur <script>alert("x")</script> & Co'
    council.save()
    client.force_login(f.manager())
    response = client.get(URL)
    page = response.content.decode()
    x = cases["X"]
    row = next(
        line
        for line, (tracked, _cells) in zip(
            response.context["lines"], response.context["table"], strict=True
        )
        if tracked.case.pk == x.pk
    )
    cells = "".join(dict((r.case.pk, c) for r, c in response.context["table"])[x.pk])
    assert row == (
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
        f'<a class="govuk-link" href="/cases/{x.pk}/">{x.reference}</a>'
        '<div class="govuk-hint govuk-!-font-size-16 govuk-!-margin-bottom-0">'
        "Adur &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co, "
        f"{x.challenge_type.name}; feedback 1 Apr 2026</div></th>"
        '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red">Red</strong></td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">47</td>'
        f"{cells}</tr>"
    )
    assert row in page
    assert "<script>alert" not in page
