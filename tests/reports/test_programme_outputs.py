"""The programme report's three outputs render the one computation: the page (per role, the
year picker, tables, charts), each table as CSV, the JSON API and the command; kept a short
while (core/snapshots.py), the page, the API and the CSV serve the one kept report."""

import csv
import datetime
import io
import json
import pickle

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from reports.models import ReportingGroup
from reports.programme import programme_report
from reports.programme_serializers import DeliveredCaseOutput
from reports.programme_tables import TABLES
from tests.reports import programme_data
from tests.workflow import factories as f
from workflow.models import State

pytestmark = pytest.mark.django_db

URL = "/reports/programme/"
API = "/api/reports/programme/"


@pytest.fixture
def programme():
    p = programme_data.programme()
    programme_data.surveys(p)
    return p


def test_the_urls():
    assert reverse("programme-report") == URL
    assert reverse("programme-report-csv", args=["types"]) == URL + "types.csv"
    assert reverse("programme-report-api") == API


# --- the page -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_staff_read_the_page_with_its_figures_tables_and_charts(client, programme, who):
    client.force_login(f.programme_lead() if who == "lead" else f.manager())
    page = client.get(URL, {"year": 2016})
    assert page.status_code == 200
    html = page.content.decode()
    assert "During 2016/17 we engaged with three councils" in html
    for slug in TABLES:
        assert f'data-testid="table-{slug}"' in html
        assert reverse("programme-report-csv", args=[slug]) + "?year=2016" in html
    # Charts readable without colour: a title, a description with every figure.
    assert '<title id="chart-types-title">' in html
    assert "Corporate peer challenge: 2 delivered" in html
    assert "By the end of Q4: 4 delivered; pro-rata target 4.0" in html
    assert '<strong class="govuk-tag govuk-tag--green">Green</strong>' in html
    assert ">Reports<" in html  # in the navigation


def test_a_long_table_shows_its_first_rows_and_the_csv_has_them_all(client, programme, monkeypatch):
    from reports import programme_pages

    monkeypatch.setattr(programme_pages, "ROWS_SHOWN", 2)
    client.force_login(f.programme_lead())
    html = client.get(URL, {"year": 2016}).content.decode()
    delivered = _rows(client.get(URL + "challenges.csv", {"year": 2016}))[1:]
    assert len(delivered) > 2
    table = html.split('data-testid="table-challenges"')[1].split("</table>")[0]
    assert table.count('<tr class="govuk-table__row">') == 1 + 2  # the head row and two
    assert f"The first 2 of {len(delivered)} rows; the CSV file has them all." in html
    for slug in TABLES:  # only a table over the limit says so
        rows = len(_rows(client.get(URL + f"{slug}.csv", {"year": 2016}))) - 1
        assert (f'data-testid="shown-{slug}"' in html) == (rows > 2), slug


