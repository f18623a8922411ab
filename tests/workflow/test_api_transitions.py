"""Firing transitions through the API: input validation (400), refusals (409), results (200)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.workflow.factories import PeerChallengeFactory, api_client, manager, scoped
from workflow.models import State
from workflow.transitions import TRANSITIONS

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def client():
    return api_client(manager())


def fire(client, challenge, name, body=None, **kwargs):
    url = f"/api/challenges/{challenge.pk}/transitions/{name}/"
    return client.post(url, body or {}, **{"format": "json", **kwargs})


# Posted with no body to a closed case: what every request of the transition must carry is
# missing (400), or, where it requires nothing, the state refuses it (409). (A report URL or a
# publication depends on the case, so those are the case's rules, checked once the state allows.)
MISSING_INPUT = {
    "record_feedback": ["feedback_date"],
    "close": ["reason"],
    "postpone": ["reason"],
    "withdraw": ["reason"],
}


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_every_service_has_its_own_transition_url(client, name):
    challenge = PeerChallengeFactory(state=State.CLOSED)

    response = fire(client, challenge, name)

    if name in MISSING_INPUT:
        assert (response.status_code, sorted(response.data)) == (400, MISSING_INPUT[name])
    else:
        verb = TRANSITIONS[name].label.lower()
        assert (response.status_code, response.data["unmet"]) == (
            409,
            [f"cannot {verb} while the case is closed"],
        )


def test_unknown_transition_or_case_is_404(client):
    challenge = PeerChallengeFactory()

    assert fire(client, challenge, "teleport").status_code == 404
    assert fire(client, challenge, "_apply_transition").status_code == 404
    assert client.post("/api/challenges/999999/transitions/book/").status_code == 404


def test_booking_returns_the_booked_case(client):
    challenge = PeerChallengeFactory()

    response = fire(client, challenge, "book")

    assert response.status_code == 200, response.data
    assert (response.data["state"], response.data["state_label"]) == ("booked", "Booked")
    assert "start_team_assembly" in [t["name"] for t in response.data["available_transitions"]]
    assert challenge.events.get().action == "workflow.challenge.booked"


def test_refused_booking_is_409_listing_what_is_unmet(client):
    challenge = PeerChallengeFactory(leader_name="", onsite_start=None, onsite_end=None)

    response = fire(client, challenge, "book")

    assert response.status_code == 409
    assert response.data["unmet"] == [
        "onsite dates not set",
        "leader contact missing (name and email)",
    ]
    challenge.refresh_from_db()
    assert challenge.state == State.ENQUIRY
    assert not challenge.events.exists()


def test_transition_from_the_wrong_state_is_409(client):
    challenge = PeerChallengeFactory(state=State.BOOKED)

    response = fire(client, challenge, "book")

    assert response.status_code == 409
    assert response.data["unmet"] == ["cannot book while the case is booked"]


def test_start_team_assembly_records_the_scope_it_is_given(client):
    challenge = PeerChallengeFactory(state=State.BOOKED)
    codes = [c["code"] for c in challenge.challenge_type.mandatory_components]

    response = fire(
        client,
        challenge,
        "start_team_assembly",
        {"scope_components": codes, "local_objectives": ["Housing delivery"]},
    )

    assert response.status_code == 200, response.data
    assert response.data["state"] == "team_assembly"
    assert response.data["local_objectives"] == ["Housing delivery"]


@pytest.mark.parametrize(
    ("name", "state", "body", "field"),
    [
        ("start_team_assembly", State.BOOKED, {"scope_components": ["x"]}, "scope_components"),
        ("start_team_assembly", State.BOOKED, {"local_objectives": [" "]}, "local_objectives"),
        ("record_feedback", State.ONSITE, {}, "feedback_date"),
        ("record_feedback", State.ONSITE, {"feedback_date": "yesterday"}, "feedback_date"),
        ("issue_report", State.REPORTING, {}, "report_url"),
        ("issue_report", State.REPORTING, {"report_url": "not a url"}, "report_url"),
        ("issue_report", State.REPORTING,
         {"report_url": "https://a.example/r.pdf", "report_issued_on": "2999-01-01"},
         "report_issued_on"),
        ("publish", State.REPORT_ISSUED, {"publication_url": "https://a.example"}, "published_on"),
        ("publish", State.REPORT_ISSUED, {"published_on": str(timezone.localdate())},
         "publication_url"),
        ("close", State.POST_CHALLENGE, {}, "reason"),
        ("close", State.POST_CHALLENGE, {"reason": "   "}, "reason"),
        ("postpone", State.BOOKED, {"reason": ""}, "reason"),
        ("withdraw", State.BOOKED, {"reason": None}, "reason"),
        ("book", State.ENQUIRY, {"state": "booked"}, "state"),
    ],
)  # fmt: skip
def test_bad_transition_input_is_400_naming_the_field(client, name, state, body, field):
    challenge = PeerChallengeFactory(state=state)

    response = fire(client, challenge, name, body)

    assert response.status_code == 400
    assert field in response.data
    challenge.refresh_from_db()
    assert challenge.state == state


def test_a_wrong_value_is_a_400_and_a_case_not_ready_a_409(client):
    today = timezone.localdate()
    challenge = PeerChallengeFactory(state=State.ONSITE, onsite_start=today - 3 * DAY)
    tomorrow = (today + DAY).isoformat()

    response = fire(client, challenge, "record_feedback", {"feedback_date": tomorrow})
    assert response.status_code == 400
    assert response.data == {"feedback_date": ["cannot be in the future"]}

    challenge.onsite_end = today + DAY  # the visit is still running
    challenge.save()
    response = fire(client, challenge, "record_feedback", {"feedback_date": today.isoformat()})
    assert response.status_code == 409
    assert response.data["unmet"] == [f"the onsite visit runs until {today + DAY:%-d %B %Y}"]


def test_report_can_be_uploaded_as_a_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge = PeerChallengeFactory(state=State.REPORTING)
    report = SimpleUploadedFile("adur-cpc.pdf", b"%PDF-1.4 report", "application/pdf")

    response = fire(client, challenge, "issue_report", {"report_file": report}, format="multipart")

    assert response.status_code == 200, response.data
    assert response.data["state"] == "report_issued"
    assert (
        response.data["report_file"] == f"http://testserver/api/challenges/{challenge.pk}/report/"
    )
    assert response.data["report_issued_on"] == timezone.localdate().isoformat()


def test_a_report_that_is_not_a_document_is_400(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge = PeerChallengeFactory(state=State.REPORTING)
    script = SimpleUploadedFile("report.exe", b"MZ", "application/octet-stream")

    response = fire(client, challenge, "issue_report", {"report_file": script}, format="multipart")

    assert response.status_code == 400
    assert "report_file" in response.data
    assert not any(tmp_path.iterdir())


def test_postponed_case_resumes_to_the_state_it_left(client):
    challenge = scoped(PeerChallengeFactory(state=State.TEAM_ASSEMBLY))

    postponed = fire(client, challenge, "postpone", {"reason": "Council elections"})
    resumed = fire(client, challenge, "resume", {"reason": "Elections over"})

    assert postponed.data["state"] == "postponed"
    assert postponed.data["postponed_reason"] == "Council elections"
    assert [t["target"] for t in postponed.data["available_transitions"]] == [
        "team_assembly",
        "withdrawn",
    ]
    assert resumed.data["state"] == "team_assembly"


def test_withdrawal_records_its_reason_in_the_timeline(client):
    challenge = PeerChallengeFactory(state=State.BOOKED)

    response = fire(client, challenge, "withdraw", {"reason": "New chief executive"})

    assert response.data["state"] == "withdrawn"
    assert response.data["available_transitions"] == []
    assert challenge.events.get().reason == "New chief executive"
