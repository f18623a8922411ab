"""The coverage planner on hand-made dates (today: 15 June 2026; a corporate peer challenge
is due again 60 months after the last visit ended):

    ADU  CPCs ended 12 Mar 2017 and 10 Mar 2023: current, next due 10 Mar 2028
    BIR  CPC ended 20 May 2020: next due 20 May 2025, none booked: lapsed
    MAN  CPC ended 10 Jan 2019, another booked for 1 Sep 2026: booked
    BST  only a finance peer review: never had a CPC
    KEN  a CPC withdrawn before its visit: never
    every other current English council: never
"""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import InvalidInput
from reports import coverage_map
from reports.coverage import BOOKED, CURRENT, LAPSED, NEVER, coverage
from reports.coverage_services import coverage_note_save
from reports.models import CoverageNote
from tests.workflow import factories as f
from workflow.models import Council, State

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
URL = "/reports/coverage/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield


def _cpc(code: str, state: str, end: datetime.date, kind: str = "corporate"):
    return f.PeerChallengeFactory(
        host=f.council(code),
        challenge_type=f.challenge_type(kind),
        state=state,
        onsite_start=end - datetime.timedelta(days=3),
        onsite_end=end,
    )


@pytest.fixture
def councils():
    cases = {
        "ADU old": _cpc("ADU", State.CLOSED, datetime.date(2017, 3, 12)),
        "ADU": _cpc("ADU", State.CLOSED, datetime.date(2023, 3, 10)),
        "BIR": _cpc("BIR", State.CLOSED, datetime.date(2020, 5, 20)),
        "MAN": _cpc("MAN", State.CLOSED, datetime.date(2019, 1, 10)),
        "MAN booked": _cpc("MAN", State.BOOKED, datetime.date(2026, 9, 4)),
        "BST": _cpc("BST", State.CLOSED, datetime.date(2024, 1, 10), kind="finance"),
        "KEN": _cpc("KEN", State.WITHDRAWN, datetime.date(2025, 2, 1)),
    }
    CoverageNote.objects.create(council=f.council("BIR"), reason="New chief executive in post")
    return cases


def _by_code(rows):
    return {row.council.code: row for row in rows}


def test_last_cpc_booked_next_due_and_status(councils):
    rows = _by_code(coverage(today=TODAY))
    adu, bir, man = rows["ADU"], rows["BIR"], rows["MAN"]
    assert (adu.status, adu.last_visit, adu.next_due) == (
        CURRENT,
        datetime.date(2023, 3, 10),
        datetime.date(2028, 3, 10),
    )
    assert adu.last_case_id == councils["ADU"].pk  # the latest, not the first
    assert (bir.status, bir.next_due, bir.reason) == (
        LAPSED,
        datetime.date(2025, 5, 20),
        "New chief executive in post",
    )
    assert (man.status, man.booked_case_id, man.booked_visit) == (
        BOOKED,
        councils["MAN booked"].pk,
        datetime.date(2026, 9, 1),
    )
    assert man.last_visit == datetime.date(2019, 1, 10)
    for code in ("BST", "KEN", "LDS"):  # a finance review, a withdrawn CPC, nothing at all
        assert (rows[code].status, rows[code].last_visit, rows[code].next_due) == (
            NEVER,
            None,
            None,
        )
    assert rows["LDS"].needs_a_reason and not rows["ADU"].needs_a_reason
    assert len(rows) == Council.objects.active_english().count()


def test_the_legend_counts_every_status(councils):
    rows = coverage(today=TODAY)
    counts = {item["status"]: item["count"] for item in coverage_map.legend(rows)}
    assert counts == {CURRENT: 1, BOOKED: 1, LAPSED: 1, NEVER: len(rows) - 3}


