"""My cases (/cases/) and its CSV export, through Django's test client: the filters are the
API's (workflow/filters.py), a manager sees their own cases unless they ask for anyone's, a
programme lead sees everyone's without action links, and the page costs the same number of
queries at any number of rows."""

import csv
import datetime
import io
import itertools

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.workflow import factories as f
from workflow.dates import financial_year_of
from workflow.models import CaseEvent, Council, State
from workflow.pages.lists import GUARDS_READING_ONLY_THE_ROW, PAGE_SIZE, spreadsheet_safe
from workflow.transitions import TRANSITIONS

pytestmark = pytest.mark.django_db

_codes = itertools.count()


def host() -> Council:
    """A different active English council each call: cases booked or later hold their host's
    one place for their type, so a list of them needs many hosts."""
    return Council.objects.active_english().order_by("code")[next(_codes) % 300]


def case(**kwargs):
    kwargs.setdefault("host", host())
    return f.PeerChallengeFactory(**kwargs)


def rows(response) -> list[str]:
    return [row.case.reference for row in response.context["rows"]]


@pytest.fixture
def amira():
    return f.manager(username="amira", first_name="Amira", last_name="Khan")


@pytest.fixture
def signed_in(client, amira):
    client.force_login(amira)
    return client


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/cases/", "/cases/csv/"])
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("peer", 403), ("no role", 403), ("programme lead", 200)],
)
def test_who_may_open_the_list_and_its_export(client, url, who, status):
    users = {"peer": f.peer_user, "no role": f.UserFactory, "programme lead": f.programme_lead}
    if who in users:
        client.force_login(users[who]())

    response = client.get(url)

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/sign-in/")


def test_a_manager_sees_their_own_cases_unless_they_ask_for_anyone(signed_in, amira):
    mine = case(manager=amira)
    theirs = case()

    assert rows(signed_in.get("/cases/")) == [mine.reference]
    everyone = signed_in.get("/cases/", {"manager": ""})
    assert set(rows(everyone)) == {mine.reference, theirs.reference}
    assert rows(signed_in.get("/cases/", {"manager": theirs.manager_id})) == [theirs.reference]
    page = signed_in.get("/cases/").content.decode()
    assert f'<option value="{amira.pk}" selected>Amira Khan (you)</option>' in page
    assert '<option value="">Anyone</option>' in page


def test_a_programme_lead_sees_everyones_cases_with_no_action_links(client):
    first, second = case(), case(state=State.BOOKED)
    client.force_login(f.programme_lead())

    response = client.get("/cases/")

    page = response.content.decode()
    assert response.context["title"] == "All cases"
    assert set(rows(response)) == {first.reference, second.reference}
    assert "/steps/" not in page
    assert "Book" in page  # what the case waits for, as words


def test_a_manager_gets_each_cases_next_step_as_a_link(signed_in, amira):
    enquiry = case(manager=amira)

    page = signed_in.get("/cases/").content.decode()

    assert f'href="/cases/{enquiry.pk}/steps/book/"' in page
    assert f'href="/cases/{enquiry.pk}/"' in page


# --- what each case waits for, and since when --------------------------------------------------


def test_each_case_says_what_it_waits_for_and_what_the_list_can_tell_is_unmet(signed_in, amira):
    today = timezone.localdate()
    preparing = case(manager=amira, state=State.PREPARATION)
    assembling = case(manager=amira, state=State.TEAM_ASSEMBLY)
    closed = case(manager=amira, state=State.CLOSED)
    booked = case(manager=amira, state=State.BOOKED, scope_components=["local-context"])

    response = signed_in.get("/cases/")

    waits = {
        row.case.pk: (row.step.name if row.step else None, row.still_needs)
        for row in response.context["rows"]
    }

    starts = preparing.onsite_start
    assert starts > today
    assert waits[preparing.pk] == ("start_onsite", f"onsite visit starts on {starts:%-d %B %Y}")
    # The team's guard needs a query a row: its step is named, its conditions are on the case.
    assert waits[assembling.pk] == ("confirm_team", "")
    assert waits[closed.pk] == (None, "")
    assert waits[booked.pk][0] == "start_team_assembly"
    assert waits[booked.pk][1].startswith("scope misses the mandatory component")
    assert waits[booked.pk][1].endswith("more)")  # and no local objective, at least
    assert "Onsite visit starts on" in response.content.decode()


