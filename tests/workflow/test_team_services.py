"""Team changes go through workflow.team_services: the confirm_team guard and the joining
instructions read these rows, so each change is on the case's timeline, from the API's
services or from the admin's team inline alike."""

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from tests.workflow import factories as f
from workflow import team_services
from workflow.models import Assignment, CaseEvent, Peer, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return f.manager()


def test_adding_a_peer_invites_them_and_records_it(actor):
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    peer = f.PeerFactory(kind=Peer.Kind.MEMBER)

    assignment = team_services.assignment_add(
        challenge=challenge, peer=peer, actor=actor, is_lead=True
    )

    assert (assignment.status, assignment.is_lead) == (Assignment.Status.INVITED, True)
    event = challenge.events.get()
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "workflow.assignment.added",
        actor,
        State.TEAM_ASSEMBLY,
        State.TEAM_ASSEMBLY,
    )
    assert event.data == {"assignment": assignment.pk, "peer": peer.pk, "is_lead": True}


def test_updating_a_place_records_only_what_changed(actor):
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    assignment = team_services.assignment_add(
        challenge=challenge, peer=f.PeerFactory(), actor=actor
    )
    changes = {"status": Assignment.Status.ACCEPTED, "is_lead": False, "interests_declared": True}

    team_services.assignment_update(assignment=assignment, actor=actor, changes=changes)

    stored = Assignment.objects.get(pk=assignment.pk)
    assert (stored.status, stored.interests_declared) == (Assignment.Status.ACCEPTED, True)
    event = challenge.events.order_by("pk").last()
    assert event.action == "workflow.assignment.updated"
    assert event.data == {
        "assignment": assignment.pk,
        "status": "accepted",
        "interests_declared": True,
    }


def test_an_update_that_changes_nothing_writes_no_event(actor):
    challenge = f.PeerChallengeFactory()
    [assignment, *_] = f.full_team(challenge)

    team_services.assignment_update(assignment=assignment, actor=actor, changes={"is_lead": True})

    assert not challenge.events.exists()


def test_a_field_that_is_not_part_of_a_place_is_refused(actor):
    challenge = f.PeerChallengeFactory()
    [assignment, *_] = f.full_team(challenge)

    with pytest.raises(InvalidInput) as refused:
        team_services.assignment_update(
            assignment=assignment, actor=actor, changes={"challenge": f.PeerChallengeFactory()}
        )

    assert list(refused.value.errors) == ["challenge"]
    assert not CaseEvent.objects.exists()


def test_a_peer_cannot_be_added_twice(actor):
    challenge = f.PeerChallengeFactory()
    [assignment, *_] = f.full_team(challenge)

    with pytest.raises(InvalidInput):
        team_services.assignment_add(challenge=challenge, peer=assignment.peer, actor=actor)

    assert challenge.assignments.count() == 4
    assert not challenge.events.exists()


def test_a_bad_value_leaves_the_callers_row_as_stored(actor):
    challenge = f.PeerChallengeFactory()
    [assignment, *_] = f.full_team(challenge)

    with pytest.raises(InvalidInput):
        team_services.assignment_update(
            assignment=assignment, actor=actor, changes={"status": "promoted"}
        )

    assert assignment.status == Assignment.Status.ACCEPTED
    assert not challenge.events.exists()


# --- the admin's team inline -------------------------------------------------------------


def change_url(challenge) -> str:
    return reverse("admin:workflow_peerchallenge_change", args=[challenge.pk])


def test_admin_team_inline_saves_through_the_services(admin_client, admin_user):
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    f.full_team(challenge, size=3)
    newcomer = f.PeerFactory()
    data = f.admin_form_data(admin_client.get(change_url(challenge)))
    data["assignments-0-conflict_unresolved"] = "on"
    data["assignments-TOTAL_FORMS"] = "4"
    data.update({"assignments-3-peer": str(newcomer.pk), "assignments-3-status": "invited"})

    response = admin_client.post(change_url(challenge), data)

    assert response.status_code == 302, response.context["errors"]
    events = list(challenge.events.order_by("pk").values_list("action", "data", "actor"))
    added = Assignment.objects.get(challenge=challenge, peer=newcomer)
    updated = challenge.assignments.get(conflict_unresolved=True)
    assert events == [
        ("workflow.assignment.updated", {"assignment": updated.pk, "conflict_unresolved": True},
         admin_user.pk),
        ("workflow.assignment.added", {"assignment": added.pk, "peer": newcomer.pk,
                                       "is_lead": False}, admin_user.pk),
    ]  # fmt: skip


def test_admin_team_inline_offers_no_deletion(admin_client):
    challenge = f.PeerChallengeFactory()
    f.full_team(challenge)

    response = admin_client.get(change_url(challenge))

    [team] = [fs for fs in response.context["inline_admin_formsets"] if fs.opts.model is Assignment]
    assert team.formset.can_delete is False


def test_case_page_links_to_the_emails_about_the_case(admin_client):
    challenge = f.PeerChallengeFactory()

    response = admin_client.get(change_url(challenge))

    link = reverse("admin:notifications_notification_changelist")
    link += f"?challenge__id__exact={challenge.pk}"
    assert f'<a href="{link}">Emails about this case</a>' in response.content.decode()
    assert admin_client.get(link).status_code == 200
