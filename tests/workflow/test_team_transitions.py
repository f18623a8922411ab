"""Every transition of a team place, through its one service path
(team_services.assignment_transition): allowed from each status the design gives it, refused
from every other, its input checked by the model (400), its guard said in words (409). A
refused step leaves the row and the caller's object as they were and writes no event; an
allowed one writes exactly one, on the case's timeline."""

import dataclasses
import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from tests.workflow import factories as f
from workflow import actions, checks, team_services
from workflow.models import Assignment, CaseEvent, State
from workflow.team_transitions import TEAM, TEAM_TRANSITIONS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2_june_2025")]

Status = Assignment.Status
TODAY = datetime.date(2025, 6, 2)
DAY = datetime.timedelta(days=1)

# The design (DESIGN.md §4), written out independently of the code: step -> (from, to).
DESIGN = {
    "invite": ({Status.RESERVE}, Status.INVITED),
    "accept": ({Status.INVITED}, Status.ACCEPTED),
    "decline": ({Status.INVITED}, Status.DECLINED),
    "expire": ({Status.INVITED}, Status.EXPIRED),
    "withdraw": ({Status.INVITED, Status.ACCEPTED}, Status.WITHDRAWN),
    "complete": ({Status.ACCEPTED}, Status.COMPLETED),
}
ACTION = {
    "invite": actions.ASSIGNMENT_INVITED,
    "accept": actions.ASSIGNMENT_ACCEPTED,
    "decline": actions.ASSIGNMENT_DECLINED,
    "expire": actions.ASSIGNMENT_EXPIRED,
    "withdraw": actions.ASSIGNMENT_WITHDRAWN,
    "complete": actions.ASSIGNMENT_COMPLETED,
}
# Inputs that are valid for each step.
READY = {
    "invite": {"respond_by": TODAY + 10 * DAY},
    "accept": {"interests": "none"},
    "decline": {"decline_reason": "dates", "decline_note": "On leave that week"},
    "expire": {},
    "withdraw": {"reason": "The manager took the invitation back"},
    "complete": {"days": Decimal("3.5")},
}
STEPS = [(name, source) for name, (sources, _) in DESIGN.items() for source in sorted(sources)]
WRONG = [(name, s) for name, (sources, _) in DESIGN.items() for s in Status if s not in sources]


@pytest.fixture
def case():
    """On site: every step of a place can be taken (days are logged once the visit began)."""
    return f.PeerChallengeFactory(state=State.ONSITE)


def overdue(case, **kwargs) -> Assignment:
    """An invitation whose respond-by day is over, so it may also expire."""
    return f.place(
        case, status=Status.INVITED, invited_on=TODAY - 20 * DAY, respond_by=TODAY - DAY, **kwargs
    )


def fire(place, name, actor=None, **inputs) -> Assignment:
    return team_services.assignment_transition(assignment=place, name=name, actor=actor, **inputs)


def stored(place) -> Assignment:
    return Assignment.objects.get(pk=place.pk)


def test_the_declarations_are_the_designs_machine():
    field = Assignment._meta.get_field("status")
    edges = {
        (t.name, t.source, t.target)
        for t in field.get_all_transitions(Assignment)  # type: ignore[attr-defined]
    }
    assert edges == {
        (name, source, target) for name, (sources, target) in DESIGN.items() for source in sources
    }
    assert {name: spec.action for name, spec in TEAM_TRANSITIONS.items()} == ACTION


@pytest.mark.parametrize(("name", "source"), STEPS)
def test_each_step_moves_the_place_and_records_one_event_on_the_cases_timeline(
    case, actor, name, source
):
    place = overdue(case) if source == Status.INVITED else f.place(case, status=source)

    fire(place, name, actor, **READY[name])

    target = DESIGN[name][1]
    assert place.status == stored(place).status == target
    event = case.events.get()
    inputs = {k: v for k, v in READY[name].items() if k != "reason"}
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        ACTION[name],
        actor,
        State.ONSITE,
        State.ONSITE,
    )
    assert event.reason == READY[name].get("reason", "")
    assert event.data == {
        "assignment": place.pk,
        "peer": place.peer_id,
        "role": place.role,
        "from_status": source,
        **{k: str(v) if isinstance(v, Decimal | datetime.date) else v for k, v in inputs.items()},
    }


