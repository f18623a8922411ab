"""Every transition service: one allowed path and the ways it is refused.

A refused transition must leave the database and the caller's object exactly as they were and
write no CaseEvent; an allowed one writes exactly one CaseEvent describing it.
"""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from core.errors import InvalidInput, Refused
from tests.workflow import factories as f
from tests.workflow.spec import ACTIONS, PRE_ONSITE, REASON_REQUIRED, SPEC, wrong_sources
from workflow import services
from workflow.challenge_types import CPC_COMPONENTS_2016
from workflow.models import (
    Assignment,
    CaseEvent,
    ChallengeType,
    DeclaredInterest,
    PeerChallenge,
    State,
)
from workflow.transitions import TRANSITIONS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 2)
DAY = datetime.timedelta(days=1)
REASON = "The council asked to move the dates"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def actor():
    return f.manager()


def snapshot(challenge: PeerChallenge) -> dict:
    return {fld.attname: getattr(challenge, fld.attname) for fld in challenge._meta.concrete_fields}


def fire(name: str, challenge: PeerChallenge, actor, **inputs) -> PeerChallenge:
    return services.challenge_transition(name=name, challenge=challenge, actor=actor, **inputs)


def assert_refused(name: str, challenge: PeerChallenge, actor, *, unmet: str, **inputs) -> None:
    """Fire and expect a refusal naming `unmet`, with nothing changed anywhere."""
    before, events = snapshot(challenge), CaseEvent.objects.count()
    with pytest.raises(Refused) as refused:
        fire(name, challenge, actor, **inputs)
    assert unmet in refused.value.unmet
    assert snapshot(challenge) == before, "the in-memory case changed"
    assert snapshot(PeerChallenge.objects.get(pk=challenge.pk)) == before, "the DB row changed"
    assert CaseEvent.objects.count() == events


def assert_invalid(
    name: str, challenge: PeerChallenge, actor, *, field: str, message: str, **inputs
):
    """Fire and expect field errors naming `field` with `message`, with nothing changed."""
    before, events = snapshot(challenge), CaseEvent.objects.count()
    with pytest.raises(InvalidInput) as invalid:
        fire(name, challenge, actor, **inputs)
    assert any(message in m for m in invalid.value.errors.get(field, [])), invalid.value.errors
    assert snapshot(challenge) == before, "the in-memory case changed"
    assert snapshot(PeerChallenge.objects.get(pk=challenge.pk)) == before, "the DB row changed"
    assert CaseEvent.objects.count() == events


# --- allowed: each transition from a case that meets its guard -----------------------------


def _preparation_today():
    return f.PeerChallengeFactory(state=State.PREPARATION, onsite_start=TODAY)


def _team_assembly_with_team():
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    f.full_team(challenge)
    return challenge


CPC_SCOPE = [c["code"] for c in CPC_COMPONENTS_2016]

READY = {
    # name: (make a case in a source state, inputs, reason recorded on the event)
    "book": (lambda: f.PeerChallengeFactory(), {}, ""),
    "start_team_assembly": (
        lambda: f.PeerChallengeFactory(state=State.BOOKED),
        {
            "scope_components": CPC_SCOPE,
            "local_objectives": ["Test the medium-term financial plan"],
        },
        "",
    ),
    "confirm_team": (_team_assembly_with_team, {}, ""),
    "start_onsite": (_preparation_today, {}, ""),
    "record_feedback": (
        lambda: f.PeerChallengeFactory(state=State.ONSITE, onsite_start=TODAY - 3 * DAY),
        {"feedback_date": TODAY},
        "",
    ),
    "issue_report": (
        lambda: f.PeerChallengeFactory(state=State.REPORTING),
        {"report_url": "https://example.org/report.pdf"},
        "",
    ),
    "publish": (
        lambda: f.PeerChallengeFactory(state=State.REPORT_ISSUED),
        {"publication_url": "https://adur.example.gov.uk/cpc", "published_on": TODAY},
        "",
    ),
    "start_post_challenge": (lambda: f.PeerChallengeFactory(state=State.PUBLISHED), {}, ""),
    "close": (
        lambda: f.PeerChallengeFactory(state=State.POST_CHALLENGE),
        {"reason": "Impact survey completed"},
        "Impact survey completed",
    ),
    "postpone": (
        lambda: f.PeerChallengeFactory(state=State.BOOKED),
        {"reason": REASON},
        REASON,
    ),
    "resume": (
        lambda: f.PeerChallengeFactory(state=State.POSTPONED, postponed_from=State.BOOKED),
        {},
        "",
    ),
    "withdraw": (lambda: f.PeerChallengeFactory(), {"reason": "No budget"}, "No budget"),
}