def test_the_map_places_each_council_by_its_coordinates(councils):
    dots = {d.title.split(":")[0]: d for d in coverage_map.dots(coverage(today=TODAY))}
    newcastle, bristol, norwich = (
        dots["Newcastle upon Tyne"],
        dots["City of Bristol"],
        dots["Norwich"],
    )
    assert newcastle.y < bristol.y  # north is up
    assert bristol.x < norwich.x  # west is left
    assert all(
        0 < d.x < coverage_map.WIDTH and 0 < d.y < coverage_map.HEIGHT for d in dots.values()
    )
    assert dots["Birmingham"].status == LAPSED and dots["Birmingham"].shape == "triangle"


def test_the_page_draws_shapes_and_says_the_same_in_a_table(client, councils):
    client.force_login(f.programme_lead())
    response = client.get(URL, {"region": "West Midlands"})
    html = response.content.decode()
    rows = response.context["rows"]
    assert {r.council.region for r in rows} == {"West Midlands"}
    assert (
        '<use href="#mark-lapsed"' in html
        and "<title>Birmingham: Lapsed: due again</title>" in html
    )
    assert 'id="council-BIR"' in html and "New chief executive in post" in html
    assert "Record the reason" not in html  # a programme lead reads the reasons


def test_a_bad_filter_is_a_form_error(client, councils):
    client.force_login(f.programme_lead())
    for query in ({"region": "Atlantis"}, {"status": "sunny"}, {"colour": "red"}):
        response = client.get(URL, query)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode(), query
        assert client.get(URL + "csv/", query).status_code == 400


def test_the_csv_says_the_same_with_formulas_neutralised(client, councils):
    CoverageNote.objects.filter(council__code="BIR").update(reason="=HYPERLINK(1)")
    client.force_login(f.manager())
    response = client.get(URL + "csv/", {"region": "West Midlands", "status": LAPSED})
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [(r["Code"], r["Coverage"], r["Next due"]) for r in rows] == [
        ("BIR", "Lapsed: due again", "2025-05-20")
    ]
    assert rows[0]["Reason"] == "'=HYPERLINK(1)"
    assert rows[0]["Last CPC"].endswith(f"/cases/{councils['BIR'].pk}/")


def test_a_manager_records_a_reason_through_the_form(client, councils):
    amira = f.manager()
    client.force_login(amira)
    page = client.get(URL).content.decode()
    assert 'href="/reports/coverage/LDS/reason/"' in page
    url = "/reports/coverage/LDS/reason/"
    empty = client.post(url, {"reason": "   "})
    assert empty.status_code == 200 and "Enter the reason" in empty.content.decode()
    too_long = client.post(url, {"reason": "x" * 2001})
    assert "govuk-error-summary" in too_long.content.decode()
    assert not CoverageNote.objects.filter(council__code="LDS").exists()
    done = client.post(url, {"reason": "  Declined: a peer review by another body in 2025  "})
    assert done.status_code == 302 and done["Location"].endswith("#council-LDS")
    note = CoverageNote.objects.get(council__code="LDS")
    assert (note.reason, note.updated_by) == (
        "Declined: a peer review by another body in 2025",
        amira,
    )
    # Changing it replaces it.
    client.post(url, {"reason": "Booked for the autumn"})
    assert CoverageNote.objects.get(council__code="LDS").reason == "Booked for the autumn"
    assert CoverageNote.objects.filter(council__code="LDS").count() == 1


def test_who_may_record_a_reason(client, councils):
    url = "/reports/coverage/LDS/reason/"
    for user, status in [(f.programme_lead(), 403), (f.peer_user(), 403)]:
        client.force_login(user)
        assert client.post(url, {"reason": "no"}).status_code == status
    assert not CoverageNote.objects.filter(council__code="LDS").exists()
    client.force_login(f.manager())
    assert client.get("/reports/coverage/ABD/reason/").status_code == 404  # Aberdeenshire
    assert client.get("/reports/coverage/NOPE/reason/").status_code == 404