def test_a_closed_case_waits_for_nothing_and_says_so(signed_in, amira):
    case(manager=amira, state=State.CLOSED)

    page = signed_in.get("/cases/").content.decode()

    assert "Nothing" in page and "Not waiting" in page
    assert " days" not in page


def test_the_guards_the_list_runs_are_declared_steps_with_guards():
    assert all(TRANSITIONS[name].guard for name in GUARDS_READING_ONLY_THE_ROW)


def test_how_long_a_case_has_waited_counts_from_its_latest_event_into_its_state(signed_in, amira):
    now = timezone.now()
    booked = case(manager=amira, state=State.BOOKED)
    for days_ago, to_state in [(30, State.BOOKED), (20, State.POSTPONED), (12, State.BOOKED)]:
        with time_machine.travel(now - datetime.timedelta(days=days_ago)):
            CaseEvent.objects.create(challenge=booked, action="test", to_state=to_state)
    CaseEvent.objects.create(challenge=booked, action="workflow.challenge.edited")
    never_moved = case(manager=amira)  # no event into its state: its last change counts

    waited = {row.case.pk: row.days for row in signed_in.get("/cases/").context["rows"]}

    assert waited == {booked.pk: 12, never_moved.pk: 0}


# --- filters and search --------------------------------------------------------------------


def test_filters_by_state_type_region_and_financial_year(signed_in, amira):
    booked = case(manager=amira, state=State.BOOKED)
    enquiry = case(manager=amira, challenge_type=f.challenge_type("finance"))
    year = financial_year_of(booked.onsite_start)
    later = case(manager=amira, onsite_start=datetime.date(year + 3, 6, 1))

    def listed(**filters) -> set[str]:
        return set(rows(signed_in.get("/cases/", filters)))

    assert listed(state="booked") == {booked.reference}
    assert listed(type="finance") == {enquiry.reference}
    assert listed(region=booked.host.region) >= {booked.reference}
    assert later.reference not in listed(financial_year=f"{year}-{(year + 1) % 100:02d}")
    assert listed(financial_year=str(year + 3)) == {later.reference}


@pytest.mark.parametrize("query", ["PC-{pk:05d}", "pc{pk}", "{pk}"])
def test_search_finds_a_case_by_its_reference(signed_in, amira, query):
    wanted = case(manager=amira)
    case(manager=amira)

    assert rows(signed_in.get("/cases/", {"search": query.format(pk=wanted.pk)})) == [
        wanted.reference
    ]


def test_search_finds_cases_by_council_name_or_code(signed_in, amira):
    adur = case(manager=amira, host=f.council("ADU"))
    case(manager=amira, host=f.council("BIR"))

    assert rows(signed_in.get("/cases/", {"search": "adu"})) == [adur.reference]
    assert rows(signed_in.get("/cases/", {"search": "Adur"})) == [adur.reference]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"financial_year": "2026-28"}, "2026-28 is not a financial year"),
        ({"financial_year": "last year"}, "Write a financial year as 2026-27"),
        ({"state": "lost"}, "Select a valid choice. lost is not one of the available choices."),
        ({"type": "knitting"}, "Select a valid choice. knitting is not one of"),
        ({"manager": "me"}, "Enter a whole number."),
        ({"stat": "booked"}, "This page has no filter called “stat”"),
    ],
)
def test_bad_filter_values_are_form_errors_not_failures(signed_in, query, message):
    response = signed_in.get("/cases/", query)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: My cases" in page
    assert "rows" not in response.context  # no list that looks filtered but is not
    assert signed_in.get("/cases/csv/", query).status_code == 400


# --- the pipeline ------------------------------------------------------------------------------