def test_every_transition_service_has_an_allowed_case_and_a_spec():
    assert set(READY) == set(SPEC) == set(TRANSITIONS)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_allowed_transition_changes_state_and_writes_one_event(name, actor):
    make, inputs, reason = READY[name]
    challenge = make()
    source = challenge.state
    target = SPEC[name][1] or challenge.postponed_from

    returned = fire(name, challenge, actor, **inputs)

    assert returned is challenge
    assert challenge.state == target
    assert PeerChallenge.objects.get(pk=challenge.pk).state == target
    # The case's own event; other apps' reactions may add theirs (surveys.invitation.sent).
    [event] = CaseEvent.objects.filter(challenge=challenge, action__startswith="workflow.")
    assert (event.action, event.from_state, event.to_state) == (ACTIONS[name], source, target)
    assert event.actor == actor
    assert event.reason == reason


# --- refused: wrong source state -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "state"), [(n, s) for n in sorted(SPEC) for s in wrong_sources(n)]
)
def test_transition_from_a_wrong_state_is_refused_and_changes_nothing(name, state, actor):
    challenge = f.PeerChallengeFactory(state=state, onsite_start=TODAY, feedback_date=TODAY)
    label = dict(State.choices)[state].lower()
    unmet = f"cannot {TRANSITIONS[name].label.lower()} while the case is {label}"
    assert_refused(name, challenge, actor, unmet=unmet, **READY[name][1])


# --- refused: book -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "unmet"),
    [
        ({"chief_executive_name": ""}, "chief executive contact missing (name and email)"),
        ({"chief_executive_email": ""}, "chief executive contact missing (name and email)"),
        ({"leader_email": ""}, "leader contact missing (name and email)"),
        ({"onsite_start": None, "onsite_end": None}, "onsite dates not set"),
        ({"onsite_end": None}, "onsite dates not set"),
        ({"onsite_start": TODAY - DAY}, "the onsite visit would start in the past (1 June 2025)"),
    ],
)
def test_book_is_refused_until_contacts_and_dates_are_recorded(changes, unmet, actor):
    challenge = f.PeerChallengeFactory(**changes)
    assert_refused("book", challenge, actor, unmet=unmet)


def test_onsite_dates_out_of_order_are_a_field_error_wherever_they_are_written(actor):
    challenge = f.PeerChallengeFactory(onsite_start=TODAY + 10 * DAY, onsite_end=TODAY + 12 * DAY)
    with pytest.raises(InvalidInput) as invalid:
        services.challenge_update(
            challenge=challenge, actor=actor, changes={"onsite_end": TODAY + 5 * DAY}
        )
    assert invalid.value.errors == {
        "onsite_end": ["must not be before the onsite start (12 June 2025)"]
    }
    challenge.refresh_from_db()
    assert challenge.onsite_end == TODAY + 12 * DAY


@pytest.mark.parametrize(
    "code",
    [
        "CRF",  # Cardiff: Welsh
        "ABD",  # Aberdeenshire: Scottish
        "ALL",  # Allerdale: abolished in 2023, replaced by Cumberland
        "WMCA",  # West Midlands combined authority: a grouping, not a council
    ],
)
def test_book_is_refused_for_a_host_that_is_not_an_active_english_council(code, actor):
    host = f.council(code)
    challenge = f.PeerChallengeFactory(host=host)
    assert_refused("book", challenge, actor, unmet=f"{host} is not an active English council")


