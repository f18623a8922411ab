"""The common messages: findings of the reports issued in a financial year, counted by hand on
a fixture (a council with two reports in the year, reports issued on 1 April and 31 March at
the year's edges, a report of the next year), the page per role, its CSVs and the API."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.common_messages import common_messages, latest_common_messages
from reports.models import Finding, Theme
from tests.workflow import factories as f
from workflow.models import State

pytestmark = pytest.mark.django_db

S, IMP = "strength", "improvement"


def _case(code: str, issued: datetime.date, type_slug: str = "corporate"):
    end = issued - datetime.timedelta(days=30)
    return f.PeerChallengeFactory(
        state=State.CLOSED,
        host=f.council(code),
        challenge_type=f.challenge_type(type_slug),
        manager=None,
        onsite_start=end - datetime.timedelta(days=3),
        onsite_end=end,
        feedback_date=end,
        report_issued_on=issued,
    )


def _finding(case, theme: str, polarity: str, excerpt: str = "") -> Finding:
    tagged = Theme.objects.get(slug=theme)
    return Finding.objects.create(
        challenge=case,
        component=tagged.component,
        theme=tagged,
        polarity=polarity,
        excerpt=excerpt or f"{case.host.name}: {theme} ({polarity})",
    )


@pytest.fixture
def year_2016():
    """2016/17 is 1 April 2016 to 31 March 2017."""
    adur = _case("ADU", datetime.date(2016, 4, 1))  # the year's first day
    _finding(adur, "partnerships", S)
    _finding(adur, "partnerships", S)
    _finding(adur, "partnerships", IMP, "=HYPERLINK('http://x')")
    _finding(adur, "commercialisation", IMP)
    birmingham = _case("BIR", datetime.date(2017, 3, 31))  # the year's last day
    _finding(birmingham, "partnerships", S)
    _finding(birmingham, "workforce", S)
    adur_finance = _case("ADU", datetime.date(2016, 9, 1), "finance")  # Adur's second report
    _finding(adur_finance, "financial-management", S)
    next_year = _case("CRW", datetime.date(2017, 4, 1))  # 2017/18
    _finding(next_year, "partnerships", S)
    _finding(next_year, "scrutiny", IMP)
    return adur, birmingham, adur_finance


def _counts(report) -> dict:
    return {
        (c.code, t.slug): (t.strengths, t.improvements) for c in report.components for t in c.themes
    }


def test_counts_by_component_theme_and_polarity(year_2016):
    report = common_messages(year=2016)
    assert (report.label, report.start, report.end) == (
        "2016/17",
        datetime.date(2016, 4, 1),
        datetime.date(2017, 3, 31),
    )
    assert (report.reports, report.councils) == (3, 2)  # Adur's two reports, one council
    assert (report.strengths, report.improvements, report.findings) == (5, 2, 7)
    assert [c.code for c in report.components] == [
        "leadership-of-place",
        "financial-planning",
        "capacity-to-deliver",
    ]
    assert _counts(report) == {
        ("leadership-of-place", "partnerships"): (3, 1),
        ("financial-planning", "commercialisation"): (0, 1),
        ("financial-planning", "financial-management"): (1, 0),
        ("capacity-to-deliver", "workforce"): (1, 0),
    }
    finance = report.components[1]
    assert (finance.label, finance.strengths, finance.improvements, finance.total) == (
        "Financial planning and viability",
        1,
        1,
        2,
    )


def test_each_theme_lists_its_excerpts_and_councils(year_2016):
    partnerships = common_messages(year=2016).components[0].themes[0]
    assert [(e.council, e.polarity) for e in partnerships.excerpts] == [
        ("Adur", IMP),
        ("Adur", S),
        ("Adur", S),
        ("Birmingham", S),
    ]
    assert partnerships.excerpts[0].text == "=HYPERLINK('http://x')"


def test_the_next_year_has_its_own(year_2016):
    report = common_messages(year=2017)
    assert (report.reports, report.councils, report.strengths, report.improvements) == (1, 1, 1, 1)
    assert _counts(report) == {
        ("leadership-of-place", "partnerships"): (1, 0),
        ("organisational-leadership", "scrutiny"): (0, 1),
    }


def test_a_year_with_no_findings_is_empty():
    report = common_messages(year=2010)
    assert (report.reports, report.findings, report.components) == (0, 0, [])


def test_queries_do_not_grow_with_findings(year_2016):
    with CaptureQueriesContext(connection) as few:
        common_messages(year=2016)
    adur = year_2016[0]
    for theme in ["story-of-place", "scrutiny", "workforce", "digital-strategy"]:
        _finding(adur, theme, S)
    with CaptureQueriesContext(connection) as more:
        report = common_messages(year=2016)
    assert report.findings == 11
    assert len(more) == len(few) <= 5


# --- the page, the CSVs, the API ----------------------------------------------------------


def test_the_page_for_a_programme_lead(client, year_2016):
    client.force_login(f.programme_lead())
    response = client.get("/reports/common-messages/?year=2016")
    assert response.status_code == 200
    body = response.content.decode()
    assert "7 findings from 3 reports (2 councils)" in body
    assert "5 strengths and 2 areas for improvement" in body
    assert "Financial planning and viability" in body
    assert "Birmingham" in body


@pytest.mark.parametrize("year", ["1999", "soon", "2200"])
def test_a_bad_year_is_a_form_error(client, year):
    client.force_login(f.manager())
    response = client.get(f"/reports/common-messages/?year={year}")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert client.get(f"/reports/common-messages/csv/?year={year}").status_code == 400


def test_an_unknown_filter_is_a_form_error(client):
    client.force_login(f.manager())
    body = client.get("/reports/common-messages/?colour=red").content.decode()
    assert "This page has no filter called “colour”" in body


def test_peers_may_not_read_it(client):
    client.force_login(f.peer_user())
    assert client.get("/reports/common-messages/").status_code == 403
    assert client.get("/reports/common-messages/csv/").status_code == 403


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_counts_csv(client, year_2016):
    client.force_login(f.programme_lead())
    response = client.get("/reports/common-messages/csv/?year=2016")
    assert response["Content-Disposition"] == 'attachment; filename="common-messages-2016.csv"'
    assert _csv(response) == [
        ["Core component", "Theme", "Strengths", "Areas for improvement", "Findings"],
        ["Leadership of place", "Partnerships", "3", "1", "4"],
        [
            "Financial planning and viability",
            "Commercialisation and income generation",
            "0",
            "1",
            "1",
        ],
        [
            "Financial planning and viability",
            "Financial management systems and reporting",
            "1",
            "0",
            "1",
        ],
        ["Capacity to deliver", "Workforce, agile and flexible staff", "1", "0", "1"],
    ]


def test_the_excerpts_csv_neutralises_formulas(client, year_2016):
    client.force_login(f.manager())
    rows = _csv(client.get("/reports/common-messages/excerpts/csv/?year=2016"))
    assert rows[0] == ["Core component", "Theme", "Polarity", "Council", "Case", "Excerpt"]
    assert len(rows) == 8
    first = rows[1]
    assert first[:4] == [
        "Leadership of place",
        "Partnerships",
        "Area for further consideration and improvement",
        "Adur",
    ]
    assert first[5] != "=HYPERLINK('http://x')" and first[5].endswith("=HYPERLINK('http://x')")


def test_the_api(year_2016):
    response = f.api_client(f.programme_lead()).get("/api/reports/common-messages/?year=2016")
    assert response.status_code == 200
    data = response.json()
    assert (data["reports"], data["councils"], data["findings"]) == (3, 2, 7)
    place = data["components"][0]
    assert (place["code"], place["strengths"], place["improvements"]) == (
        "leadership-of-place",
        3,
        1,
    )
    assert place["themes"][0]["excerpts"][0]["council"] == "Adur"


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "year"), ("?year=1999", "year"), ("?year=x", "year"), ("?year=2016&q=1", "q")],
)
def test_the_api_names_a_bad_parameter(query, field):
    response = f.api_client(f.manager()).get(f"/api/reports/common-messages/{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_the_api_refuses_peers():
    response = f.api_client(f.peer_user()).get("/api/reports/common-messages/?year=2016")
    assert response.status_code == 403


def test_each_themes_first_excerpts_in_order_and_one_theme_in_full(year_2016):
    def partnerships(report):
        return [(e.council, e.polarity) for e in report.components[0].themes[0].excerpts]

    first_two = common_messages(year=2016, excerpts=2)
    assert partnerships(first_two) == [("Adur", IMP), ("Adur", S)]
    assert first_two.components[0].themes[0].total == 4  # the counts are every finding's
    assert partnerships(common_messages(year=2016, excerpts=0)) == []
    whole = common_messages(year=2016, excerpts=1, every_excerpt_of="partnerships")
    assert len(partnerships(whole)) == 4
    assert [len(t.excerpts) for c in whole.components for t in c.themes] == [4, 1, 1, 1]


def test_the_page_shows_a_themes_first_excerpts_and_links_to_all_of_them(
    client, year_2016, monkeypatch
):
    monkeypatch.setattr("reports.common_messages_pages.EXCERPTS_SHOWN", 2)
    client.force_login(f.manager())

    body = client.get("/reports/common-messages/?year=2016").content.decode()
    assert body.count("Birmingham</a>") == 1  # workforce; partnerships stops at Adur's two
    assert "Showing the first 2." in body
    see_all = "/reports/common-messages/?year=2016&amp;theme=partnerships#excerpts-partnerships"
    assert see_all in body

    body = client.get("/reports/common-messages/?year=2016&theme=partnerships").content.decode()
    assert body.count("Birmingham</a>") == 2
    assert 'id="excerpts-partnerships" open' in body
    assert "Showing the first" not in body


def test_an_unknown_theme_is_a_form_error(client, year_2016):
    client.force_login(f.manager())
    body = client.get("/reports/common-messages/?year=2016&theme=nope").content.decode()
    assert "There is a problem" in body


# --- kept figures (core/snapshots.py, issue 11) ---------------------------------------------


@pytest.mark.parametrize(
    ("excerpts", "theme"), [(2, ""), (1, "partnerships"), (0, ""), (0, "workforce"), (None, "")]
)
def test_the_kept_years_excerpts_are_the_ones_common_messages_gives(year_2016, excerpts, theme):
    kept = latest_common_messages(year=2016, excerpts=excerpts, every_excerpt_of=theme).value
    assert kept == common_messages(year=2016, excerpts=excerpts, every_excerpt_of=theme)


def test_the_page_csv_and_api_serve_the_kept_figures_and_say_when(
    client, year_2016, keeping_figures
):
    computed = datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)
    client.force_login(f.manager())
    api = f.api_client(f.programme_lead())
    with time_machine.travel(computed, tick=False):
        client.get("/reports/common-messages/?year=2016")
    _finding(year_2016[1], "scrutiny", IMP)  # after the figures were computed

    with time_machine.travel(computed + datetime.timedelta(seconds=30), tick=False):
        page = client.get("/reports/common-messages/?year=2016").content.decode()
        rows = _csv(client.get("/reports/common-messages/excerpts/csv/?year=2016"))
        data = api.get("/api/reports/common-messages/?year=2016").json()

    assert "7 findings from 3 reports" in page
    assert 'data-figures-as-at="2026-11-30T09:15:00+00:00"' in page
    assert len(rows) == 8  # the header and the 7 kept
    assert data["findings"] == 7
    assert datetime.datetime.fromisoformat(data["figures_as_at"]) == computed