@pytest.mark.parametrize("user", [f.peer_user, f.UserFactory])
def test_peers_and_users_without_a_role_are_refused(client, user):
    client.force_login(user())
    assert client.get(URL).status_code == 403
    assert client.get(URL + "summary.csv").status_code == 403
    assert f.api_client(user()).get(API, {"year": 2016}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.get(URL + "summary.csv").status_code == 302
    assert f.api_client().get(API, {"year": 2016}).status_code in (401, 403)


def test_no_year_is_this_financial_year_and_a_bad_one_a_form_error(client):
    client.force_login(f.manager())
    assert client.get(URL).context["report"] is not None
    page = client.get(URL, {"year": "1999", "period": "Q9"})
    assert page.status_code == 200
    assert page.context["report"] is None
    assert set(page.context["form"].errors) == {"year", "period"}
    assert "govuk-error-summary" in page.content.decode()


def test_a_quarter_of_the_year(client, programme):
    client.force_login(f.programme_lead())
    page = client.get(URL, {"year": 2016, "period": "Q4"})
    assert page.context["report"].delivered == 2
    assert "2016/17 Q4 (January to March)" in page.content.decode()


# --- CSV ----------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_every_table_downloads_as_csv_with_the_pages_figures(client, programme):
    client.force_login(f.programme_lead())
    for slug in TABLES:
        response = client.get(URL + f"{slug}.csv", {"year": 2016})
        assert response.status_code == 200, slug
        assert response["Content-Type"].startswith("text/csv")
        assert f'filename="programme-2016-{slug}.csv"' in response["Content-Disposition"]
    summary = dict(_rows(client.get(URL + "summary.csv", {"year": 2016}))[1:])
    assert summary["Councils engaged"] == "3"
    assert summary["Peer days"] == "25.5"
    assert summary["Average CPC team size (peers, excluding the manager and shadows)"] == "3.5"
    quarters = _rows(client.get(URL + "quarters.csv", {"year": 2016}))
    assert quarters[0][:3] == ["Scope", "Quarter", "Delivered in the quarter"]
    assert quarters[2] == ["All peer challenges", "Q2", "0", "-1", "1", "2.0", "Red"]
    surveys = _rows(client.get(URL + "surveys.csv", {"year": 2016}))
    impact = next(row for row in surveys if row[0] == "Twelve-month impact survey")
    assert impact[4:] == ["2", "Hidden", "Hidden"]  # below the minimum base


def test_csv_cells_a_spreadsheet_would_run_are_quoted(client, programme):
    ReportingGroup.objects.create(slug="evil", name="=HYPERLINK(1)", position=9)
    client.force_login(f.manager())
    rows = _rows(client.get(URL + "groups.csv", {"year": 2016}))
    assert ["'=HYPERLINK(1)", "0", "0"] in rows


def test_a_csv_for_no_such_table_or_a_bad_year(client):
    client.force_login(f.manager())
    assert client.get(URL + "nothing.csv").status_code == 404
    response = client.get(URL + "summary.csv", {"year": "twenty"})
    assert response.status_code == 400
    assert "year" in response.content.decode()


# --- the API ------------------------------------------------------------------------------


def test_the_api_gives_the_figures(programme):
    response = f.api_client(f.programme_lead()).get(API, {"year": 2016})
    assert response.status_code == 200
    data = response.json()
    assert (data["delivered"], data["councils_engaged"]) == (4, 3)
    assert data["peers"] == {"deployed": 7, "councillors": 3, "officers": 4, "days": 25.5}
    assert data["team"]["average"] == 3.5
    assert data["first_time"]["percent"] == 50
    assert data["targets"][0]["rag"] == "green"
    assert [q["change"] for q in data["targets"][0]["quarters"]] == [0, -1, 1, 1]
    assert data["feedback"]["headlines"][0]["figures"]["all"]["percent"] == 83
    assert data["impact"]["headlines"][0]["figures"]["all"]["suppressed"] is True
    assert data["paragraph"].startswith("During 2016/17 we engaged with three councils")


@pytest.mark.parametrize(
    "query, field",
    [
        ({}, "year"),
        ({"year": "soon"}, "year"),
        ({"year": "2000"}, "year"),
        ({"year": "2100"}, "year"),
        ({"year": "2016", "period": "Q5"}, "period"),
        ({"year": "2016", "colour": "red"}, "colour"),
    ],
)
def test_the_api_refuses_a_bad_or_missing_year_naming_it(query, field):
    response = f.api_client(f.manager()).get(API, query)
    assert response.status_code == 400
    assert field in response.json()


# --- the command --------------------------------------------------------------------------


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("programme_report", *args, stdout=out)
    return out.getvalue()


def test_the_command_as_json_is_the_apis_document(programme):
    api = f.api_client(f.manager()).get(API, {"year": 2016}).json()
    printed = json.loads(_command("--year", "2016", "--format", "json"))
    # Take-up is as at today for both; everything else is the same document, bar the API's
    # note of when its kept figures were computed (the command computes them as it runs).
    assert api.pop("figures_as_at")
    assert printed == api


def test_the_command_as_text_and_csv(programme):
    text = _command("--year", "2016")
    assert text.startswith("2016/17\n\nDuring 2016/17 we engaged with three councils")
    assert "Delivered by type\n=================" in text
    every = _command("--year", "2016", "--format", "csv").splitlines()
    assert every[:3] == ["Summary", "Figure,Value", "Councils engaged,3"]
    assert every.count("") == len(TABLES) - 1  # a blank line between tables
    one = _command("--year", "2016", "--format", "csv", "--table", "types")
    assert one.splitlines()[0] == "Type,Peer challenges delivered,Councils"
    assert "Corporate peer challenge,2,2" in one.splitlines()


def test_the_command_refuses_a_bad_year():
    with pytest.raises(CommandError, match="year"):
        _command("--year", "1999")


# --- kept (core/snapshots.py, issue 11): the page, the API and every CSV read one report -----

KEPT_AT = datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)