def test_book_is_refused_while_the_host_has_another_open_case_of_that_type(actor):
    other = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    challenge = f.PeerChallengeFactory()
    unmet = f"Adur already has an open Corporate peer challenge ({other.reference})"
    assert_refused("book", challenge, actor, unmet=unmet)


@pytest.mark.parametrize("other_state", [State.ENQUIRY, State.CLOSED, State.WITHDRAWN])
def test_book_ignores_enquiries_and_finished_cases_of_the_same_type(other_state, actor):
    f.PeerChallengeFactory(state=other_state)
    challenge = services.challenge_transition(
        name="book", challenge=f.PeerChallengeFactory(), actor=actor
    )
    assert challenge.state == State.BOOKED


def test_book_allows_another_type_for_the_same_host(actor):
    f.PeerChallengeFactory(state=State.BOOKED)
    challenge = f.PeerChallengeFactory(challenge_type=f.challenge_type("finance"))
    assert (
        services.challenge_transition(name="book", challenge=challenge, actor=actor).state
        == State.BOOKED
    )


def test_book_of_a_follow_up_without_a_parent_is_refused(actor):
    ctype = f.challenge_type("follow-up")
    challenge = f.PeerChallengeFactory(challenge_type=ctype)
    unmet = "a Progress review / follow-up visit must link to the challenge it follows up"
    assert_refused("book", challenge, actor, unmet=unmet)


# --- refused: start team assembly ----------------------------------------------------------


def test_start_team_assembly_names_each_missing_mandatory_component(actor):
    challenge = f.PeerChallengeFactory(state=State.BOOKED)
    inputs = {"scope_components": ["local-context"], "local_objectives": ["Housing delivery"]}
    for label, code in [
        ("Leadership of place", "leadership-of-place"),
        ("Capacity to deliver", "capacity-to-deliver"),
    ]:
        unmet = f"scope misses the mandatory component “{label}” (code {code})"
        assert_refused("start_team_assembly", challenge, actor, unmet=unmet, **inputs)


def test_start_team_assembly_needs_a_local_objective(actor):
    challenge = f.scoped(f.PeerChallengeFactory(state=State.BOOKED))
    assert_refused(
        "start_team_assembly",
        challenge,
        actor,
        unmet="no local objective agreed",
        local_objectives=[],
    )


def test_a_blank_objective_is_a_field_error(actor):
    challenge = f.scoped(f.PeerChallengeFactory(state=State.BOOKED))
    assert_invalid(
        "start_team_assembly",
        challenge,
        actor,
        field="local_objectives",
        message="an objective is blank",
        local_objectives=["   "],
    )


def test_start_team_assembly_uses_the_scope_already_on_the_case(actor):
    challenge = f.scoped(f.PeerChallengeFactory(state=State.BOOKED))
    services.challenge_transition(name="start_team_assembly", challenge=challenge, actor=actor)
    assert challenge.state == State.TEAM_ASSEMBLY


# --- refused: confirm team (CPC: 1 lead member, 1 lead officer, 3-6 peers) ------------------


def _team_case(size: int = 4) -> tuple[PeerChallenge, list[Assignment]]:
    challenge = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    return challenge, f.full_team(challenge, size=size)


@pytest.mark.parametrize("size", [2, 7])
def test_confirm_team_refuses_a_cpc_team_outside_three_to_six_peers(size, actor):
    challenge, _ = _team_case(size)
    unmet = f"team has {size} accepted peers; a Corporate peer challenge needs 3 to 6"
    assert_refused("confirm_team", challenge, actor, unmet=unmet)


@pytest.mark.parametrize("size", [3, 6])
def test_confirm_team_accepts_a_cpc_team_of_three_to_six(size, actor):
    challenge, _ = _team_case(size)
    assert services.challenge_transition(
        name="confirm_team", challenge=challenge, actor=actor
    ).state == (State.PREPARATION)


