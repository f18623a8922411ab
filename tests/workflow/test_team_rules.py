"""A team place's rules live in the model (workflow/models/team_rules.py, run by clean()), so
the services, the API and the admin all get them (tests/workflow/test_rules_everywhere.py,
test_api_team.py, test_team_services.py); those the database can say are constraints too, so
a writer that skips clean() cannot store a place that breaks them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.workflow import factories as f
from workflow.models import Assignment, Peer, State

pytestmark = pytest.mark.django_db

Status = Assignment.Status
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.ONSITE)


def problems(place: Assignment) -> dict[str, list[str]]:
    try:
        place.clean()
    except ValidationError as invalid:
        return invalid.message_dict
    return {}


def unsaved(case, **fields) -> Assignment:
    peer = fields.pop("peer", None) or f.PeerFactory()
    return Assignment(challenge=case, peer=peer, role=fields.pop("role", "officer"), **fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": Status.RESERVE}, {}),
        ({"status": Status.INVITED}, {"respond_by": ["an invitation needs a date to respond by"]}),
        (
            {"status": Status.INVITED, "invited_on": TODAY, "respond_by": TODAY - DAY},
            {"respond_by": [f"must not be before the invitation ({TODAY:%-d %B %Y})"]},
        ),
        (
            {"status": Status.ACCEPTED, "interests": " \n "},
            {"interests": ["declare any interests in this council, or write “none”"]},
        ),
        ({"status": Status.ACCEPTED, "interests": "none"}, {}),
        (
            {"status": Status.COMPLETED, "interests": "none"},
            {"days": ["give the days the peer spent on the challenge"]},
        ),
        (
            {"status": Status.RESERVE, "days": Decimal(2)},
            {"days": ["days are logged when an accepted place is completed"]},
        ),
        (
            {"status": Status.ACCEPTED, "interests": "none", "decline_reason": "dates"},
            {"decline_reason": ["only an invitation that is declined has a reason for declining"]},
        ),
        ({"status": Status.DECLINED, "decline_reason": "dates", "decline_note": "Away"}, {}),
    ],
)
def test_the_models_rules_in_words(case, fields, expected):
    assert problems(unsaved(case, **fields)) == expected


@pytest.mark.parametrize(
    ("role", "kind", "ok"),
    [
        ("lead_member", Peer.Kind.MEMBER, True),
        ("lead_member", Peer.Kind.OFFICER, False),
        ("member", Peer.Kind.OFFICER, False),
        ("lead_officer", Peer.Kind.OFFICER, True),
        ("officer", Peer.Kind.MEMBER, False),
        ("specialist", Peer.Kind.MEMBER, True),
        ("shadow", Peer.Kind.OFFICER, True),
    ],
)
def test_a_role_fits_the_kind_of_peer(case, role, kind, ok):
    place = unsaved(case, role=role, peer=f.PeerFactory(kind=kind))
    assert ("role" not in problems(place)) is ok


# --- the database holds the same rules for any writer ----------------------------------------


def assert_refused_by_the_database(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "promoted"},
        {"role": "captain"},
        {"status": Status.INVITED, "respond_by": None, "invited_on": None},
        {"status": Status.ACCEPTED, "interests": ""},
        {"status": Status.ACCEPTED, "interests": "   "},
        {"status": Status.COMPLETED, "days": None},
        {"status": Status.ACCEPTED, "days": Decimal("2")},
        {"status": Status.COMPLETED, "days": Decimal("2.3")},
        {"status": Status.COMPLETED, "days": Decimal("0")},
        {"status": Status.COMPLETED, "days": Decimal("31.5")},
        {"status": Status.INVITED, "invited_on": TODAY, "respond_by": TODAY - DAY},
    ],
    ids=str,
)
def test_the_database_refuses_a_place_that_breaks_a_rule(case, fields):
    assert_refused_by_the_database(lambda: f.place(case, **fields))
    place = f.place(case)
    update = {"status": Status.ACCEPTED, "interests": "none", **fields}
    assert_refused_by_the_database(lambda: Assignment.objects.filter(pk=place.pk).update(**update))


@pytest.mark.parametrize("days", [Decimal("0.5"), Decimal("3.5"), Decimal("31")])
def test_the_database_takes_half_days_up_to_a_month(case, days):
    assert f.place(case, status=Status.COMPLETED, days=days).days == days


def test_one_place_per_peer_per_case(case):
    place = f.place(case)
    assert_refused_by_the_database(lambda: f.place(case, peer=place.peer))