def test_the_service_refuses_a_council_that_cannot_host_and_an_empty_reason(councils):
    scottish = Council.objects.get(code="ABD")
    with pytest.raises(InvalidInput) as refused:
        coverage_note_save(council=scottish, reason=" ", actor=None)
    assert set(refused.value.errors) == {"reason", "council"}
    with pytest.raises(InvalidInput):
        coverage_note_save(council=f.council("LDS"), reason="x" * 2001, actor=None)
    assert not CoverageNote.objects.filter(council__code__in=["ABD", "LDS"]).exists()


def test_the_number_of_queries_does_not_grow_with_the_cases(client, councils):
    client.force_login(f.programme_lead())
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for code in ("NET", "SHF", "HAL"):
        _cpc(code, State.CLOSED, datetime.date(2022, 1, 1))
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)


def test_who_may_open_it(client, councils):
    assert client.get(URL).status_code == 302
    for user, status in [(f.peer_user(), 403), (f.programme_lead(), 200), (f.manager(), 200)]:
        client.force_login(user)
        assert client.get(URL).status_code == status


def test_the_api(councils):
    client = f.api_client(f.programme_lead())
    body = client.get("/api/reports/coverage/", {"region": "north west", "status": BOOKED}).json()
    assert body["count"] == 1
    assert [(r["code"], r["status"], r["booked_visit"]) for r in body["results"]] == [
        ("MAN", "booked", "2026-09-01")
    ]
    bad = client.get("/api/reports/coverage/", {"region": "Atlantis", "status": "x", "y": "1"})
    assert bad.status_code == 400 and set(bad.json()) >= {"region", "status"}
    assert f.api_client(f.peer_user()).get("/api/reports/coverage/").status_code == 403


def test_the_api_pages_the_councils_in_the_planners_order(councils):
    client = f.api_client(f.manager())
    every = client.get("/api/reports/coverage/", {"page_size": 200}).json()
    codes = [row["code"] for row in every["results"]]
    assert every["count"] > len(codes) == 200  # every current English council

    first = client.get("/api/reports/coverage/", {"page_size": 2}).json()
    second = client.get("/api/reports/coverage/", {"page_size": 2, "page": 2}).json()
    assert first["count"] == every["count"]
    assert [r["code"] for r in first["results"] + second["results"]] == codes[:4]
    assert "page=2" in first["next"] and first["previous"] is None

    bad = client.get("/api/reports/coverage/", {"page_size": "0"})
    assert bad.status_code == 400 and "page_size" in bad.json()
    assert client.get("/api/reports/coverage/", {"page": 999}).status_code == 404


def test_the_schema_shows_the_coverage_api_in_pages(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/reports/coverage/"]["get"]
    assert {"page", "page_size", "region", "status"} <= {p["name"] for p in operation["parameters"]}
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PaginatedCouncilCoverageOutputList"}


def test_the_page_and_api_serve_the_kept_figures_but_the_reasons_as_they_are(
    client, councils, keeping_figures
):
    computed = datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)
    client.force_login(f.manager())
    client.get(URL)
    # After the figures were computed: Leeds has a CPC, and a reason is recorded for it.
    _cpc("LDS", State.CLOSED, datetime.date(2026, 1, 10))
    client.post("/reports/coverage/LDS/reason/", {"reason": "Visited in January"})

    with time_machine.travel(computed + datetime.timedelta(seconds=30), tick=False):
        page = client.get(URL).content.decode()
        body = (
            f.api_client(f.programme_lead())
            .get("/api/reports/coverage/", {"region": f.council("LDS").region, "page_size": 200})
            .json()
        )

    leeds = page.split('id="council-LDS"')[1].split("</tr>")[0]
    assert "Never had one" in leeds and "Visited in January" in leeds
    shown = page.split('data-figures-as-at="')[1].split('"')[0]
    assert datetime.datetime.fromisoformat(shown) == computed
    assert datetime.datetime.fromisoformat(body["figures_as_at"]) == computed
    (row,) = [r for r in body["results"] if r["code"] == "LDS"]
    assert (row["status"], row["reason"]) == (NEVER, "Visited in January")