@pytest.mark.parametrize(
    ("lead", "plain", "unmet"),
    [
        (Assignment.Role.LEAD_MEMBER, Assignment.Role.MEMBER, "no lead member peer has accepted"),
        (
            Assignment.Role.LEAD_OFFICER,
            Assignment.Role.OFFICER,
            "no lead officer peer has accepted",
        ),
    ],
)
def test_confirm_team_needs_a_lead_of_each_kind(lead, plain, unmet, actor):
    challenge, _ = _team_case()
    Assignment.objects.filter(challenge=challenge, role=lead).update(role=plain)
    assert_refused("confirm_team", challenge, actor, unmet=unmet)


def test_confirm_team_refuses_a_lead_who_has_only_been_invited(actor):
    challenge, team = _team_case(5)
    Assignment.objects.filter(pk=team[0].pk).update(status=Assignment.Status.DECLINED)
    f.place(challenge, role=Assignment.Role.LEAD_MEMBER, status=Assignment.Status.INVITED)
    assert_refused("confirm_team", challenge, actor, unmet="no lead member peer has accepted")


def test_confirm_team_refuses_two_leads_of_a_kind(actor):
    challenge, _ = _team_case()
    f.place(challenge, role=Assignment.Role.LEAD_OFFICER)
    unmet = "2 lead officer peers have accepted; a team has one"
    assert_refused("confirm_team", challenge, actor, unmet=unmet)


def test_confirm_team_does_not_count_shadows_towards_its_size(actor):
    challenge, _ = _team_case(2)
    f.place(challenge, role=Assignment.Role.SHADOW)
    unmet = (
        "team has 2 accepted peers (shadows not counted); a Corporate peer challenge needs 3 to 6"
    )
    assert_refused("confirm_team", challenge, actor, unmet=unmet)
    f.place(challenge, role=Assignment.Role.SPECIALIST)
    services.challenge_transition(name="confirm_team", challenge=challenge, actor=actor)
    assert challenge.state == State.PREPARATION


def test_confirm_team_ignores_peers_who_have_not_accepted(actor):
    challenge, team = _team_case(3)
    Assignment.objects.filter(pk=team[2].pk).update(status=Assignment.Status.DECLINED)
    unmet = "team has 2 accepted peers; a Corporate peer challenge needs 3 to 6"
    assert_refused("confirm_team", challenge, actor, unmet=unmet)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="writes past a check constraint")
def test_confirm_team_needs_every_peer_to_declare_interests(actor):
    """An accepted place without a declaration cannot be stored now (the model's rule and a
    constraint: test_team_rules.py); the guard still says so for a row written before."""
    challenge, team = _team_case()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints = ON")
        Assignment.objects.filter(pk=team[3].pk).update(interests="  ")
        cursor.execute("PRAGMA ignore_check_constraints = OFF")
    unmet = f"{team[3].peer} has not declared interests"
    assert_refused("confirm_team", challenge, actor, unmet=unmet)


def test_confirm_team_refuses_a_soft_conflict_without_a_reason(actor):
    """More in test_conflict_overrides.py."""
    challenge, team = _team_case()
    DeclaredInterest.objects.create(peer=team[2].peer, council=challenge.host)
    unmet = f"the override for {team[2].peer}'s soft conflict has no reason"
    assert_refused("confirm_team", challenge, actor, unmet=unmet)


# --- refused: start onsite -----------------------------------------------------------------


def test_start_onsite_is_refused_before_the_start_date_and_allowed_on_it(actor):
    challenge = f.PeerChallengeFactory(state=State.PREPARATION, onsite_start=TODAY + DAY)
    assert_refused("start_onsite", challenge, actor, unmet="onsite visit starts on 3 June 2025")
    with time_machine.travel(datetime.datetime(2025, 6, 3, 7, tzinfo=datetime.UTC), tick=False):
        services.challenge_transition(name="start_onsite", challenge=challenge, actor=None)
    assert challenge.state == State.ONSITE
    assert challenge.events.get().actor is None  # fired by the beat task: no user


