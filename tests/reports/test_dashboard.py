"""The dashboard: each kind of overdue item on the hand-made programme of dashboard_data (its
table says which case is there for what), the filters, a manager's own actions, who may open
it, its query count and its API."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.case_filters import ReportPageFilter, cases_where
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


def test_a_list_read_as_its_first_rows_counts_them_all(programme):
    kinds = {k.slug: k for k in overdue(PeerChallenge.objects.all(), TODAY, first=1)}
    shown = {slug: ([_ref_of(i) for i in k.items], k.count) for slug, k in kinds.items()}
    ref = lambda name: _ref(programme, name)  # noqa: E731
    assert shown == {
        "invitations": ([(ref("T"), 1)], 2),
        "reports": ([(ref("R"), 2)], 1),
        "publication": ([(ref("P"), 14)], 2),  # of two rules' lists: the report's comes first
        "surveys": ([(ref("A"), 47)], 2),  # of the lapsed and the open: the lapsed is older
        "impact": ([(ref("I"), -10)], 1),
    }
    whole = {
        k.slug: k for k in overdue(PeerChallenge.objects.all(), TODAY, first=1, whole="surveys")
    }
    assert [_ref_of(i) for i in whole["surveys"].items] == [(ref("A"), 47), (ref("P"), -14)]
    assert len(whole["publication"].items) == 1


def _ref_of(item) -> tuple[str, int]:
    return (item.case.reference, item.days_overdue)


def test_a_deadline_counted_in_months_is_the_rules_own_at_a_months_end(programme):
    # 30 June: a report issued on 31 March is due for publication three months on, on the
    # month's last day, today, as is one issued on 30 March; one issued on 1 April is not.
    def issued(code: str, on: datetime.date) -> PeerChallenge:
        return f.PeerChallengeFactory(
            host=f.council(code),
            state=State.REPORT_ISSUED,
            onsite_start=dashboard_data.day(2, 2),
            onsite_end=dashboard_data.day(2, 5),
            feedback_date=dashboard_data.day(2, 6),
            report_issued_on=on,
        )

    on_31, on_30 = (
        issued("KEN", dashboard_data.day(3, 31)),
        issued("WOK", dashboard_data.day(3, 30)),
    )
    issued("NET", dashboard_data.day(4, 1))
    with time_machine.travel(datetime.datetime(2026, 6, 30, 12, tzinfo=datetime.UTC), tick=False):
        kinds = {k.slug: k for k in overdue(PeerChallenge.objects.all(), timezone.localdate())}
    listed = [(i.case.reference, i.due) for i in kinds["publication"].items]
    june_30 = dashboard_data.day(6, 30)
    today = sorted([(on_31.reference, june_30), (on_30.reference, june_30)])
    # P (report 1 March: 1 June) and A's plan (10 January: 10 June), then today's two by case.
    assert listed == [
        (_ref(programme, "P"), dashboard_data.day(6, 1)),
        (_ref(programme, "A"), dashboard_data.day(6, 10)),
        *today,
    ]


def test_the_pipeline_and_the_survey_headlines_are_kept_and_what_is_overdue_is_live(
    client, programme, keeping_figures
):
    amira = programme["amira"]
    client.force_login(amira)
    before = client.get(URL)
    api = f.api_client(amira)
    api.get("/api/reports/dashboard/")
    # A report overdue since 5 June, on a new case in reporting: what is overdue shows it at
    # once; the pipeline, kept, counts it when next computed.
    late = f.PeerChallengeFactory(
        host=f.council("KEN"),
        manager=amira,
        state=State.REPORTING,
        onsite_start=dashboard_data.day(5, 4),
        onsite_end=dashboard_data.day(5, 7),
        feedback_date=dashboard_data.day(5, 8),
    )
    after = client.get(URL)
    board = after.context["board"]
    for kinds in (board.overdue, board.mine):
        reports = next(k for k in kinds if k.slug == "reports")
        assert (late.reference, 10) in [_ref_of(i) for i in reports.items]

    def reporting(response) -> int:
        lines = response.context["pipeline"]["lines"]
        return next(line for line in lines if line["label"] == "Reporting")["cells"][-1]["count"]

    assert reporting(before) == reporting(after) == 2  # R and R2: as computed before
    assert board.as_at == NOW  # the autouse fixture's frozen clock: computed at the first read
    html = after.content.decode()
    assert 'data-figures-as-at="2026-06-15T13:00:00+01:00"' in html  # in London's summer time
    # Other filters are other figures: South East's pipeline is counted now, Kent's with it.
    assert reporting(client.get(URL, {"region": "South East"})) == 3
    body = api.get("/api/reports/dashboard/").json()
    assert datetime.datetime.fromisoformat(body["figures_as_at"]) == NOW
    cells = {(c["state"], c["type"]): c["count"] for c in body["pipeline"]}
    assert cells[("reporting", "corporate")] == 2
    reports = next(k for k in body["overdue"] if k["slug"] == "reports")
    assert late.reference in [i["reference"] for i in reports["items"]]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"region": "South East"},
        {"type": "finance"},
        {"manager": "omar"},
        {"financial_year": "2025-26"},
        {"financial_year": "2026", "region": "Yorkshire and The Humber"},
    ],
)
def test_kept_figures_choose_the_cases_the_filters_do(programme, query):
    # The kept pipeline is keyed by, and counts the cases of, the filters' plain values.
    if query.get("manager") == "omar":
        query = {"manager": str(programme["omar"].pk)}
    f.PeerChallengeFactory(host=f.council("KEN"), challenge_type=f.challenge_type("finance"))
    filters = ReportPageFilter(query, user=programme["amira"])
    assert filters.is_valid(), filters.form.errors
    assert all(value is None or isinstance(value, str | int) for value in filters.plain.values())
    chosen = set(cases_where(**filters.plain).values_list("pk", flat=True))
    assert chosen == set(filters.cases().values_list("pk", flat=True))
    assert chosen  # each filter chooses some cases, and only some
    assert chosen != set(PeerChallenge.objects.values_list("pk", flat=True)) or not query