@pytest.mark.parametrize(("name", "source"), WRONG)
def test_each_step_is_refused_from_every_other_status(case, actor, name, source):
    place = f.place(case, status=source)
    before = {field.name: getattr(place, field.name) for field in Assignment._meta.fields}

    with pytest.raises(Refused) as refused:
        fire(place, name, actor, **READY[name])

    label = TEAM_TRANSITIONS[name].label.lower()
    status = Status(source).label.lower()
    assert refused.value.unmet == [f"cannot {label} while {place.peer}'s place is {status}"]
    after = {field.name: getattr(place, field.name) for field in Assignment._meta.fields}
    assert after == before, "the caller's object is as it was"
    assert stored(place).status == source
    assert not CaseEvent.objects.exists()


# --- input: the model decides (400) ---------------------------------------------------------


def test_accepting_needs_a_declaration_and_none_is_one(case, actor):
    place = f.place(case, status=Status.INVITED)

    with pytest.raises(InvalidInput) as missing:
        fire(place, "accept", actor)
    with pytest.raises(InvalidInput) as blank:
        fire(place, "accept", actor, interests="  ")
    fire(place, "accept", actor, interests="None")

    assert missing.value.errors == {"interests": ["This field is required."]}
    assert blank.value.errors == {
        "interests": ["declare any interests in this council, or write “none”"]
    }
    assert (stored(place).status, stored(place).interests) == (Status.ACCEPTED, "None")
    assert case.events.count() == 1


def test_a_declaration_has_a_length_limit(case, actor):
    place = f.place(case, status=Status.INVITED)
    with pytest.raises(InvalidInput) as invalid:
        fire(place, "accept", actor, interests="x" * 2001)
    assert list(invalid.value.errors) == ["interests"]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (None, "This field is required."),
        (Decimal("0"), "must be more than 0 and at most 31 days"),
        (Decimal("-1"), "must be more than 0 and at most 31 days"),
        (Decimal("31.5"), "must be more than 0 and at most 31 days"),
        (Decimal("2.3"), "in whole or half days (e.g. 3.5)"),
    ],
)
def test_completing_needs_days_in_half_days(case, actor, days, message):
    place = f.place(case, status=Status.ACCEPTED)
    inputs = {} if days is None else {"days": days}

    with pytest.raises(InvalidInput) as invalid:
        fire(place, "complete", actor, **inputs)

    assert invalid.value.errors == {"days": [message]}
    assert stored(place).status == Status.ACCEPTED
    assert not case.events.exists()


@pytest.mark.parametrize("days", [Decimal("0.5"), Decimal("4"), Decimal("31")])
def test_completing_takes_half_days_up_to_a_month(case, actor, days):
    place = f.place(case, status=Status.ACCEPTED)
    fire(place, "complete", actor, days=days)
    assert stored(place).days == days


def test_declining_takes_a_reason_from_the_list_or_none(case, actor):
    place, other = f.place(case, status=Status.INVITED), f.place(case, status=Status.INVITED)

    with pytest.raises(InvalidInput) as invalid:
        fire(place, "decline", actor, decline_reason="bored")
    fire(place, "decline", actor)
    fire(other, "decline", actor, decline_reason="workload")

    assert list(invalid.value.errors) == ["decline_reason"]
    assert (stored(place).decline_reason, stored(other).decline_reason) == ("", "workload")


def test_an_invitation_cannot_respond_before_it_was_sent(case, actor):
    place = f.place(case, status=Status.RESERVE)

    with pytest.raises(InvalidInput) as invalid:
        fire(place, "invite", actor, respond_by=TODAY - DAY)

    assert invalid.value.errors == {
        "respond_by": ["must not be before the invitation (2 June 2025)"]
    }
    assert (stored(place).status, place.status, place.invited_on) == (
        Status.RESERVE,
        Status.RESERVE,
        None,
    )


