"""The admin: pages load, the state is read-only, edits and transitions go through the
services (so they land on the case's timeline), and a refusal is a message, not a 500."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.workflow import factories as f
from workflow import services
from workflow.models import CaseEvent, ChallengeType, Council, Peer, PeerChallenge, State

pytestmark = pytest.mark.django_db

MODELS = [Council, ChallengeType, Peer, PeerChallenge, CaseEvent]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:workflow_{model._meta.model_name}_{view}", args=args)


def transition_url(challenge, name: str) -> str:
    return reverse("admin:workflow_peerchallenge_transition", args=[challenge.pk, name])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def challenge():
    challenge = f.PeerChallengeFactory()
    f.full_team(challenge)
    return challenge


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_loads_for_a_superuser(admin_client, model, challenge):
    f.PeerFactory()
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200


def test_change_pages_load_for_a_superuser(admin_client, challenge, admin_user):
    services.challenge_transition(name="book", challenge=challenge, actor=admin_user)
    objects = [
        f.council("ADU"),
        f.challenge_type(),
        challenge.assignments.first().peer,
        challenge,
        challenge.events.get(),
    ]
    for obj in objects:
        response = admin_client.get(url(type(obj), "change", obj.pk))
        assert response.status_code == 200, type(obj).__name__


def test_council_search_and_filters_work(admin_client):
    response = admin_client.get(url(Council, "changelist"), {"q": "Adur", "nation": "England"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset.values_list("code", flat=True)) == ["ADU"]


def test_case_page_offers_the_transitions_from_its_state(admin_client, challenge):
    response = admin_client.get(url(PeerChallenge, "change", challenge.pk))
    names = [t["name"] for t in response.context["transitions"]]
    assert names == ["book", "postpone", "withdraw"]
    assert transition_url(challenge, "book") in response.content.decode()


def test_state_is_read_only_on_the_case_page(admin_client, challenge):
    response = admin_client.get(url(PeerChallenge, "change", challenge.pk))
    assert "state" not in response.context["adminform"].form.fields
    assert "host" in response.context["adminform"].form.fields  # still an enquiry


def test_firing_a_transition_from_admin_goes_through_the_service(
    admin_client, admin_user, challenge
):
    response = admin_client.post(transition_url(challenge, "book"))

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.state == State.BOOKED
    event = challenge.events.get()
    assert (event.action, event.actor) == ("workflow.challenge.booked", admin_user)
    assert messages_of(response) == [f"{challenge.reference} is now booked."]


def test_transition_form_passes_its_inputs_to_the_service(admin_client, challenge):
    PeerChallenge.objects.filter(pk=challenge.pk).update(state=State.BOOKED)
    response = admin_client.post(
        transition_url(challenge, "start_team_assembly"),
        {
            "scope_components": [c["code"] for c in challenge.challenge_type.mandatory_components],
            "local_objectives": "Housing delivery\n\n  Financial resilience  ",
        },
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.state == State.TEAM_ASSEMBLY
    assert challenge.local_objectives == ["Housing delivery", "Financial resilience"]


def test_refused_transition_shows_what_is_unmet(admin_client, challenge):
    PeerChallenge.objects.filter(pk=challenge.pk).update(leader_name="", onsite_start=None)

    response = admin_client.post(transition_url(challenge, "book"))

    assert response.status_code == 200
    assert messages_of(response) == [
        "Refused: onsite dates not set; leader contact missing (name and email)"
    ]
    assert "leader contact missing (name and email)" in response.content.decode()
    assert PeerChallenge.objects.get(pk=challenge.pk).state == State.ENQUIRY
    assert not challenge.events.exists()


def test_transition_from_the_wrong_state_is_a_message(admin_client, challenge):
    response = admin_client.post(transition_url(challenge, "close"), {"reason": "Done"})
    assert response.status_code == 200
    assert messages_of(response) == ["Refused: cannot close while the case is enquiry"]


def test_reason_is_a_form_error_before_the_service_is_called(admin_client, challenge):
    response = admin_client.post(transition_url(challenge, "withdraw"), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Enter the reason"]}
    assert not challenge.events.exists()


def test_unknown_transition_is_404(admin_client, challenge):
    assert admin_client.get(transition_url(challenge, "teleport")).status_code == 404
    assert admin_client.get(transition_url(challenge, "book")).status_code == 200


def test_staff_without_a_manager_role_cannot_fire_transitions(client, challenge):
    staff = f.UserFactory(is_staff=True, is_superuser=False)
    staff.user_permissions.add(*_change_permission(PeerChallenge))
    client.force_login(staff)
    assert client.post(transition_url(challenge, "book")).status_code == 403
    assert PeerChallenge.objects.get(pk=challenge.pk).state == State.ENQUIRY


def _change_permission(model):
    return Permission.objects.filter(
        content_type__app_label="workflow", codename=f"change_{model._meta.model_name}"
    )


def test_editing_a_case_in_admin_writes_an_updated_event(admin_client, admin_user, challenge):
    page = admin_client.get(url(PeerChallenge, "change", challenge.pk))
    data = f.admin_form_data(page)
    data["leader_name"] = "Lesley Leader"

    response = admin_client.post(url(PeerChallenge, "change", challenge.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = challenge.events.get()
    assert (event.action, event.actor, event.data) == (
        "workflow.challenge.updated",
        admin_user,
        {"leader_name": "Lesley Leader"},
    )


def test_adding_a_case_in_admin_goes_through_challenge_create(admin_client):
    data = {
        "host": f.council("SAL").pk,
        "challenge_type": f.challenge_type().pk,
        "onsite_start": "2026-10-06",
        "onsite_end": "2026-10-09",
        "scope_components": "[]",
        "local_objectives": "[]",
    }
    response = admin_client.post(url(PeerChallenge, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    challenge = PeerChallenge.objects.get(host__code="SAL")
    assert challenge.onsite_start == datetime.date(2026, 10, 6)
    assert challenge.events.get().action == "workflow.challenge.created"


def test_case_events_cannot_be_added_changed_or_deleted_in_admin(admin_client, admin_user):
    challenge = f.PeerChallengeFactory()
    services.challenge_transition(name="book", challenge=challenge, actor=admin_user)
    event = challenge.events.get()

    assert admin_client.get(url(CaseEvent, "add")).status_code == 403
    assert admin_client.post(url(CaseEvent, "change", event.pk), {"reason": "x"}).status_code == 403
    assert admin_client.post(url(CaseEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert CaseEvent.objects.get(pk=event.pk).reason == ""
