"""Each domain rule lives once (the model's clean() or a service) and every entry point gets
it: the service itself, the API and the admin. A rule that only one door checked would pass
the service test here and fail one of the others."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition

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


# --- the team: only forward by its steps, never on a finished case ------------------------


@pytest.mark.parametrize(
    ("start", "step"),
    [
        (Assignment.Status.COMPLETED, "invite"),
        (Assignment.Status.DECLINED, "accept"),
        (Assignment.Status.INVITED, "complete"),
    ],
)
def test_a_team_place_moves_only_forward(start, step):
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    place = f.place(challenge, status=start)
    inputs = {"accept": {"interests": "none"}, "complete": {"days": 3}}.get(step, {})

    with pytest.raises(Refused) as refused:
        team_services.assignment_transition(assignment=place, name=step, actor=None, **inputs)

    assert refused.value.unmet[0].startswith("cannot ")
    assert Assignment.objects.get(pk=place.pk).status == start
    assert not challenge.events.exists()


def test_a_status_cannot_be_written_as_an_edit():
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    place = f.place(challenge, status=Assignment.Status.INVITED)

    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_update(
            assignment=place, actor=None, changes={"status": "accepted"}
        )

    assert invalid.value.errors["status"][0].startswith("changes only by a step of the place")
    assert Assignment.objects.get(pk=place.pk).status == Assignment.Status.INVITED


@pytest.mark.parametrize("finished", [State.CLOSED, State.WITHDRAWN])
def test_the_team_of_a_finished_case_cannot_change(finished):
    challenge = f.PeerChallengeFactory(state=finished)
    [place, *_] = f.full_team(challenge, size=3)
    unmet = [f"the team of a {finished.label.lower()} case cannot change"]

    with pytest.raises(Refused) as added:
        team_services.assignment_add(
            challenge=challenge, peer=f.PeerFactory(), actor=None, role="officer"
        )
    with pytest.raises(Refused) as updated:
        team_services.assignment_update(assignment=place, actor=None, changes={"role": "officer"})
    with pytest.raises(Refused) as completed:
        team_services.assignment_transition(assignment=place, name="complete", actor=None, days=3)
    assert added.value.unmet == updated.value.unmet == completed.value.unmet == unmet
    assert challenge.assignments.count() == 3
    assert not challenge.events.exists()


def test_a_refused_team_step_in_the_admin_is_a_message_not_a_500(admin_client):
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    place = f.place(challenge, status=Assignment.Status.INVITED)  # respond-by still ahead
    url = reverse("admin:workflow_assignment_transition", args=[challenge.pk, place.pk, "expire"])

    response = admin_client.post(url, {})

    assert response.status_code == 200
    [message] = messages_of(response)
    assert message.startswith("Refused: the invitation is open until")
    assert Assignment.objects.get(pk=place.pk).status == Assignment.Status.INVITED
    assert not challenge.events.exists()


def test_a_team_place_without_a_declaration_is_refused_by_every_door(admin_client):
    """Accepting needs a declaration ("none" is one): the service, the API and the admin all
    get the model's rule."""
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    place = f.place(challenge, status=Assignment.Status.INVITED)
    message = "declare any interests in this council, or write “none”"

    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_transition(
            assignment=place, name="accept", actor=None, interests="   "
        )
    assert invalid.value.errors == {"interests": [message]}

    api = f.api_client(f.manager())
    response = api.post(
        f"/api/challenges/{challenge.pk}/team/{place.pk}/transitions/accept/",
        {"interests": ""},
        format="json",
    )
    assert (response.status_code, response.data) == (400, {"interests": [message]})

    url = reverse("admin:workflow_assignment_transition", args=[challenge.pk, place.pk, "accept"])
    page = admin_client.post(url, {"interests": " "})
    assert page.status_code == 200
    assert page.context["form"].errors == {"interests": ["Enter the declaration of interests"]}
    page = admin_client.post(url, {"interests": "none"})
    assert page.status_code == 302
    assert Assignment.objects.get(pk=place.pk).status == Assignment.Status.ACCEPTED


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


def test_re_pointing_an_enquiry_at_a_council_with_an_open_case_is_refused():
    theirs = f.PeerChallengeFactory(host=f.council("RUT"))
    ours = f.PeerChallengeFactory(host=f.council("ADU"))

    with pytest.raises(Refused) as refused:
        services.challenge_update(challenge=ours, actor=None, changes={"host": f.council("RUT")})

    assert theirs.reference in refused.value.unmet[0]
    assert PeerChallenge.objects.get(pk=ours.pk).host.code == "ADU"


def test_an_edit_from_a_form_built_before_another_change_is_a_lost_race():
    case = f.PeerChallengeFactory()
    seen = case.updated_at
    services.challenge_update(challenge=case, actor=None, changes={"leader_name": "Someone"})

    with pytest.raises(ConcurrentTransition):
        services.challenge_update(
            challenge=case, actor=None, changes={"leader_email": "new@adur.gov.uk"}, seen=seen
        )
    assert PeerChallenge.objects.get(pk=case.pk).leader_email == "leader@adur.example.gov.uk"
