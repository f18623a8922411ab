"""Conflicts on real register rows through every team write (issue 8): a hard conflict keeps a
peer off the team, as a reserve or invited, in words (409); a soft one needs the manager's
override reason (400 naming the conflicts), recorded with who gave it and when and shown on the
timeline; `confirm_team` lists both; conflicts are read on the onsite start, else today."""

import datetime

import pytest
import time_machine

from core.errors import InvalidInput, Refused
from tests.workflow import factories as f
from tests.workflow.test_conflicts import peer_from
from workflow import selectors, services, team_services
from workflow.models import Assignment, DeclaredInterest, Peer, State
from workflow.timeline import timeline

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
REASON = "Knows the combined authority's work from the inside"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def case_at(code: str, **fields):
    fields.setdefault("state", State.TEAM_ASSEMBLY)
    return f.PeerChallengeFactory(host=f.council(code), **fields)


def add(case, peer, actor, **kwargs) -> Assignment:
    return team_services.assignment_add(
        challenge=case, peer=peer, actor=actor, role=kwargs.pop("role", "officer"), **kwargs
    )


# --- hard: refused as a reserve and as an invitation --------------------------------------------


@pytest.mark.parametrize("invite", [True, False])
def test_a_district_of_the_host_county_cannot_be_put_on_its_team(actor, invite):
    case = case_at("SFK")
    ida = peer_from("IPS")

    with pytest.raises(Refused) as refused:
        add(case, ida, actor, invite=invite)

    assert refused.value.unmet == [
        f"{ida} cannot serve: Ipswich (the peer's home council) is a district of Suffolk, the host"
    ]
    assert not case.assignments.exists() and not case.events.exists()


def test_a_unitary_that_replaced_a_former_county_refuses_the_invitation_of_a_reserve(
    actor, settings
):
    """Added as a reserve while Buckinghamshire County Council (left in 2020) was outside the
    window; by the invitation the programme counts ten years: Buckinghamshire replaced it."""
    case = case_at("BUC")
    peer = peer_from("HRT", former={"BKM": datetime.date(2020, 3, 31)})
    reserve = add(case, peer, actor, invite=False)
    settings.PEER_FORMER_COUNCIL_YEARS = 10

    with pytest.raises(Refused) as refused:
        team_services.assignment_transition(assignment=reserve, name="invite", actor=actor)

    [words] = refused.value.unmet
    assert words == (
        f"{peer} cannot serve: Buckinghamshire, the host, replaced Buckinghamshire County "
        "(the peer's council until 31 March 2020)"
    )
    reserve.refresh_from_db()
    assert reserve.status == Assignment.Status.RESERVE


def test_the_invite_step_lists_hard_conflicts_as_unmet(actor):
    case = case_at("SFK")
    reserve = f.place(case, peer=peer_from("IPS"), status=Assignment.Status.RESERVE)

    [invite] = [
        t for t in team_services.available_team_transitions(reserve, actor) if t["name"] == "invite"
    ]

    assert not invite["ready"]
    assert "is a district of Suffolk, the host" in invite["unmet"][0]


# --- soft: the manager's reason ------------------------------------------------------------------


def test_a_combined_authority_peer_needs_a_reason_naming_the_conflicts(actor):
    case = case_at("BIR")
    cov = peer_from("COV")

    with pytest.raises(InvalidInput) as invalid:
        add(case, cov, actor)

    [message] = invalid.value.errors["override_reason"]
    assert message.startswith(f"{cov} has soft conflicts with the host (Birmingham, the host,")
    assert "both in West Midlands Combined Authority" in message
    assert "both in the West Midlands region" in message
    assert not case.assignments.exists() and not case.events.exists()


def test_the_reason_is_recorded_with_who_and_when_and_shown_on_the_timeline(actor):
    case = case_at("BIR")
    cov = peer_from("COV")

    place = add(case, cov, actor, override_reason=REASON)

    place.refresh_from_db()
    assert (place.status, place.override_reason) == (Assignment.Status.INVITED, REASON)
    assert (place.overridden_by, place.overridden_at) == (actor, NOW)
    added, invited = case.events.order_by("pk")
    for event in (added, invited):
        assert event.data["override_reason"] == REASON
        assert len(event.data["soft_conflicts"]) == 2
    entry = timeline(case)[0]
    assert ("Reason for overriding the conflict", REASON) in [
        (label, value) for label, value in entry.details
    ]
    [overridden] = [v for label, v in entry.details if label == "Soft conflicts overridden"]
    assert "both in West Midlands Combined Authority; " in overridden


def test_a_reserve_carries_its_reason_to_the_invitation(actor):
    case = case_at("BIR")
    reserve = add(case, peer_from("COV"), actor, invite=False, override_reason=REASON)

    team_services.assignment_transition(assignment=reserve, name="invite", actor=None)

    assert reserve.status == Assignment.Status.INVITED
    assert case.events.order_by("pk").last().data["override_reason"] == REASON


def test_a_conflict_that_arose_since_needs_its_reason_with_the_invitation(actor):
    case = case_at("ADU")
    peer = peer_from("BIR")
    reserve = add(case, peer, actor, invite=False)
    DeclaredInterest.objects.create(peer=peer, council=case.host, note="my sister works there")

    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_transition(assignment=reserve, name="invite", actor=actor)
    assert "declared an interest in Adur, the host: my sister works there" in str(
        invalid.value.errors["override_reason"]
    )
    reserve.refresh_from_db()
    assert reserve.status == Assignment.Status.RESERVE

    team_services.assignment_transition(
        assignment=reserve, name="invite", actor=actor, override_reason="Unrelated service"
    )
    reserve.refresh_from_db()
    assert (reserve.status, reserve.override_reason, reserve.overridden_by) == (
        Assignment.Status.INVITED,
        "Unrelated service",
        actor,
    )


