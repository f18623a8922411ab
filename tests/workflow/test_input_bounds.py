"""Input that would not fit the database, or dates that would overflow what is computed from
them (reminders months later, calendar files), is a 400 naming the field, never a 500; and the
dates a case records keep their order (feedback, report, publication)."""

import datetime

import pytest
from django.utils import timezone

from core.errors import InvalidInput
from tests.workflow.factories import (
    PeerChallengeFactory,
    api_client,
    case_payload,
    challenge_type,
    manager,
)
from workflow import services
from workflow.models import PeerChallenge, State

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()
LONG_URL = "https://adur.example.gov.uk/" + "r" * 300  # a valid URL past varchar(200)
LONG_EMAIL = "x" * 60 + "@" + ".".join(["a" * 60] * 3) + ".example.gov.uk"  # valid, past 254


@pytest.fixture
def client():
    return api_client(manager())


def fire(client, challenge, name, body):
    url = f"/api/challenges/{challenge.pk}/transitions/{name}/"
    return client.post(url, body, format="json")


@pytest.mark.parametrize(
    ("name", "state", "body", "field"),
    [
        ("issue_report", State.REPORTING, {"report_url": LONG_URL}, "report_url"),
        ("publish", State.REPORT_ISSUED,
         {"publication_url": LONG_URL, "published_on": TODAY.isoformat()}, "publication_url"),
        ("publish", State.REPORT_ISSUED,
         {"publication_url": "https://a.example/p", "published_on": TODAY.isoformat(),
          "action_plan_url": LONG_URL}, "action_plan_url"),
        ("record_feedback", State.ONSITE, {"feedback_date": "9999-12-31"}, "feedback_date"),
        ("issue_report", State.REPORTING,
         {"report_url": "https://a.example/r", "report_issued_on": "1066-10-14"},
         "report_issued_on"),
    ],
)  # fmt: skip
def test_transition_input_too_long_or_out_of_range_is_400(client, name, state, body, field):
    challenge = PeerChallengeFactory(state=state)

    response = fire(client, challenge, name, body)

    assert response.status_code == 400, response.data
    assert field in response.data
    assert PeerChallenge.objects.get(pk=challenge.pk).state == state


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action_plan_url": LONG_URL}, "action_plan_url"),
        ({"leader_email": LONG_EMAIL}, "leader_email"),
        ({"onsite_start": "1999-12-31", "onsite_end": "2000-01-02"}, "onsite_start"),
        ({"onsite_start": "2100-12-30", "onsite_end": "9999-12-31"}, "onsite_end"),
        ({"onsite_start": "2026-06-01", "onsite_end": "2026-07-03"}, "onsite_end"),
    ],
)
def test_case_fields_too_long_or_out_of_range_are_400(client, body, field):
    created = client.post("/api/challenges/", case_payload(**body), format="json")
    challenge = PeerChallengeFactory()
    edited = client.patch(f"/api/challenges/{challenge.pk}/", body, format="json")

    assert (created.status_code, edited.status_code) == (400, 400), (created.data, edited.data)
    assert field in created.data and field in edited.data


@pytest.mark.parametrize("field", ["host", "type"])
def test_a_nul_byte_in_a_council_or_type_is_400_not_a_database_error(client, field):
    """PostgreSQL refuses NUL in text: looked up as sent, it was a 500 there."""
    body = {field: case_payload()[field] + "\x00"}
    created = client.post("/api/challenges/", case_payload(**body), format="json")
    edited = client.patch(f"/api/challenges/{PeerChallengeFactory().pk}/", body, format="json")

    assert (created.status_code, edited.status_code) == (400, 400)
    assert created.data[field] == edited.data[field] == ["Null characters are not allowed."]


def test_a_month_long_onsite_visit_is_accepted(client):
    body = case_payload(onsite_start="2026-06-01", onsite_end="2026-07-02")

    assert client.post("/api/challenges/", body, format="json").status_code == 201