def _reads(client, api) -> tuple[str, dict, dict[str, str]]:
    page = client.get(URL, {"year": 2016}).content.decode()
    data = api.get(API, {"year": 2016}).json()
    return page, data, dict(_rows(client.get(URL + "summary.csv", {"year": 2016}))[1:])


def test_the_page_the_api_and_the_csv_serve_the_kept_report_and_say_when(
    client, programme, keeping_figures
):
    client.force_login(f.manager())
    api = f.api_client(f.programme_lead())
    with time_machine.travel(KEPT_AT, tick=False):
        client.get(URL, {"year": 2016})  # computes and keeps it
    # Delivered after the report was computed: not in it until it is computed again.
    programme_data.case(programme.councils[3], "finance", datetime.date(2016, 8, 1), State.CLOSED)

    with time_machine.travel(KEPT_AT + datetime.timedelta(seconds=30), tick=False):
        page, data, summary = _reads(client, api)
    assert "During 2016/17 we engaged with three councils" in page
    assert data["delivered"] == 4
    assert summary["Peer challenges delivered"] == "4"
    assert 'data-figures-as-at="2026-11-30T09:15:00+00:00"' in page
    local = timezone.localtime(KEPT_AT)
    assert f"Figures as at {local:%H:%M} on 30 November 2026" in page
    assert datetime.datetime.fromisoformat(data["figures_as_at"]) == KEPT_AT

    # Past its freshness, a cache of this process's own has no worker to refresh it: the
    # read computes it again, and all three agree on the new figures.
    later = KEPT_AT + datetime.timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        client.get(URL, {"year": 2016})
    with time_machine.travel(later + datetime.timedelta(seconds=1), tick=False):
        page, data, summary = _reads(client, api)
    assert "During 2016/17 we engaged with four councils" in page
    assert (data["delivered"], summary["Peer challenges delivered"]) == (5, "5")
    assert datetime.datetime.fromisoformat(data["figures_as_at"]) == later


def test_the_report_keeps_as_it_was_computed(programme):
    report = programme_report(year=2016)
    kept = pickle.loads(pickle.dumps(report))
    assert kept == report
    assert [str(c.days) for c in kept.cases] == [str(c.days) for c in report.cases]
    # A council's name, a date, a number of days: one object each however many cases share
    # it, so a kept year's 3,000 cases unpickle fast.
    councils = [c.council for c in kept.cases]
    assert len(set(councils)) < len(councils)
    assert len({id(name) for name in councils}) == len(set(councils))


def test_a_delivered_case_as_json_is_drfs_walk_of_its_fields(programme):
    output = DeliveredCaseOutput()
    cases = programme_report(year=2016).cases
    assert {c.first_time_cpc for c in cases} == {True, False, None}
    for case in cases:
        assert output.to_representation(case) == serializers.Serializer.to_representation(
            output, case
        )