def test_the_reason_is_edited_while_open_and_not_cleared_while_a_conflict_needs_it(actor):
    case = case_at("BIR")
    place = add(case, peer_from("COV"), actor, override_reason=REASON)
    other = f.manager()

    team_services.assignment_update(
        assignment=place, actor=other, changes={"override_reason": "A better reason"}
    )
    place.refresh_from_db()
    assert (place.override_reason, place.overridden_by) == ("A better reason", other)

    with pytest.raises(InvalidInput) as invalid:
        team_services.assignment_update(
            assignment=place, actor=actor, changes={"override_reason": ""}
        )
    assert set(invalid.value.errors) == {"override_reason"}
    place.refresh_from_db()
    assert place.override_reason == "A better reason"


def test_the_api_takes_the_reason_when_adding_and_when_inviting(actor):
    case = case_at("BIR")
    api = f.api_client(actor)
    cov = peer_from("COV")
    url = f"/api/challenges/{case.pk}/team/"

    missing = api.post(url, {"peer": cov.pk, "role": "officer"}, format="json")
    assert missing.status_code == 400
    assert "override_reason" in missing.data

    added = api.post(
        url, {"peer": cov.pk, "role": "officer", "override_reason": REASON}, format="json"
    )
    assert added.status_code == 201, added.data
    assert (added.data["override_reason"], added.data["overridden_by"]) == (REASON, actor.pk)

    wmca = peer_from("WMCA")
    reserve = add(case, wmca, actor, invite=False, override_reason="x")
    Assignment.objects.filter(pk=reserve.pk).update(override_reason="")
    invite = f"{url}{reserve.pk}/transitions/invite/"
    assert api.post(invite, {}, format="json").status_code == 400
    done = api.post(invite, {"override_reason": REASON}, format="json")
    assert done.status_code == 200, done.data
    assert done.data["status"] == "invited"


def test_api_refuses_a_hard_conflict_with_its_words(actor):
    case = case_at("SFK")
    response = f.api_client(actor).post(
        f"/api/challenges/{case.pk}/team/",
        {"peer": peer_from("IPS").pk, "role": "officer"},
        format="json",
    )
    assert response.status_code == 409
    assert "is a district of Suffolk, the host" in str(response.data)


# --- which day ----------------------------------------------------------------------------------


def test_conflicts_are_read_on_the_onsite_start_else_today(actor):
    """Left Ipswich on 2 May 2021: within five years of today (1 May 2026), not of a visit
    starting on 6 July 2026."""
    peer = peer_from("BIR", former={"IPS": datetime.date(2021, 5, 2)})
    undated = case_at("IPS", state=State.ENQUIRY, onsite_start=None, onsite_end=None)
    with pytest.raises(Refused) as refused:
        add(undated, peer, actor)
    assert "the peer's council until 2 May 2021" in refused.value.unmet[0]

    visit = datetime.date(2026, 7, 6)
    dated = case_at("IPS", onsite_start=visit, onsite_end=visit + 3 * DAY)
    assert add(dated, peer, actor).status == Assignment.Status.INVITED


# --- confirming the team ------------------------------------------------------------------------


def ready_team(code: str):
    case = f.scoped(case_at(code))
    return case, f.full_team(case)


def test_confirm_team_names_a_hard_conflict_and_a_soft_one_without_a_reason(actor):
    case, team = ready_team("SFK")
    Peer.objects.filter(pk=team[2].peer_id).update(council=f.council("IPS"))
    DeclaredInterest.objects.create(peer=team[3].peer, council=case.host)
    DeclaredInterest.objects.create(peer=team[1].peer, council=case.host)
    Assignment.objects.filter(pk=team[1].pk).update(override_reason=REASON)

    with pytest.raises(Refused) as refused:
        services.challenge_transition(name="confirm_team", challenge=case, actor=actor)

    assert refused.value.unmet == [
        f"{team[2].peer} cannot serve: Ipswich (the peer's home council) is a district of "
        "Suffolk, the host",
        f"the override for {team[3].peer}'s soft conflict has no reason",
    ]


def test_confirm_team_goes_ahead_when_every_soft_conflict_has_a_reason(actor):
    case, team = ready_team("ADU")
    DeclaredInterest.objects.create(peer=team[0].peer, council=case.host)
    Assignment.objects.filter(pk=team[0].pk).update(override_reason=REASON)

    services.challenge_transition(name="confirm_team", challenge=case, actor=actor)

    assert case.state == State.PREPARATION


def test_team_balance_counts_accepted_member_peers_by_group(actor):
    case = case_at("ADU")
    for group, status in [
        ("labour", Assignment.Status.ACCEPTED),
        ("conservative", Assignment.Status.ACCEPTED),
        ("labour", Assignment.Status.ACCEPTED),
        ("green", Assignment.Status.INVITED),  # not yet on the team
    ]:
        peer = f.PeerFactory(kind=Peer.Kind.MEMBER, political_group=group)
        f.place(case, role="member", peer=peer, status=status)
    f.place(case, role="officer")

    assert selectors.team_balance(case) == [
        {"group": "labour", "label": "Labour", "count": 2},
        {"group": "conservative", "label": "Conservative", "count": 1},
    ]
    shown = f.api_client(actor).get(f"/api/challenges/{case.pk}/").data["team_balance"]
    assert shown == selectors.team_balance(case)
