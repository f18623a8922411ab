"""Each domain rule lives once (the model's clean() or a service) and every entry point gets
it: the service itself, the API and the admin. A rule that only one door checked would pass
the service test here and fail one of the others."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, Refused
from tests.workflow import factories as f
from workflow import services, team_services
from workflow.models import Assignment, PeerChallenge, State

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()


def change_url(challenge) -> str:
    return reverse("admin:workflow_peerchallenge_change", args=[challenge.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- onsite dates in order ----------------------------------------------------------------


@pytest.fixture
def booked():
    return f.PeerChallengeFactory(
        state=State.BOOKED, onsite_start=TODAY + 20 * DAY, onsite_end=TODAY + 23 * DAY
    )


def test_onsite_end_before_start_through_the_service(booked):
    with pytest.raises(InvalidInput) as invalid:
        services.challenge_update(
            challenge=booked, actor=None, changes={"onsite_end": booked.onsite_start - 5 * DAY}
        )
    assert "onsite_end" in invalid.value.errors
    assert PeerChallenge.objects.get(pk=booked.pk).onsite_end == TODAY + 23 * DAY


def test_onsite_end_before_start_through_the_api(booked):
    client = f.api_client(f.manager())
    end = (booked.onsite_start - 5 * DAY).isoformat()

    response = client.patch(f"/api/challenges/{booked.pk}/", {"onsite_end": end}, format="json")

    assert response.status_code == 400
    assert response.data["onsite_end"][0].startswith("must not be before the onsite start")


def test_onsite_end_before_start_through_the_admin(admin_client, booked):
    data = f.admin_form_data(admin_client.get(change_url(booked)))
    data["onsite_end"] = (booked.onsite_start - 5 * DAY).isoformat()

    response = admin_client.post(change_url(booked), data)

    assert response.status_code == 200  # the form again, with its error
    assert "must not be before the onsite start" in str(response.context["errors"])
    assert PeerChallenge.objects.get(pk=booked.pk).onsite_end == TODAY + 23 * DAY


def test_the_database_refuses_onsite_dates_out_of_order_from_any_other_writer(booked):
    with pytest.raises(IntegrityError), transaction.atomic():
        PeerChallenge.objects.filter(pk=booked.pk).update(onsite_end=booked.onsite_start - DAY)


# --- scope components are the type's --------------------------------------------------------


def test_unknown_scope_component_through_the_service(booked):
    with pytest.raises(InvalidInput) as invalid:
        services.challenge_update(
            challenge=booked, actor=None, changes={"scope_components": ["leadership", "x"]}
        )
    [message] = invalid.value.errors["scope_components"]
    assert message.startswith("not a component of the Corporate peer challenge: leadership, x")
    assert "leadership-of-place" in message  # the codes it does take


def test_unknown_scope_component_through_the_api(booked):
    client = f.api_client(f.manager())
    body = {"scope_components": ["local-context", "local-context"]}

    response = client.patch(f"/api/challenges/{booked.pk}/", body, format="json")

    assert response.status_code == 400
    assert response.data == {"scope_components": ["a component is listed twice"]}


def test_objectives_have_a_limit(booked):
    client = f.api_client(f.manager())
    body = {"local_objectives": [f"Objective {i}" for i in range(21)]}

    response = client.patch(f"/api/challenges/{booked.pk}/", body, format="json")

    assert response.status_code == 400
    assert "local_objectives" in response.data


# --- who a new case may be for ------------------------------------------------------------

NEW_CASE = {
    "type": "corporate",
    "onsite_start": (TODAY + 60 * DAY).isoformat(),
    "onsite_end": (TODAY + 63 * DAY).isoformat(),
}


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("ALL", "Allerdale no longer exists"),
        ("ABD", "Aberdeenshire is not an English council"),
    ],
)
def test_a_case_for_a_council_that_cannot_host_is_refused_at_creation(code, why):
    client = f.api_client(f.manager())

    response = client.post("/api/challenges/", {**NEW_CASE, "host": code}, format="json")

    assert response.status_code == 400
    assert response.data["host"][0].startswith(why)
    assert not PeerChallenge.objects.exists()


def test_a_council_that_cannot_host_is_a_form_error_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:workflow_peerchallenge_add"),
        {
            "host": f.council("ALL").pk,
            "challenge_type": f.challenge_type().pk,
            "scope_components": "[]",
            "local_objectives": "[]",
        },
    )

    assert response.status_code == 200
    assert "Allerdale no longer exists" in str(response.context["errors"])
    assert not PeerChallenge.objects.exists()


def test_a_second_open_case_for_the_same_council_and_type_names_the_first():
    first = f.PeerChallengeFactory()  # an enquiry
    client = f.api_client(f.manager())

    response = client.post("/api/challenges/", {**NEW_CASE, "host": "ADU"}, format="json")

    assert response.status_code == 409
    assert response.data["unmet"] == [
        f"Adur already has an open Corporate peer challenge ({first.reference}): carry on with it"
    ]
    assert PeerChallenge.objects.count() == 1


@pytest.mark.parametrize("finished", [State.CLOSED, State.WITHDRAWN])
def test_a_finished_case_does_not_block_a_new_one(finished):
    f.PeerChallengeFactory(state=finished)
    client = f.api_client(f.manager())

    response = client.post("/api/challenges/", {**NEW_CASE, "host": "ADU"}, format="json")

    assert response.status_code == 201, response.data


# --- the team: only forward, never on a finished case ------------------------------------


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Assignment.Status.COMPLETED, Assignment.Status.INVITED),
        (Assignment.Status.DECLINED, Assignment.Status.ACCEPTED),
        (Assignment.Status.INVITED, Assignment.Status.COMPLETED),
    ],
)
def test_a_team_place_moves_only_forward(start, to):
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    [place] = f.full_team(challenge, size=3)[:1]
    Assignment.objects.filter(pk=place.pk).update(status=start)
    place.refresh_from_db()

    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_update(assignment=place, actor=None, changes={"status": to})

    assert "cannot become" in invalid.value.errors["status"][0]
    assert Assignment.objects.get(pk=place.pk).status == start
    assert not challenge.events.exists()


@pytest.mark.parametrize("finished", [State.CLOSED, State.WITHDRAWN])
def test_the_team_of_a_finished_case_cannot_change(finished):
    challenge = f.PeerChallengeFactory(state=finished)
    [place, *_] = f.full_team(challenge, size=3)

    with pytest.raises(Refused):
        team_services.assignment_add(challenge=challenge, peer=f.PeerFactory(), actor=None)
    with pytest.raises(Refused):
        team_services.assignment_update(assignment=place, actor=None, changes={"days": 3})
    assert challenge.assignments.count() == 3
    assert not challenge.events.exists()


def test_a_backward_team_move_in_the_admin_is_a_message_not_a_500(admin_client):
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    f.full_team(challenge, size=3)
    data = f.admin_form_data(admin_client.get(change_url(challenge)))
    data["assignments-0-status"] = Assignment.Status.INVITED  # accepted -> invited

    response = admin_client.post(change_url(challenge), data)

    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith("Not saved: status: Accepted cannot become invited")
    assert set(challenge.assignments.values_list("status", flat=True)) == {"accepted"}
    assert not challenge.events.exists()


def test_an_impossible_date_in_a_body_is_said_to_be_impossible(booked):
    client = f.api_client(f.manager())

    edit = client.patch(
        f"/api/challenges/{booked.pk}/", {"onsite_start": "2027-02-30"}, format="json"
    )
    fired = client.post(
        f"/api/challenges/{booked.pk}/transitions/postpone/", {"reason": "x"}, format="json"
    )

    assert edit.status_code == 400
    assert "not a real date" in edit.data["onsite_start"][0]
    assert fired.status_code == 200  # the case itself was untouched by the bad edit
