"""The dashboard: each kind of overdue item on the hand-made programme of dashboard_data (its
table says which case is there for what), the filters, a manager's own actions, who may open
it, its query count and its API."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.dashboard import dashboard
from reports.overdue import overdue
from tests.reports import dashboard_data
from tests.reports.dashboard_data import NOW, TODAY
from tests.surveys.results_data import CE, answer, invitation
from tests.surveys.results_data import case as results_case
from tests.workflow import factories as f
from workflow.models import PeerChallenge, State

pytestmark = pytest.mark.django_db
URL = "/reports/dashboard/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def programme():
    return dashboard_data.programme()


def _listed(kinds) -> dict[str, list[tuple[str, int]]]:
    """kind -> [(case reference, days overdue)] in the order shown."""
    return {k.slug: [(i.case.reference, i.days_overdue) for i in k.items] for k in kinds}


def _ref(programme, name: str) -> str:
    return programme["cases"][name].reference


def test_each_kind_of_overdue_item_is_listed_with_its_days(programme):
    kinds = _listed(overdue(PeerChallenge.objects.all(), TODAY))
    ref = lambda name: _ref(programme, name)  # noqa: E731
    # Respond by 14 Jun (1 day over) and 17 Jun (due in 2 days); 25 Jun is not yet listed.
    assert kinds["invitations"] == [(ref("T"), 1), (ref("T"), -2)]
    # Feedback 16 May + 28 days = 13 June; R2's feedback was 5 June.
    assert kinds["reports"] == [(ref("R"), 2)]
    # P: report 1 March + 3 months = 1 June; A: report 10 Jan + 5 months = 10 June.
    assert kinds["publication"] == [(ref("P"), 14), (ref("A"), 5)]
    # A's lapsed on 29 April; P's sent 1 June closes 28 days later, on 29 June.
    assert kinds["surveys"] == [(ref("A"), 47), (ref("P"), -14)]
    # 25 June is within the month ahead; 14 August is not.
    assert kinds["impact"] == [(ref("I"), -10)]


def test_each_item_links_to_its_case(client, programme):
    client.force_login(f.programme_lead())
    html = client.get(URL).content.decode()
    for name, anchor in [("R", ""), ("P", ""), ("A", ""), ("T", ""), ("I", "#surveys")]:
        case = programme["cases"][name]
        assert f'href="{reverse("case-detail", args=[case.pk])}{anchor}"' in html, name
    assert "Pat Late (Officer peer)" in html
    assert "Report not published" in html and "Action plan not published" in html


def test_my_actions_are_the_signed_in_managers_own_whatever_the_filters(client, programme):
    client.force_login(programme["amira"])
    response = client.get(URL, {"region": "West Midlands"})
    mine = _listed(response.context["board"].mine)
    ref = lambda name: _ref(programme, name)  # noqa: E731
    assert mine == {
        "invitations": [(ref("T"), 1), (ref("T"), -2)],
        "reports": [(ref("R"), 2)],
        "publication": [],
        "surveys": [],
        "impact": [],
    }
    # ... while the programme-wide lists follow the filter: only Birmingham's.
    across = _listed(response.context["board"].overdue)
    assert across["publication"] == [(ref("P"), 14)]
    assert across["reports"] == [] and across["invitations"] == []
    assert 'id="my-actions"' in response.content.decode()


def test_a_programme_lead_has_no_actions_of_their_own(client, programme):
    client.force_login(f.programme_lead())
    response = client.get(URL)
    assert response.context["board"].mine is None
    assert 'id="my-actions"' not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "South East"}, {"reports": ["R"], "publication": [], "invitations": []}),
        ({"type": "finance"}, {"reports": [], "publication": [], "invitations": []}),
        ({"manager": "omar"}, {"reports": [], "publication": ["P", "A"], "invitations": []}),
        # Financial year of the visit: 2025-26 holds A, I and P (visit January 2026).
        (
            {"financial_year": "2025-26"},
            {"reports": [], "publication": ["P", "A"], "invitations": []},
        ),
        (
            {"financial_year": "2026"},
            {"reports": ["R"], "publication": [], "invitations": ["T", "T"]},
        ),
    ],
)
def test_the_filters(client, programme, query, expected):
    if query.get("manager") == "omar":
        query = {"manager": str(programme["omar"].pk)}
    client.force_login(f.programme_lead())
    response = client.get(URL, query)
    assert response.status_code == 200
    listed = _listed(response.context["board"].overdue)
    for slug, names in expected.items():
        assert [ref for ref, _ in listed[slug]] == [_ref(programme, n) for n in names], slug


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"financial_year": "2026-28"}, "2026-28 is not a financial year"),
        ({"region": "Atlantis"}, "Select a valid choice"),
        ({"manager": "many"}, "Enter a whole number"),
        ({"state": "booked"}, "This page has no filter called “state”"),
    ],
)
def test_a_bad_filter_is_a_form_error_not_a_500(client, programme, query, message):
    client.force_login(f.programme_lead())
    response = client.get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert "board" not in response.context


def test_the_pipeline_counts_cases_by_state_and_type_and_links_to_them(client, programme):
    f.PeerChallengeFactory(
        host=f.council("KEN"), state=State.REPORTING, challenge_type=f.challenge_type("finance")
    )
    client.force_login(f.programme_lead())
    table = client.get(URL, {"region": "South East"}).context["pipeline"]
    names = [t.slug for t in table["types"]]
    reporting = next(row for row in table["rows"] if row["label"] == "Reporting")
    counts = dict(zip(names, [c["count"] for c in reporting["cells"]], strict=True))
    assert counts["corporate"] == 2 and counts["finance"] == 1  # R, R2; Kent's
    assert reporting["total"]["count"] == 3
    assert table["total"]["count"] == 3  # South East: R, R2 and Kent's
    link = reporting["cells"][names.index("corporate")]["href"]
    assert link.startswith(reverse("my-cases") + "?")
    assert "state=reporting" in link and "type=corporate" in link and "region=South+East" in link
    assert "manager=&" in link or link.endswith("manager=")  # anyone's, not the viewer's
    listed = client.get(link)
    assert sorted(row.case.reference for row in listed.context["rows"]) == sorted(
        [_ref(programme, "R"), _ref(programme, "R2")]
    )


def test_the_number_of_queries_does_not_grow_with_the_cases(client, programme):
    client.force_login(programme["amira"])
    client.get(URL)  # warm: the session, the user's groups
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for code in ("KEN", "WOK", "NET", "SHF"):
        case = f.PeerChallengeFactory(
            host=f.council(code), manager=programme["amira"], state=State.REPORTING
        )
        PeerChallenge.objects.filter(pk=case.pk).update(feedback_date=TODAY.replace(month=4))
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)


def test_who_may_open_it(client, programme):
    assert client.get(URL).status_code == 302  # to sign in
    for user, status in [
        (f.peer_user(), 403),
        (f.UserFactory(), 403),
        (f.programme_lead(), 200),
        (programme["amira"], 200),
    ]:
        client.force_login(user)
        assert client.get(URL).status_code == status


def test_the_dashboard_through_the_api(programme):
    client = f.api_client(programme["amira"])
    body = client.get("/api/reports/dashboard/", {"region": "South East"}).json()
    reports = next(k for k in body["overdue"] if k["slug"] == "reports")
    assert [(i["reference"], i["days_overdue"]) for i in reports["items"]] == [
        (_ref(programme, "R"), 2)
    ]
    assert reports["items"][0]["url"].endswith(f"/cases/{programme['cases']['R'].pk}/")
    mine = {k["slug"]: len(k["items"]) for k in body["my_actions"]}
    assert mine == {"invitations": 2, "reports": 1, "publication": 0, "surveys": 0, "impact": 0}
    cell = next(
        c for c in body["pipeline"] if c["state"] == "reporting" and c["type"] == "corporate"
    )
    assert cell["count"] == 2


def test_the_api_refuses_bad_parameters_with_their_names(programme):
    client = f.api_client(programme["amira"])
    response = client.get("/api/reports/dashboard/", {"financial_year": "2026-28", "colour": "x"})
    assert response.status_code == 400
    assert set(response.json()) >= {"financial_year", "colour"}
    assert f.api_client(f.peer_user()).get("/api/reports/dashboard/").status_code == 403


def test_dashboard_function_takes_a_manager_flag(programme):
    board = dashboard(
        cases=PeerChallenge.objects.all(), user=programme["omar"], today=TODAY, manages=True
    )
    assert board.mine is not None
    assert [len(k.items) for k in board.mine] == [0, 0, 2, 2, 1]


def test_the_years_survey_headlines_are_the_results_pages_own(client, programme):
    # Five returns in June 2026 (2026/27); the fixture's open one and its lapsed one: 5 of 7.
    for i in range(5):
        done = invitation(
            results_case(onsite_end=TODAY.replace(month=4)),
            "feedback",
            CE,
            sent=TODAY.replace(day=1),
            completed=TODAY.replace(day=2),
        )
        answer(done, {"FB1": "very_satisfied" if i < 4 else "fairly_satisfied"})
    client.force_login(f.programme_lead())
    board = client.get(URL).context["board"]
    feedback = board.surveys[0]
    assert board.year == 2026 and feedback.period.label == "2026/27"
    assert (feedback.responses["all"], feedback.rates["all"].sent) == (5, 7)
    html = client.get(URL).content.decode()
    assert "71% of 7" in html  # 5/7
    assert "<strong>100%</strong> (base 5)" in html  # very or fairly satisfied
    # Another year through the filter: nothing returned then.
    earlier = client.get(URL, {"financial_year": "2024-25"}).context["board"].surveys[0]
    assert earlier.responses["all"] == 0
    # A year the surveys cannot count is shown without figures, not a 500.
    assert client.get(URL, {"financial_year": "1995"}).context["board"].surveys == []


def test_a_pipeline_link_keeps_the_chosen_manager_and_year(client, programme):
    client.force_login(f.programme_lead())
    omar = programme["omar"]
    table = client.get(URL, {"manager": omar.pk, "financial_year": "2025/26"}).context["pipeline"]
    link = table["total"]["href"]
    assert f"manager={omar.pk}" in link and "financial_year=2025" in link
    rows = client.get(link).context["rows"]
    assert sorted(r.case.reference for r in rows) == sorted(
        _ref(programme, name) for name in ("P", "A", "I")
    )


def test_the_overdue_lists_are_counted_at_a_glance(client, programme):
    client.force_login(f.programme_lead())
    html = client.get(URL).content.decode()
    for slug, title, n in [
        ("invitations", "Unanswered invitations", 2),
        ("reports", "Reports overdue after feedback", 1),
        ("publication", "Publication deadlines passed", 2),
        ("surveys", "Surveys outstanding", 2),
        ("impact", "Impact surveys due", 1),
    ]:
        assert f'<a class="govuk-link" href="#all-{slug}">{title}: {n}</a>' in html
        assert f'id="all-{slug}"' in html


def test_a_long_table_shows_its_first_rows_and_links_to_all_of_them(client, programme, monkeypatch):
    monkeypatch.setattr("reports.dashboard_pages.ROWS_SHOWN", 1)
    client.force_login(f.programme_lead())

    html = client.get(URL, {"region": ""}).content.decode()
    table = html.split('data-testid="all-publication">')[1].split("</table>")[0]
    assert "Report not published" in table and "Action plan not published" not in table
    assert "Unanswered invitations (2)" in html  # the caption counts them all
    see_all = "/reports/dashboard/?region=&amp;show=all-publication#all-publication"
    assert see_all in html
    assert 'data-testid="see-all-all-reports"' not in html  # one row: nothing more to see

    html = client.get(URL, {"region": "", "show": "all-publication"}).content.decode()
    table = html.split('data-testid="all-publication">')[1].split("</table>")[0]
    assert "Report not published" in table and "Action plan not published" in table
    assert 'data-testid="see-all-all-publication"' not in html
    assert 'data-testid="see-all-all-invitations"' in html  # the others stay short
