"""One case from enquiry to closed, entirely through the API, as a manager would drive it."""

import datetime

import pytest
import time_machine

from tests.workflow.factories import (
    PeerChallengeFactory,
    api_client,
    case_payload,
    full_team,
    manager,
)
from workflow.models import PeerChallenge

pytestmark = pytest.mark.django_db
LONDON = datetime.timezone(datetime.timedelta(hours=1))  # BST throughout this story


def test_a_case_walks_from_enquiry_to_closed_through_the_api():
    user = manager()
    client = api_client(user)
    with time_machine.travel(datetime.datetime(2026, 4, 20, 10, tzinfo=LONDON), tick=False) as t:
        leader = {"leader_name": "Lee Leader", "leader_email": "leader@adur.example.gov.uk"}
        created = client.post("/api/challenges/", case_payload(**leader), format="json").data
        case = f"/api/challenges/{created['id']}"

        def fire(name, body=None, expect="", **kwargs):
            response = client.post(f"{case}/transitions/{name}/", body or {}, **kwargs)
            assert response.status_code == 200, (name, response.data)
            assert response.data["state"] == expect
            return response.data

        fire("book", expect="booked")
        components = client.get("/api/challenge-types/corporate/").data["mandatory_components"]
        fire(
            "start_team_assembly",
            {
                "scope_components": [c["code"] for c in components],
                "local_objectives": ["Regeneration of the town centre"],
            },
            format="json",
            expect="team_assembly",
        )
        # Arranged directly: the team pages and API come with the team-assembly capability.
        full_team(PeerChallenge.objects.get(pk=created["id"]))
        fire("confirm_team", expect="preparation")

        t.move_to(datetime.datetime(2026, 6, 1, 8, tzinfo=LONDON))
        fire("start_onsite", expect="onsite")
        t.move_to(datetime.datetime(2026, 6, 4, 16, tzinfo=LONDON))
        fire("record_feedback", {"feedback_date": "2026-06-04"}, expect="reporting")
        t.move_to(datetime.datetime(2026, 7, 1, 9, tzinfo=LONDON))
        report = {"report_url": "https://www.local.gov.uk/adur-cpc-2026.pdf"}
        fire("issue_report", report, expect="report_issued")
        t.move_to(datetime.datetime(2026, 8, 3, 9, tzinfo=LONDON))
        published = {
            "publication_url": "https://www.adur.gov.uk/cpc",
            "published_on": "2026-08-03",
            "action_plan_url": "https://www.adur.gov.uk/cpc-action-plan",
        }
        fire("publish", published, expect="published")
        fire("start_post_challenge", expect="post_challenge")
        t.move_to(datetime.datetime(2027, 6, 10, 9, tzinfo=LONDON))
        closed = fire("close", {"reason": "Impact survey completed"}, expect="closed")

        every_event = client.get(f"{case}/events/").data["results"]
    # The case's own steps; other apps' events (the surveys sent and scheduled) come between.
    events = [e for e in every_event if e["action"].startswith("workflow.")]

    assert closed["report_issued_on"] == "2026-07-01"
    assert closed["action_plan_published_on"] == "2026-08-03"
    assert closed["available_transitions"] == []
    assert [(e["from_state"], e["to_state"]) for e in events] == [
        ("", "enquiry"),
        ("enquiry", "booked"),
        ("booked", "team_assembly"),
        ("team_assembly", "preparation"),
        ("preparation", "onsite"),
        ("onsite", "reporting"),
        ("reporting", "report_issued"),
        ("report_issued", "published"),
        ("published", "post_challenge"),
        ("post_challenge", "closed"),
    ]
    assert {e["actor"] for e in events} == {user.username}
    assert events[-1]["reason"] == "Impact survey completed"
    assert events[-1]["created_at"].startswith("2027-06-10T09:00:00")
    assert events[5]["data"] == {"feedback_date": "2026-06-04"}


def test_start_onsite_waits_for_the_onsite_date():
    client = api_client(manager())
    with time_machine.travel(datetime.datetime(2026, 5, 31, 23, 30, tzinfo=LONDON), tick=False):
        challenge = PeerChallengeFactory(
            state="preparation", onsite_start=datetime.date(2026, 6, 1)
        )

        response = client.post(f"/api/challenges/{challenge.pk}/transitions/start_onsite/")

    assert response.status_code == 409
    assert response.data["unmet"] == ["onsite visit starts on 1 June 2026"]