def test_start_onsite_needs_onsite_dates(actor):
    challenge = f.PeerChallengeFactory(state=State.PREPARATION, onsite_start=None, onsite_end=None)
    assert_refused("start_onsite", challenge, actor, unmet="onsite dates not set")


# --- refused: record feedback, issue report, publish ---------------------------------------


@pytest.mark.parametrize(
    ("feedback_date", "message"),
    [
        (None, "This field is required."),
        (TODAY + DAY, "cannot be in the future"),
        (TODAY - 10 * DAY, "is before the onsite visit began (30 May 2025)"),
    ],
)
def test_record_feedback_needs_a_plausible_presentation_date(feedback_date, message, actor):
    challenge = f.PeerChallengeFactory(state=State.ONSITE, onsite_start=TODAY - 3 * DAY)
    assert_invalid(
        "record_feedback",
        challenge,
        actor,
        field="feedback_date",
        message=message,
        feedback_date=feedback_date,
    )


def test_record_feedback_is_refused_while_the_visit_is_still_running(actor):
    challenge = f.PeerChallengeFactory(state=State.ONSITE, onsite_start=TODAY - DAY)
    unmet = "the onsite visit runs until 4 June 2025"
    assert_refused("record_feedback", challenge, actor, unmet=unmet, feedback_date=TODAY)


def test_issue_report_needs_the_final_report(actor):
    challenge = f.PeerChallengeFactory(state=State.REPORTING)
    message = "give a report URL or upload a report file"
    assert_invalid("issue_report", challenge, actor, field="report_url", message=message)


def test_a_report_issued_in_the_future_is_a_field_error(actor):
    challenge = f.PeerChallengeFactory(state=State.REPORTING)
    assert_invalid(
        "issue_report",
        challenge,
        actor,
        field="report_issued_on",
        message="cannot be in the future",
        report_url="https://example.org/report.pdf",
        report_issued_on=TODAY + DAY,
    )


def test_issue_report_accepts_an_uploaded_file(actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge = f.PeerChallengeFactory(state=State.REPORTING)
    report = SimpleUploadedFile("adur-cpc.pdf", b"%PDF-1.4 report", "application/pdf")
    services.challenge_transition(
        name="issue_report", challenge=challenge, actor=actor, report_file=report
    )
    challenge.refresh_from_db()
    assert challenge.state == State.REPORT_ISSUED
    assert challenge.report_file.name.endswith(".pdf")
    assert challenge.report_issued_on == TODAY


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        ({"publication_url": "", "published_on": TODAY},
         "publication_url", "is published at a URL"),
        ({"publication_url": "https://adur.example.gov.uk/cpc", "published_on": None},
         "published_on", "give the date the council published the report"),
        ({"publication_url": "https://adur.example.gov.uk/cpc", "published_on": TODAY + DAY},
         "published_on", "cannot be in the future"),
    ],
)  # fmt: skip
def test_publish_needs_the_publication_url_and_a_past_date(inputs, field, message, actor):
    challenge = f.PeerChallengeFactory(state=State.REPORT_ISSUED)
    assert_invalid("publish", challenge, actor, field=field, message=message, **inputs)


def test_publish_records_the_action_plan_with_the_report(actor):
    challenge = f.PeerChallengeFactory(state=State.REPORT_ISSUED)
    services.challenge_transition(
        name="publish",
        challenge=challenge,
        actor=actor,
        publication_url="https://adur.example.gov.uk/cpc",
        published_on=TODAY - DAY,
        action_plan_url="https://adur.example.gov.uk/cpc-action-plan",
    )
    challenge.refresh_from_db()
    assert challenge.action_plan_published_on == TODAY - DAY
    assert challenge.events.get().data["publication_url"] == "https://adur.example.gov.uk/cpc"


