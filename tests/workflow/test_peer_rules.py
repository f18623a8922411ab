"""The peer pool's rules live in the models (clean + constraints), so every door gets them:
the model itself, the admin's forms (the peer and its inlines), the import (tested per row in
test_peer_import.py, its API upload in test_peer_api.py), and the database for any other writer.
Also: the admin permissions of the new models follow the roles, and migration 0008 moves
existing peers into the new shape."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.workflow import factories as f
from workflow import roles
from workflow.models import Peer, PeerFormerCouncil, Specialism

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def problems(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as invalid:
        obj.full_clean()
    return invalid.value.message_dict


# --- the model ---------------------------------------------------------------------------------


def test_a_member_peer_needs_a_political_group_and_no_officer_role():
    peer = f.PeerFactory.build(
        kind=Peer.Kind.MEMBER, political_group="", officer_role=Peer.OfficerRole.CHIEF_EXECUTIVE
    )

    assert problems(peer) | {"__all__": []} == {
        "political_group": ["a member peer is a councillor: give their political group"],
        "officer_role": ["only officer peers have an officer role"],
        "__all__": [],
    }


def test_an_officer_peer_needs_a_role_and_no_political_group():
    peer = f.PeerFactory.build(officer_role="", political_group=Peer.PoliticalGroup.LABOUR)

    found = problems(peer)

    assert found["officer_role"] == ["an officer peer has a role (chief executive, director...)"]
    assert found["political_group"] == ["officer peers are politically restricted: leave it blank"]


def test_an_other_officer_role_needs_a_job_title():
    peer = f.PeerFactory.build(officer_role=Peer.OfficerRole.OTHER, job_title="  ")

    assert problems(peer)["job_title"] == ["give the job title of an officer whose role is “other”"]
    peer.job_title = "Head of Policy"
    peer.full_clean()


def test_a_home_council_that_was_abolished_says_which_replaced_it():
    peer = f.PeerFactory.build(council=f.council("ALL"))

    assert problems(peer)["council"] == [
        "Allerdale was replaced by Cumberland on 1 April 2023: choose the council the peer "
        "serves now and record Allerdale as a former council"
    ]


def test_accreditation_is_not_in_the_future_and_days_are_bounded():
    peer = f.PeerFactory.build(
        accredited_on=TODAY + datetime.timedelta(days=1), max_days_per_year=0
    )

    found = problems(peer)

    assert found["accredited_on"] == ["cannot be in the future"]
    assert "max_days_per_year" in found


def test_emails_are_unique_in_any_case():
    f.PeerFactory(email="jane@example.org")

    assert "__all__" in problems(f.PeerFactory.build(email="JANE@example.org"))


def test_a_former_council_is_not_the_home_council_and_was_left_in_the_past():
    peer = f.PeerFactory(council=f.council("ADU"))
    home = PeerFormerCouncil(peer=peer, council=f.council("ADU"), until=datetime.date(2020, 1, 1))
    future = PeerFormerCouncil(
        peer=peer, council=f.council("SFK"), until=TODAY.replace(year=TODAY.year + 1)
    )
    after_abolition = PeerFormerCouncil(
        peer=peer, council=f.council("ALL"), until=datetime.date(2023, 6, 1)
    )

    assert problems(home)["council"] == ["Adur is the peer's home council, not a former one"]
    assert problems(future)["until"] == [
        "cannot be in the future: a council the peer still serves is home"
    ]
    assert problems(after_abolition)["until"] == ["Allerdale ceased to exist on 1 April 2023"]


def test_region_comes_from_the_home_council():
    assert f.PeerFactory.build(council=f.council("ADU")).region == "South East"
    assert f.PeerFactory.build(council=None).region == ""


# --- the database, for any other writer ---------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"political_group": Peer.PoliticalGroup.LABOUR},  # an officer with a group
        {"officer_role": ""},  # an officer without a role
        {"officer_role": Peer.OfficerRole.OTHER, "job_title": ""},
        {"max_days_per_year": 0},
        {"max_days_per_year": 251},
    ],
)
def test_the_database_refuses_a_peer_breaking_a_rule(change):
    peer = f.PeerFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Peer.objects.filter(pk=peer.pk).update(**change)


def test_the_database_refuses_the_same_email_in_another_case():
    f.PeerFactory(email="jane@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        Peer.objects.bulk_create([f.PeerFactory.build(email="Jane@Example.org")])


# --- the admin -----------------------------------------------------------------------------------


def add_form(**overrides) -> dict:
    data = {
        "name": "Cllr Jane Smith",
        "email": "jane@example.org",
        "kind": Peer.Kind.MEMBER,
        "council": f.council("IPS").pk,
        "political_group": Peer.PoliticalGroup.LABOUR,
        "officer_role": "",
        "job_title": "",
        "max_days_per_year": 20,
        "is_active": "on",
        "specialisms": [Specialism.objects.get(slug="finance").pk],
        "former_councils-TOTAL_FORMS": 0,
        "former_councils-INITIAL_FORMS": 0,
        "interests-TOTAL_FORMS": 0,
        "interests-INITIAL_FORMS": 0,
    }
    return data | overrides


ADD = reverse("admin:workflow_peer_add")


def test_the_admin_adds_a_peer_with_former_councils_and_interests(admin_client):
    data = add_form(
        **{
            "former_councils-TOTAL_FORMS": 1,
            "former_councils-0-council": f.council("ALL").pk,
            "former_councils-0-until": "2023-03-31",
            "interests-TOTAL_FORMS": 1,
            "interests-0-council": f.council("SFK").pk,
            "interests-0-note": "a relative",
        }
    )

    response = admin_client.post(ADD, data)

    assert response.status_code == 302, response.context["errors"]
    peer = Peer.objects.get(email="jane@example.org")
    assert [x.council.code for x in peer.former_councils.all()] == ["ALL"]
    assert [(i.council.code, i.note) for i in peer.interests.all()] == [("SFK", "a relative")]
    assert list(peer.specialisms.values_list("slug", flat=True)) == ["finance"]


def test_the_admin_refuses_a_member_peer_without_a_group(admin_client):
    response = admin_client.post(ADD, add_form(political_group=""))

    assert response.status_code == 200
    assert "a member peer is a councillor: give their political group" in str(
        response.context["errors"]
    )
    assert not Peer.objects.exists()


def test_the_admin_refuses_the_home_council_as_a_former_one(admin_client):
    data = add_form(
        **{
            "former_councils-TOTAL_FORMS": 1,
            "former_councils-0-council": f.council("IPS").pk,
            "former_councils-0-until": "2020-03-31",
        }
    )

    response = admin_client.post(ADD, data)

    assert response.status_code == 200
    assert "Ipswich is the peer&#x27;s home council, not a former one" in response.content.decode()
    assert not Peer.objects.exists()


def test_the_admin_lists_peers_with_their_region_and_filters(admin_client):
    f.PeerFactory(council=f.council("ADU"))

    response = admin_client.get(
        reverse("admin:workflow_peer_changelist") + "?council__region=South+East&kind=officer"
    )

    assert response.status_code == 200
    assert "South East" in response.content.decode()
    assert admin_client.get(reverse("admin:workflow_specialism_changelist")).status_code == 200


@pytest.mark.parametrize(
    ("role", "may_change_peer", "may_change_former", "may_change_specialism", "may_view"),
    [
        (roles.MANAGER, True, True, False, True),
        (roles.PROGRAMME_LEAD, False, False, False, True),
        (roles.ADMIN, True, True, True, True),
        (roles.PEER, False, False, False, False),
    ],
)
def test_admin_permissions_of_the_pool_follow_the_role(
    role, may_change_peer, may_change_former, may_change_specialism, may_view
):
    user = f.UserFactory(role=role)

    assert user.has_perm("workflow.change_peer") is may_change_peer
    assert user.has_perm("workflow.change_peerformercouncil") is may_change_former
    assert user.has_perm("workflow.delete_declaredinterest") is may_change_former
    assert user.has_perm("workflow.change_specialism") is may_change_specialism
    assert user.has_perm("workflow.view_specialism") is may_view


# --- migration 0008: existing peers into the new shape ------------------------------------------


def slugs(peer) -> list[str]:
    return sorted(peer.specialisms.values_list("slug", flat=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_peers_move_into_the_new_shape():
    executor = MigrationExecutor(connection)
    before, after = [("workflow", "0006_case_rules")], [("workflow", "0009_peer_pool_rules")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldPeer, Council = old.get_model("workflow", "Peer"), old.get_model("workflow", "Council")
    bir = Council.objects.get(code="BIR")
    for email, kind, group, job_title, specialisms in [
        ("a@x.org", "member", "Lib Dem", "", ["finance", "Adult social care", "Knitting"]),
        ("b@x.org", "officer", "", "Director of Finance", ["economic growth"]),
        ("c@x.org", "officer", "", "Head of Policy", []),
        ("d@x.org", "officer", "", "", []),
        ("e@x.org", "member", "", "", []),
    ]:
        OldPeer.objects.create(
            name=email, email=email, kind=kind, council=bir, political_group=group,
            job_title=job_title, specialisms=specialisms,
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("workflow", "Peer")
    moved = {
        p.email: (p.political_group, p.officer_role, p.job_title, slugs(p))
        for p in new.objects.all()
    }

    assert moved == {
        "a@x.org": ("liberal_democrat", "", "", ["adult-social-care", "finance", "knitting"]),
        "b@x.org": ("", "director_of_finance", "", ["economic-growth"]),
        "c@x.org": ("", "other", "Head of Policy", []),
        "d@x.org": ("", "other", "Not recorded", []),
        "e@x.org": ("other", "", "", []),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