def test_the_pipeline_counts_each_state_under_every_filter_but_state(signed_in, amira):
    for state in [State.ENQUIRY, State.ENQUIRY, State.BOOKED, State.CLOSED]:
        case(manager=amira, state=state)
    case(state=State.BOOKED)  # another manager's

    response = signed_in.get("/cases/", {"state": "booked"})

    counts = {stage["state"]: stage["count"] for stage in response.context["pipeline"]}
    assert counts == {state: 0 for state in State} | {"enquiry": 2, "booked": 1, "closed": 1}
    assert [s["state"] for s in response.context["pipeline"] if s["chosen"]] == ["booked"]
    page = response.content.decode()
    assert 'href="?state=enquiry"' in page  # the other filters kept, the state replaced
    assert 'href="?state=team_assembly"' not in page  # nothing there: no link

    anyone = signed_in.get("/cases/", {"manager": "", "search": "a"})
    assert 'href="?manager=&amp;search=a&amp;state=booked"' in anyone.content.decode()


def test_the_total_is_the_pipelines_sum_over_the_states_chosen(signed_in, amira):
    for state in [State.ENQUIRY, State.ENQUIRY, State.BOOKED, State.CLOSED]:
        case(manager=amira, state=state)
    case(state=State.BOOKED)  # another manager's

    def total(**query) -> int:
        return signed_in.get("/cases/", query).context["page"].paginator.count

    assert total() == 4
    assert total(state=["enquiry", "closed"]) == 3
    assert total(state="onsite") == 0  # a state with no cases is none, not every case
    assert total(manager="", state="booked") == 2


# --- pages -------------------------------------------------------------------------------------


def test_pages_of_fifty_and_a_page_past_the_end_shows_the_last(signed_in, amira):
    made = [case(manager=amira, state=State.ENQUIRY) for _ in range(PAGE_SIZE + 1)]

    first = signed_in.get("/cases/")
    last = signed_in.get("/cases/", {"page": 2})

    assert len(rows(first)) == PAGE_SIZE
    assert len(rows(last)) == 1
    assert set(rows(first)) | set(rows(last)) == {c.reference for c in made}
    assert "Showing 1 to 50 of 51 cases" in first.content.decode()
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert rows(signed_in.get("/cases/", {"page": 99})) == rows(last)
    assert rows(signed_in.get("/cases/", {"page": "x"})) == rows(first)


def test_the_list_runs_the_same_queries_for_five_rows_as_for_fifty(
    signed_in, amira, django_assert_num_queries
):
    """A case in every state, so every guard the list runs is run on a row."""
    states = itertools.cycle(State)
    for _ in range(5):
        case(manager=amira, state=next(states))
    with CaptureQueriesContext(connection) as five:
        assert len(rows(signed_in.get("/cases/"))) == 5

    for _ in range(PAGE_SIZE - 5):
        case(manager=amira, state=next(states))
    with django_assert_num_queries(len(five)):
        assert len(rows(signed_in.get("/cases/"))) == PAGE_SIZE
    # The export: the same filters, its rows in one query; no pipeline or page layout (the
    # page takes its count from the pipeline).
    with django_assert_num_queries(len(five) - 2):
        assert b"".join(signed_in.get("/cases/csv/").streaming_content).count(b"\n") == 51


# --- the CSV export ----------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_streams_every_filtered_row_not_one_page(signed_in, amira):
    made = [case(manager=amira) for _ in range(PAGE_SIZE + 2)]
    case(manager=amira, state=State.CLOSED)

    response = signed_in.get("/cases/csv/", {"state": "enquiry", "page": 2})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="cases-{today}.csv"'
    exported = read_csv(response)
    assert {row["Reference"] for row in exported} == {c.reference for c in made}
    first = next(row for row in exported if row["Reference"] == made[0].reference)
    assert first["Link"] == f"http://testserver/cases/{made[0].pk}/"
    assert first["Host council"] == made[0].host.name
    assert first["State"] == "Enquiry"
    assert first["Manager"] == "Amira Khan"
    assert first["Onsite start"] == made[0].onsite_start.isoformat()
    assert first["Waits for"] == "Book"
    assert first["Days waiting"] == "0"


def test_the_export_neutralises_spreadsheet_formulas(signed_in):
    sly = f.manager(first_name='=HYPERLINK("http://evil.example","click")', last_name="")
    case(manager=sly)

    [row] = read_csv(signed_in.get("/cases/csv/", {"manager": sly.pk}))

    assert row["Manager"] == '\'=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Adur", "Adur"),
        (None, ""),
        (12, "12"),
        (datetime.date(2026, 6, 1), "2026-06-01"),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe
