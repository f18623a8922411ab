"""Team changes go through workflow.team_services: the confirm_team guard and the joining
instructions read these rows, so each change is on the case's timeline, from the API, the
admin's team tables or a command alike."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.errors import InvalidInput, Refused
from tests.workflow import factories as f
from workflow import team_services
from workflow.models import Assignment, CaseEvent, Peer, State

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2_june_2025")]

TODAY = datetime.date(2025, 6, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)


def add(case, actor, *, kind=Peer.Kind.OFFICER, role="officer", **kwargs) -> Assignment:
    return team_services.assignment_add(
        challenge=case, peer=f.PeerFactory(kind=kind), actor=actor, role=role, **kwargs
    )


# --- adding a peer ---------------------------------------------------------------------------


def test_adding_a_peer_invites_them_to_answer_within_two_weeks(case, actor):
    peer = f.PeerFactory(kind=Peer.Kind.MEMBER)

    place = team_services.assignment_add(
        challenge=case, peer=peer, actor=actor, role=Assignment.Role.LEAD_MEMBER
    )

    stored = Assignment.objects.get(pk=place.pk)
    assert (stored.status, stored.role) == (Assignment.Status.INVITED, "lead_member")
    assert (stored.invited_on, stored.respond_by) == (TODAY, TODAY + 14 * DAY)
    added, invited = case.events.order_by("pk")
    assert (added.action, added.actor, added.from_state, added.to_state) == (
        "workflow.assignment.added",
        actor,
        State.TEAM_ASSEMBLY,
        State.TEAM_ASSEMBLY,
    )
    assert added.data == {"assignment": place.pk, "peer": peer.pk, "role": "lead_member"}
    assert invited.action == "workflow.assignment.invited"
    assert invited.data == {
        "assignment": place.pk,
        "peer": peer.pk,
        "role": "lead_member",
        "from_status": "reserve",
    }


def test_a_peer_may_be_invited_with_their_own_respond_by_date(case, actor):
    place = add(case, actor, respond_by=TODAY + 5 * DAY)
    assert (place.status, place.respond_by) == (Assignment.Status.INVITED, TODAY + 5 * DAY)


def test_a_reserve_is_added_without_an_invitation(case, actor):
    place = add(case, actor, invite=False)

    assert Assignment.objects.get(pk=place.pk).status == Assignment.Status.RESERVE
    assert (place.invited_on, place.respond_by) == (None, None)
    assert list(case.events.values_list("action", flat=True)) == ["workflow.assignment.added"]


def test_a_respond_by_date_before_the_invitation_is_bad_input_and_nothing_is_written(case, actor):
    with pytest.raises(InvalidInput) as invalid:
        add(case, actor, respond_by=TODAY - DAY)

    assert invalid.value.errors == {
        "respond_by": ["must not be before the invitation (2 June 2025)"]
    }
    assert not case.assignments.exists()
    assert not case.events.exists()


@pytest.mark.parametrize(
    ("role", "kind", "message"),
    [
        ("lead_member", Peer.Kind.OFFICER, "a lead member peer is a councillor"),
        ("member", Peer.Kind.OFFICER, "a member peer is a councillor"),
        ("lead_officer", Peer.Kind.MEMBER, "an lead officer peer is a senior officer"),
        ("officer", Peer.Kind.MEMBER, "an officer peer is a senior officer"),
    ],
)
def test_a_role_must_fit_the_peer(case, actor, role, kind, message):
    with pytest.raises(InvalidInput) as invalid:
        add(case, actor, kind=kind, role=role)

    assert invalid.value.errors["role"][0].startswith(message)
    assert not case.assignments.exists()


@pytest.mark.parametrize("role", ["specialist", "shadow"])
@pytest.mark.parametrize("kind", [Peer.Kind.MEMBER, Peer.Kind.OFFICER])
def test_a_specialist_or_shadow_may_be_either_kind_of_peer(case, actor, role, kind):
    assert add(case, actor, kind=kind, role=role).role == role


def test_an_unknown_role_is_bad_input(case, actor):
    with pytest.raises(InvalidInput) as invalid:
        add(case, actor, role="captain")
    assert list(invalid.value.errors) == ["role"]


def test_a_peer_cannot_be_added_twice(case, actor):
    [place, *_] = f.full_team(case)

    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_add(
            challenge=case, peer=place.peer, actor=actor, role="officer", invite=False
        )

    assert invalid.value.errors == {
        "peer": [f"{place.peer} already has a place on this team (accepted)"]
    }
    assert case.assignments.count() == 4
    assert not case.events.exists()


def test_an_inactive_peer_cannot_be_invited(case, actor):
    peer = f.PeerFactory(is_active=False)

    with pytest.raises(Refused) as refused:
        team_services.assignment_add(challenge=case, peer=peer, actor=actor, role="officer")

    assert refused.value.unmet == [f"{peer} is no longer an active peer"]
    assert not case.assignments.exists()
    assert not case.events.exists()


def test_a_postponed_case_keeps_taking_peers(actor):
    case = f.PeerChallengeFactory(state=State.POSTPONED, postponed_from=State.TEAM_ASSEMBLY)
    assert add(case, actor).status == Assignment.Status.INVITED


# --- editing a place ---------------------------------------------------------------------------


def test_updating_a_place_records_only_what_changed(case, actor):
    place = add(case, actor)

    team_services.assignment_update(
        assignment=place,
        actor=actor,
        changes={
            "role": "specialist",
            "respond_by": TODAY + 20 * DAY,
            "override_reason": "",
        },
    )

    stored = Assignment.objects.get(pk=place.pk)
    assert (stored.role, stored.respond_by) == ("specialist", TODAY + 20 * DAY)
    event = case.events.order_by("pk").last()
    assert event.action == "workflow.assignment.updated"
    assert event.data == {
        "assignment": place.pk,
        "peer": place.peer_id,
        "role": "specialist",
        "respond_by": "2025-06-22",
    }


def test_an_update_that_changes_nothing_writes_no_event(case, actor):
    [place, *_] = f.full_team(case)

    team_services.assignment_update(assignment=place, actor=actor, changes={"role": place.role})

    assert not case.events.exists()


@pytest.mark.parametrize(
    ("status", "field", "value"),
    [
        (Assignment.Status.ACCEPTED, "respond_by", TODAY + 30 * DAY),
        (Assignment.Status.INVITED, "interests", "none"),
        (Assignment.Status.ACCEPTED, "days", 3),
        (Assignment.Status.DECLINED, "role", "specialist"),
    ],
)
def test_a_field_is_edited_only_in_the_statuses_it_belongs_to(case, actor, status, field, value):
    place = f.place(case, status=status)

    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_update(assignment=place, actor=actor, changes={field: value})

    label = Assignment.Status(status).label.lower()
    assert invalid.value.errors == {field: [f"cannot be changed while the place is {label}"]}
    assert not case.events.exists()


def test_days_logged_may_be_corrected_in_half_days(case, actor):
    place = f.place(case, status=Assignment.Status.COMPLETED)

    team_services.assignment_update(assignment=place, actor=actor, changes={"days": Decimal("4.5")})
    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_update(
            assignment=place, actor=actor, changes={"days": Decimal("4.3")}
        )

    assert invalid.value.errors == {"days": ["in whole or half days (e.g. 3.5)"]}
    assert float(Assignment.objects.get(pk=place.pk).days) == 4.5


def test_a_field_that_is_not_part_of_a_place_is_refused(case, actor):
    [place, *_] = f.full_team(case)

    with pytest.raises(InvalidInput) as refused:
        team_services.assignment_update(
            assignment=place, actor=actor, changes={"challenge": f.PeerChallengeFactory()}
        )

    assert list(refused.value.errors) == ["challenge"]
    assert not CaseEvent.objects.exists()


def test_a_bad_value_leaves_the_callers_row_as_stored(case, actor):
    [place, *_] = f.full_team(case)

    with pytest.raises(InvalidInput):
        team_services.assignment_update(assignment=place, actor=actor, changes={"role": "officer"})

    assert place.role == Assignment.objects.get(pk=place.pk).role == "lead_member"
    assert not case.events.exists()


# --- the admin's team tables -------------------------------------------------------------------


def change_url(challenge) -> str:
    return reverse("admin:workflow_peerchallenge_change", args=[challenge.pk])


def step_url(place, name: str) -> str:
    return reverse(
        "admin:workflow_assignment_transition", args=[place.challenge_id, place.pk, name]
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def inlines(page) -> dict:
    return {
        fs.formset.prefix: fs
        for fs in page.context["inline_admin_formsets"]
        if fs.opts.model is Assignment
    }


def test_admin_lists_the_team_read_only_with_each_places_steps(admin_client, case):
    [lead, *_] = f.full_team(case, size=3)
    invited = f.place(case, status=Assignment.Status.INVITED)

    page = admin_client.get(change_url(case))

    team, adding = inlines(page).values()
    assert (team.has_add_permission, team.has_change_permission) == (False, False)
    assert team.formset.can_delete is False
    assert "status" in team.readonly_fields
    assert adding.has_add_permission and not adding.formset.queryset.exists()
    html = page.content.decode()
    assert f'href="{step_url(lead, "withdraw")}"' in html
    assert f'href="{step_url(invited, "accept")}"' in html
    assert f'href="{step_url(invited, "expire")}"' in html  # with "(not ready)"


def test_admin_adds_peers_through_the_services(admin_client, admin_user, case):
    f.full_team(case, size=3)
    newcomer, reserve = f.PeerFactory(), f.PeerFactory()
    data = f.admin_form_data(admin_client.get(change_url(case)))
    data["assignments-2-TOTAL_FORMS"] = "2"
    data |= {
        "assignments-2-0-peer": str(newcomer.pk),
        "assignments-2-0-role": "officer",
        "assignments-2-0-start_as": "invited",
        "assignments-2-1-peer": str(reserve.pk),
        "assignments-2-1-role": "specialist",
        "assignments-2-1-start_as": "reserve",
    }

    response = admin_client.post(change_url(case), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    added = Assignment.objects.get(challenge=case, peer=newcomer)
    kept = Assignment.objects.get(challenge=case, peer=reserve)
    assert (added.status, kept.status) == (Assignment.Status.INVITED, Assignment.Status.RESERVE)
    assert list(case.events.order_by("pk").values_list("action", "actor")) == [
        ("workflow.assignment.added", admin_user.pk),
        ("workflow.assignment.invited", admin_user.pk),
        ("workflow.assignment.added", admin_user.pk),
    ]


def test_admin_add_that_the_rules_refuse_is_a_form_error_or_a_message(admin_client, case):
    f.full_team(case, size=3)
    data = f.admin_form_data(admin_client.get(change_url(case)))
    data["assignments-2-TOTAL_FORMS"] = "1"
    data |= {
        "assignments-2-0-peer": str(f.PeerFactory(kind=Peer.Kind.OFFICER).pk),
        "assignments-2-0-role": "lead_member",
        "assignments-2-0-start_as": "invited",
    }

    response = admin_client.post(change_url(case), data)

    assert response.status_code == 200  # the form again, with the model's words
    assert "is a councillor" in str(response.context["errors"])
    assert case.assignments.count() == 3
    assert not case.events.exists()


def test_admin_fires_a_places_step_through_the_service(admin_client, admin_user, case):
    place = f.place(case, status=Assignment.Status.INVITED)

    form = admin_client.get(step_url(place, "decline"))
    response = admin_client.post(
        step_url(place, "decline"), {"decline_reason": "dates", "decline_note": "On leave"}
    )

    assert set(form.context["form"].fields) == {"decline_reason", "decline_note"}
    assert f"{place.peer}&#x27;s place is <strong>invited</strong>" in form.content.decode()
    assert response.status_code == 302
    assert messages_of(response) == [f"{place.peer}'s place is now declined."]
    stored = Assignment.objects.get(pk=place.pk)
    assert (stored.status, stored.decline_reason, stored.decline_note) == (
        Assignment.Status.DECLINED,
        "dates",
        "On leave",
    )
    event = case.events.get()
    assert (event.action, event.actor) == ("workflow.assignment.declined", admin_user)


def test_admin_step_with_bad_input_shows_the_models_words(admin_client, case):
    place = f.place(case, status=Assignment.Status.ACCEPTED)
    case_onsite = f.PeerChallengeFactory(state=State.ONSITE, host=f.council("BIR"))
    on_site = f.place(case_onsite, status=Assignment.Status.ACCEPTED)

    refused = admin_client.post(step_url(place, "complete"), {"days": "3"})
    bad = admin_client.post(step_url(on_site, "complete"), {"days": "3.2"})

    assert messages_of(refused) == [
        "Refused: the onsite visit has not started (the case is team assembly)"
    ]
    assert bad.context["form"].errors == {"days": ["in whole or half days (e.g. 3.5)"]}
    assert not Assignment.objects.filter(status=Assignment.Status.COMPLETED).exists()


def test_admin_step_of_another_cases_place_or_unknown_step_is_404(admin_client, case):
    place = f.place(case)
    other = f.PeerChallengeFactory(host=f.council("BIR"))
    url = reverse("admin:workflow_assignment_transition", args=[other.pk, place.pk, "withdraw"])

    assert admin_client.get(url).status_code == 404
    assert admin_client.get(step_url(place, "promote")).status_code == 404


def test_a_programme_lead_sees_no_steps_and_cannot_take_one(client, case):
    place = f.place(case)
    lead = f.programme_lead(is_staff=True)
    client.force_login(lead)

    page = client.get(change_url(case))

    assert step_url(place, "withdraw") not in page.content.decode()
    assert client.post(step_url(place, "withdraw"), {}).status_code == 403
    assert Assignment.objects.get(pk=place.pk).status == Assignment.Status.ACCEPTED