def test_service_validates_what_a_transition_writes_before_saving():
    """Without the check PostgreSQL refuses a 300-character URL with a DataError (a 500)."""
    challenge = PeerChallengeFactory(state=State.REPORTING)

    with pytest.raises(InvalidInput) as refused:
        services.challenge_transition(
            name="issue_report", challenge=challenge, actor=None, report_url=LONG_URL
        )

    assert list(refused.value.errors) == ["report_url"]
    stored = PeerChallenge.objects.get(pk=challenge.pk)
    assert (stored.state, stored.report_url, challenge.report_url) == (State.REPORTING, "", "")
    assert not stored.events.exists()


# --- the order of the recorded dates ----------------------------------------------------


@pytest.mark.parametrize(
    ("state", "recorded", "name", "body", "field", "message"),
    [
        (State.REPORTING, "feedback_date", "issue_report", {"report_url": "https://a.example/r"},
         "report_issued_on", "is before the feedback presentation"),
        (State.REPORT_ISSUED, "report_issued_on", "publish",
         {"publication_url": "https://a.example/p"}, "published_on",
         "is before the report was issued"),
    ],
    ids=["report before feedback", "publication before report"],
)  # fmt: skip
def test_a_date_cannot_come_before_the_one_it_follows(
    client, state, recorded, name, body, field, message
):
    challenge = PeerChallengeFactory(state=state, **{recorded: TODAY - DAY})

    early = fire(client, challenge, name, {**body, field: str(TODAY - 2 * DAY)})
    same_day = fire(client, challenge, name, {**body, field: str(TODAY - DAY)})

    expected = f"{message} ({TODAY - DAY:%-d %B %Y})"
    assert (early.status_code, early.data) == (400, {field: [expected]})
    assert same_day.status_code == 200, same_day.data


def test_a_type_expecting_no_publication_publishes_without_url_or_date(client):
    challenge = PeerChallengeFactory(
        state=State.REPORT_ISSUED, challenge_type=challenge_type("culture")
    )
    challenge.challenge_type.publication_expected = False
    challenge.challenge_type.save()

    response = fire(client, challenge, "publish", {})

    assert response.status_code == 200, response.data
    assert (response.data["state"], response.data["publication_url"]) == ("published", "")


def test_a_type_expecting_publication_still_requires_url_and_date(client):
    challenge = PeerChallengeFactory(state=State.REPORT_ISSUED)

    response = fire(client, challenge, "publish", {})

    assert response.status_code == 400
    assert set(response.data) == {"publication_url", "published_on"}


# --- follow-ups --------------------------------------------------------------------------


def follow_up(client, parent, host="ADU"):
    body = case_payload(host=host, type="follow-up", parent=parent.pk)
    return client.post("/api/challenges/", body, format="json")


def test_follow_up_of_a_case_at_another_council_is_400(client):
    parent = PeerChallengeFactory(state=State.CLOSED)

    response = follow_up(client, parent, host="SAL")

    assert response.status_code == 400
    assert response.data["parent"] == [f"{parent.reference} is a case for Adur, not St Albans"]


@pytest.mark.parametrize("state", [State.ENQUIRY, State.ONSITE, State.WITHDRAWN])
def test_follow_up_of_a_case_without_an_issued_report_is_400(client, state):
    parent = PeerChallengeFactory(state=state)

    response = follow_up(client, parent)

    assert response.status_code == 400
    assert response.data["parent"] == [
        f"{parent.reference} is {state.label.lower()}: "
        "a follow-up follows a challenge whose report has been issued"
    ]


@pytest.mark.parametrize("state", [State.REPORT_ISSUED, State.PUBLISHED, State.CLOSED])
def test_follow_up_of_a_reported_case_at_the_same_council_is_created(client, state):
    parent = PeerChallengeFactory(state=state)

    response = follow_up(client, parent)

    assert response.status_code == 201, response.data
    assert response.data["parent"]["id"] == parent.pk


def test_changing_the_host_of_a_follow_up_checks_its_parent(client):
    parent = PeerChallengeFactory(state=State.CLOSED)
    child = follow_up(client, parent).data

    response = client.patch(f"/api/challenges/{child['id']}/", {"host": "SAL"}, format="json")

    assert response.status_code == 400
    assert "parent" in response.data
    assert PeerChallenge.objects.get(pk=child["id"]).host.code == "ADU"