def test_inviting_a_reserve_gives_two_weeks_unless_a_date_is_given(case, actor):
    place = f.place(case, status=Status.RESERVE)
    fire(place, "invite", actor)
    assert (stored(place).invited_on, stored(place).respond_by) == (TODAY, TODAY + 14 * DAY)


@pytest.mark.parametrize(
    ("name", "inputs", "errors"),
    [
        ("accept", {"interests": "none", "days": 3}, {"days": ["not an input of this step"]}),
        ("invite", {"reason": "because"}, {"reason": ["this step takes no reason"]}),
        ("expire", {"status": "expired"}, {"status": ["not an input of this step"]}),
    ],
)
def test_what_a_step_does_not_take_is_bad_input(case, actor, name, inputs, errors):
    place = overdue(case) if name != "invite" else f.place(case, status=Status.RESERVE)
    with pytest.raises(InvalidInput) as invalid:
        fire(place, name, actor, **inputs)
    assert invalid.value.errors == errors


def test_withdrawing_takes_an_optional_reason(case, actor):
    place, other = f.place(case), f.place(case, status=Status.INVITED)
    fire(place, "withdraw", actor)
    fire(other, "withdraw", actor, reason="  Taken back  ")
    assert list(case.events.values_list("reason", flat=True)) == ["", "Taken back"]


# --- guards: the place and its case (409) ---------------------------------------------------


def test_an_invitation_expires_only_after_its_respond_by_day(case, actor):
    place = f.place(case, status=Status.INVITED, respond_by=TODAY)

    with pytest.raises(Refused) as refused:
        fire(place, "expire", actor)
    with time_machine.travel(datetime.datetime(2025, 6, 3, 10, tzinfo=datetime.UTC)):
        fire(place, "expire", actor)

    assert refused.value.unmet == ["the invitation is open until 2 June 2025"]
    assert stored(place).status == Status.EXPIRED


@pytest.mark.parametrize(
    "state", [State.TEAM_ASSEMBLY, State.PREPARATION, State.POSTPONED, State.BOOKED]
)
def test_days_are_logged_only_once_the_visit_has_begun(actor, state):
    case = f.PeerChallengeFactory(state=state, postponed_from=State.PREPARATION)
    place = f.place(case, status=Status.ACCEPTED)

    with pytest.raises(Refused) as refused:
        fire(place, "complete", actor, days=Decimal("3"))

    label = state.label.lower()
    assert refused.value.unmet == [f"the onsite visit has not started (the case is {label})"]
    assert stored(place).status == Status.ACCEPTED


def test_an_inactive_peer_cannot_be_invited(case, actor):
    place = f.place(case, status=Status.RESERVE, peer=f.PeerFactory(is_active=False))
    with pytest.raises(Refused) as refused:
        fire(place, "invite", actor)
    assert refused.value.unmet == [f"{place.peer} is no longer an active peer"]


def test_nothing_moves_on_a_closed_case(actor):
    case = f.PeerChallengeFactory(state=State.CLOSED)
    places = {s: f.place(case, status=s) for s in (Status.INVITED, Status.ACCEPTED)}

    for name, source in STEPS:
        if source in places:
            with pytest.raises(Refused) as refused:
                fire(places[source], name, actor, **READY[name])
            assert refused.value.unmet == ["the team of a closed case cannot change"]
    assert not case.events.exists()


@pytest.mark.parametrize("source", [Status.INVITED, Status.ACCEPTED])
def test_a_withdrawn_cases_places_may_only_be_withdrawn(actor, source):
    case = f.PeerChallengeFactory(state=State.WITHDRAWN)
    place = f.place(case, status=source)

    for name in ("accept", "decline", "complete"):
        if source in DESIGN[name][0]:
            with pytest.raises(Refused) as refused:
                fire(place, name, actor, **READY[name])
            assert refused.value.unmet == ["the team of a withdrawn case cannot change"]
    fire(place, "withdraw", actor)
    assert stored(place).status == Status.WITHDRAWN