def test_publish_needs_no_url_for_a_type_that_expects_no_publication(actor):
    ctype = f.challenge_type("adults")
    ChallengeType.objects.filter(pk=ctype.pk).update(publication_expected=False)
    challenge = f.PeerChallengeFactory(state=State.REPORT_ISSUED, challenge_type_id=ctype.pk)
    services.challenge_transition(
        name="publish", challenge=challenge, actor=actor, publication_url="", published_on=None
    )
    assert challenge.state == State.PUBLISHED


# --- reasons, postponement, withdrawal, closure --------------------------------------------


@pytest.mark.parametrize("name", REASON_REQUIRED)
@pytest.mark.parametrize("reason", ["", "   "])
def test_close_postpone_and_withdraw_need_a_reason(name, reason, actor):
    make, _, _ = READY[name]
    assert_invalid(
        name, make(), actor, field="reason", message="a reason is required", reason=reason
    )


@pytest.mark.parametrize("source", PRE_ONSITE)
def test_postponed_case_resumes_to_exactly_the_state_it_left(source, actor):
    challenge = f.PeerChallengeFactory(state=source)
    services.challenge_transition(name="postpone", challenge=challenge, actor=actor, reason=REASON)
    assert (challenge.state, challenge.postponed_from) == (State.POSTPONED, source)

    services.challenge_transition(name="resume", challenge=challenge, actor=actor)

    challenge.refresh_from_db()
    assert (challenge.state, challenge.postponed_from) == (source, "")
    postponed, resumed = challenge.events.all()
    assert (postponed.from_state, postponed.to_state) == (source, State.POSTPONED)
    assert (resumed.from_state, resumed.to_state) == (State.POSTPONED, source)
    assert resumed.data["resumed_to"] == source


@pytest.mark.parametrize("source", [*PRE_ONSITE, State.POSTPONED])
def test_withdrawn_case_is_terminal(source, actor):
    challenge = f.PeerChallengeFactory(state=source, postponed_from=State.BOOKED)
    services.challenge_transition(
        name="withdraw", challenge=challenge, actor=actor, reason="No budget"
    )
    assert challenge.withdrawn_reason == "No budget"
    for name in SPEC:
        with pytest.raises(Refused):
            fire(name, challenge, actor, **READY[name][1])
    assert challenge.events.count() == 1


def test_closed_case_is_terminal(actor):
    challenge = f.PeerChallengeFactory(state=State.POST_CHALLENGE)
    services.challenge_transition(
        name="close", challenge=challenge, actor=actor, reason="Impact survey expired"
    )
    for name in SPEC:
        with pytest.raises(Refused):
            fire(name, challenge, actor, **READY[name][1])
    assert PeerChallenge.objects.get(pk=challenge.pk).state == State.CLOSED


# --- follow-ups ----------------------------------------------------------------------------


def test_follow_up_is_created_with_the_parents_team_invited_again(actor):
    parent = f.PeerChallengeFactory(state=State.POST_CHALLENGE)
    team = f.full_team(parent)
    Assignment.objects.filter(pk=team[3].pk).update(status=Assignment.Status.DECLINED)

    child = services.challenge_create(
        actor=actor,
        host=parent.host,
        challenge_type=f.challenge_type("follow-up"),
        parent=parent,
        onsite_start=TODAY + 300 * DAY,
        onsite_end=TODAY + 301 * DAY,
    )

    prefilled = {(a.peer_id, a.role, a.status) for a in child.assignments.all()}
    assert prefilled == {(a.peer_id, a.role, Assignment.Status.INVITED) for a in team[:3]}
    actions_written = list(child.events.values_list("action", flat=True))
    each = ["workflow.assignment.added", "workflow.assignment.invited"]
    assert actions_written == ["workflow.challenge.created", *each * 3]