# --- races, reactions, what is offered ------------------------------------------------------


def test_a_stale_copy_loses_the_race_and_changes_nothing(case, actor):
    place = f.place(case, status=Status.INVITED)
    stale = Assignment.objects.get(pk=place.pk)
    fire(place, "accept", actor, interests="none")

    with pytest.raises(ConcurrentTransition):
        fire(stale, "decline", actor)

    assert stored(place).status == Status.ACCEPTED
    assert stale.status == Status.ACCEPTED  # reloaded: the caller never holds a half-change
    assert list(case.events.values_list("action", flat=True)) == [actions.ASSIGNMENT_ACCEPTED]


def test_a_steps_reactions_run_inside_it_and_a_failing_one_undoes_it(case, actor):
    seen = []

    def reaction(event):
        seen.append((event.action, Assignment.objects.get(pk=place.pk).status))

    def failing(event):
        raise RuntimeError("the outbox is down")

    place = f.place(case, status=Status.INVITED)
    table = {actions.ASSIGNMENT_ACCEPTED: [reaction], actions.ASSIGNMENT_DECLINED: [failing]}
    with mock.patch("workflow.reactions._table", return_value=table):
        fire(place, "accept", actor, interests="none")
        other = f.place(case, status=Status.INVITED)
        with pytest.raises(RuntimeError):
            fire(other, "decline", actor)

    assert seen == [(actions.ASSIGNMENT_ACCEPTED, Status.ACCEPTED)]
    assert stored(other).status == Status.INVITED
    assert case.events.count() == 1


def test_a_manager_is_offered_each_places_steps_with_what_each_still_needs(case, actor):
    place = f.place(case, status=Status.INVITED, respond_by=TODAY + 3 * DAY)

    offered = team_services.available_team_transitions(place, actor)

    assert offered == [
        {"name": "accept", "label": "Accept the invitation", "target": "accepted",
         "ready": True, "unmet": []},
        {"name": "decline", "label": "Decline the invitation", "target": "declined",
         "ready": True, "unmet": []},
        {"name": "expire", "label": "Mark the invitation expired", "target": "expired",
         "ready": False, "unmet": ["the invitation is open until 5 June 2025"]},
        {"name": "withdraw", "label": "Withdraw from the team", "target": "withdrawn",
         "ready": True, "unmet": []},
    ]  # fmt: skip
    assert team_services.available_team_transitions(place, f.programme_lead()) == []
    assert team_services.available_team_transitions(place, f.peer_user()) == []


def test_the_committed_team_diagram_matches_the_code_and_draws_the_design():
    out = StringIO()
    call_command("state_diagram", "--team", stdout=out)
    doc = Path(settings.BASE_DIR) / "docs" / "team-machine.md"
    assert doc.read_text(encoding="utf-8") == out.getvalue(), (
        "docs/team-machine.md is stale: run `python manage.py state_diagram --team > "
        "docs/team-machine.md`"
    )
    drawn = {
        (source, target, name)
        for line in out.getvalue().splitlines()
        if " : " in line
        for (source, _, target), name in [(line.split(" : ")[0].split(), line.split(" : ")[1])]
    }
    assert drawn == {
        (source, target, name) for name, (sources, target) in DESIGN.items() for source in sources
    }


def test_start_up_checks_hold_each_machine_to_its_declarations():
    assert checks.transitions_declared_once(None) == []
    table = {n: s for n, s in TEAM_TRANSITIONS.items() if n != "expire"}
    table["accept"] = dataclasses.replace(table["accept"], fields=("interest",))
    table["promote"] = dataclasses.replace(table["invite"], name="promote", action="x.y")
    broken = dataclasses.replace(TEAM, transitions=table)

    found = {(e.id, e.msg) for e in checks._declared_once(broken)}

    assert found == {
        ("workflow.E001", "Assignment.expire is not declared"),
        ("workflow.E002", "transition 'promote' has no @transition method on Assignment"),
        ("workflow.E003", "promote: 'x.y' is not in workflow.actions"),
        ("workflow.E004", "accept: no Assignment field 'interest'"),
    }