def test_follow_up_with_a_parent_can_be_booked_while_the_parent_is_open(actor):
    parent = f.PeerChallengeFactory(state=State.POST_CHALLENGE)
    child = f.PeerChallengeFactory(challenge_type=f.challenge_type("follow-up"), parent=parent)
    assert (
        services.challenge_transition(name="book", challenge=child, actor=actor).state
        == State.BOOKED
    )


# --- edits ---------------------------------------------------------------------------------


def test_update_writes_an_updated_event_with_the_changed_fields(actor):
    challenge = f.PeerChallengeFactory(state=State.BOOKED)
    new_start = TODAY + 50 * DAY
    services.challenge_update(
        challenge=challenge,
        actor=actor,
        changes={"onsite_start": new_start, "leader_name": challenge.leader_name},
    )
    event = challenge.events.get()
    assert event.action == "workflow.challenge.updated"
    assert (event.from_state, event.to_state) == (State.BOOKED, State.BOOKED)
    assert event.data == {"onsite_start": new_start.isoformat()}
    assert PeerChallenge.objects.get(pk=challenge.pk).onsite_start == new_start


def test_update_that_changes_nothing_writes_no_event(actor):
    challenge = f.PeerChallengeFactory()
    services.challenge_update(
        challenge=challenge, actor=actor, changes={"leader_name": challenge.leader_name}
    )
    assert not challenge.events.exists()


def test_host_can_change_while_an_enquiry(actor):
    challenge = f.PeerChallengeFactory()
    services.challenge_update(challenge=challenge, actor=actor, changes={"host": f.council("SAL")})
    assert PeerChallenge.objects.get(pk=challenge.pk).host.code == "SAL"
    assert challenge.events.get().data == {"host": f.council("SAL").pk}


@pytest.mark.parametrize("field", ["host", "challenge_type", "parent"])
def test_enquiry_only_fields_are_refused_once_booked(field, actor):
    challenge = f.PeerChallengeFactory(state=State.BOOKED)
    with pytest.raises(InvalidInput) as refused:
        services.challenge_update(challenge=challenge, actor=actor, changes={field: None})
    assert refused.value.errors == {field: ["cannot be changed at this stage"]}
    assert not challenge.events.exists()


def test_state_cannot_be_edited(actor):
    challenge = f.PeerChallengeFactory()
    with pytest.raises(InvalidInput):
        services.challenge_update(challenge=challenge, actor=actor, changes={"state": "closed"})
    with pytest.raises(InvalidInput):
        services.challenge_create(
            actor=actor, host=f.council(), challenge_type=f.challenge_type(), state="closed"
        )
    assert PeerChallenge.objects.get(pk=challenge.pk).state == State.ENQUIRY


def test_direct_assignment_to_state_raises():
    challenge = f.PeerChallengeFactory()
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        challenge.state = State.CLOSED


@pytest.mark.parametrize(
    ("state", "word"), [(State.CLOSED, "closed"), (State.WITHDRAWN, "withdrawn")]
)
def test_closed_and_withdrawn_cases_cannot_be_edited(state, word, actor):
    challenge = f.PeerChallengeFactory(state=state)
    with pytest.raises(Refused) as refused:
        services.challenge_update(
            challenge=challenge, actor=actor, changes={"leader_name": "New Leader"}
        )
    assert refused.value.unmet == [f"a {word} case cannot be edited"]
    assert PeerChallenge.objects.get(pk=challenge.pk).leader_name == "Lee Leader"


# --- the audit trail -----------------------------------------------------------------------


def test_case_events_cannot_be_changed_or_deleted(actor):
    challenge = services.challenge_create(
        actor=actor, host=f.council(), challenge_type=f.challenge_type()
    )
    event = challenge.events.get()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        event.save()
    with pytest.raises(ValueError, match="immutable"):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).reason == ""


def test_event_time_is_the_time_of_the_transition(actor):
    challenge = f.PeerChallengeFactory()
    services.challenge_transition(name="book", challenge=challenge, actor=actor)
    assert challenge.events.get().created_at == timezone.now()
