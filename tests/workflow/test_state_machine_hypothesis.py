"""Hypothesis drives one case through random sequences of service calls (valid and invalid
inputs, edits, team changes, a rival case) and checks after every step that the case obeys the
design's machine (tests/workflow/spec.py): terminal states hold, a postponed case resumes where
it left off, each successful transition writes exactly one CaseEvent and a refused one none,
and the database always agrees with the object in memory.

Each generated example runs inside a savepoint that is rolled back at teardown, so examples
never see each other's rows while the register, types, manager and peers are set up once.
"""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.errors import InvalidInput, Refused
from tests.workflow import factories as f
from tests.workflow.spec import ACTIONS, REASON_REQUIRED, SPEC, TERMINAL
from workflow import services
from workflow.challenge_types import CPC_COMPONENTS_2016
from workflow.choices import HOLDS_A_PLACE
from workflow.models import Assignment, Peer, PeerChallenge, State

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CPC_SCOPE = [c["code"] for c in CPC_COMPONENTS_2016]
REASONS = st.sampled_from(["", "   ", "The council asked to move the dates"])
URLS = st.sampled_from(["", "https://adur.example.gov.uk/peer-challenge"])
DATES = st.sampled_from([None, TODAY - 30 * DAY, TODAY - DAY, TODAY, TODAY + DAY, TODAY + 60 * DAY])

# Inputs for each transition service: a mix of valid and invalid values.
INPUTS = {
    "book": st.fixed_dictionaries({}),
    "start_team_assembly": st.fixed_dictionaries(
        {
            "scope_components": st.sampled_from([None, [], CPC_SCOPE[:2], CPC_SCOPE]),
            "local_objectives": st.sampled_from([None, [], ["  "], ["Housing delivery"]]),
        }
    ),
    "confirm_team": st.fixed_dictionaries({}),
    "start_onsite": st.fixed_dictionaries({}),
    "record_feedback": st.fixed_dictionaries({"feedback_date": DATES}),
    "issue_report": st.fixed_dictionaries({"report_url": URLS}),
    "publish": st.fixed_dictionaries({"publication_url": URLS, "published_on": DATES}),
    "start_post_challenge": st.fixed_dictionaries({}),
    "close": st.fixed_dictionaries({"reason": REASONS}),
    "postpone": st.fixed_dictionaries({"reason": REASONS}),
    "resume": st.fixed_dictionaries({"reason": REASONS}),
    "withdraw": st.fixed_dictionaries({"reason": REASONS}),
}
FIRE = st.sampled_from(sorted(INPUTS)).flatmap(lambda name: st.tuples(st.just(name), INPUTS[name]))


# The happy path's valid inputs, so random runs also get far down the machine.
NEXT = {
    State.ENQUIRY: ("book", {}),
    State.BOOKED: (
        "start_team_assembly",
        {"scope_components": CPC_SCOPE, "local_objectives": ["Housing delivery"]},
    ),
    State.TEAM_ASSEMBLY: ("confirm_team", {}),
    State.PREPARATION: ("start_onsite", {}),
    State.ONSITE: ("record_feedback", {"feedback_date": TODAY}),
    State.REPORTING: ("issue_report", {"report_url": "https://example.org/report.pdf"}),
    State.REPORT_ISSUED: (
        "publish",
        {"publication_url": "https://adur.example.gov.uk/cpc", "published_on": TODAY},
    ),
    State.PUBLISHED: ("start_post_challenge", {}),
    State.POST_CHALLENGE: ("close", {"reason": "Impact survey completed"}),
    State.POSTPONED: ("resume", {}),
}


def _must_succeed(name: str, source: str, inputs: dict) -> bool:
    """Where the design leaves nothing to a guard, a transition from a right state must work."""
    if source not in SPEC[name][0]:
        return False
    if name in ("start_post_challenge", "resume"):
        return True
    return name in REASON_REQUIRED and bool(inputs["reason"].strip())


class CaseMachine(RuleBasedStateMachine):
    actor = None
    members: list[Peer] = []
    officers: list[Peer] = []
    reached: set[str] = set()  # across all examples: proof the search covers the machine

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.case = services.challenge_create(
            actor=self.actor,
            host=f.council("ADU"),
            challenge_type=f.challenge_type("corporate"),
            onsite_start=TODAY - 2 * DAY,
            onsite_end=TODAY + DAY,
            chief_executive_name="Chris Executive",
            chief_executive_email="ce@adur.example.gov.uk",
            leader_name="Lee Leader",
            leader_email="leader@adur.example.gov.uk",
        )
        self.expected_state = State.ENQUIRY
        self.expected_events = 1  # "created"
        self.left_for_postponement = ""
        self.rival = None

    def holds_a_place(self) -> bool:
        return PeerChallenge.objects.filter(HOLDS_A_PLACE, pk=self.case.pk).exists()

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- the transitions -----------------------------------------------------------------

    @precondition(lambda self: self.case.state in NEXT)
    @rule()
    def advance(self):
        """The next step of the happy path with valid inputs (which a guard may still refuse:
        e.g. after a random edit blanked a contact)."""
        if self.case.state == State.TEAM_ASSEMBLY:
            self.choose_team(size=4, lead_member=True, lead_officer=True, all_declared=True)
        self.fire(NEXT[self.case.state])

    @rule(call=FIRE)
    def fire(self, call):
        name, inputs = call
        source = self.case.state
        try:
            services.challenge_transition(
                name=name, challenge=self.case, actor=self.actor, **inputs
            )
        except InvalidInput as invalid:
            # The one input rule a random date can break: published before the report.
            assert list(invalid.errors) == ["published_on"], invalid.errors
            assert inputs["published_on"] < self.case.report_issued_on
            assert self.case.state == source
            return
        except Refused as refused:
            assert refused.unmet, "a refusal must say what is unmet"
            assert not _must_succeed(name, source, inputs), refused.unmet
            if source not in SPEC[name][0]:
                label = State(source).label.lower()
                assert refused.unmet == [f"cannot {name.replace('_', ' ')} a case that is {label}"]
            assert self.case.state == source
            return

        assert source in SPEC[name][0], f"{name} succeeded from {source}"
        target = SPEC[name][1] or self.left_for_postponement
        assert self.case.state == target
        event = self.case.events.order_by("pk").last()
        assert (event.action, event.from_state, event.to_state) == (ACTIONS[name], source, target)
        self.expected_events += 1
        self.expected_state = target
        self.left_for_postponement = source if name == "postpone" else ""

    # --- what the guards read, changed the ordinary ways ---------------------------------

    @rule(
        field=st.sampled_from(["onsite_start", "leader_email", "chief_executive_name"]),
        blank=st.booleans(),
        past=st.booleans(),
    )
    def edit(self, field, blank, past):
        if field == "onsite_start":
            value = None if blank else TODAY + (-5 if past else 5) * DAY
            changes = {"onsite_start": value, "onsite_end": value and value + 3 * DAY}
        else:
            changes = {field: "" if blank else "someone@adur.example.gov.uk"}
        changed = any(getattr(self.case, k) != v for k, v in changes.items())
        try:
            services.challenge_update(challenge=self.case, actor=self.actor, changes=changes)
        except Refused:
            assert self.case.state in TERMINAL
            return
        assert self.case.state not in TERMINAL, "a finished case was edited"
        self.expected_events += changed

    @rule(
        size=st.integers(min_value=0, max_value=7),
        lead_member=st.booleans(),
        lead_officer=st.booleans(),
        all_declared=st.booleans(),
    )
    def choose_team(self, size, lead_member, lead_officer, all_declared):
        Assignment.objects.filter(challenge=self.case).delete()
        peers = (self.members[:1] + self.officers + self.members[1:])[:size]
        leads = {self.members[0]} if lead_member else set()
        leads |= {self.officers[0]} if lead_officer else set()
        for i, peer in enumerate(peers):
            Assignment.objects.create(
                challenge=self.case,
                peer=peer,
                status=Assignment.Status.ACCEPTED,
                is_lead=peer in leads,
                interests_declared=all_declared or i > 0,
            )

    @precondition(lambda self: self.rival is None and not self.holds_a_place())
    @rule()
    def open_rival_case(self):
        """Another open CPC for the same council: booking must now be refused. (While this
        case holds the place, the database refuses a rival outright.)"""
        self.rival = f.PeerChallengeFactory(state=State.BOOKED, manager=self.actor)

    @precondition(lambda self: self.rival is not None and self.rival.state == State.BOOKED)
    @rule()
    def withdraw_rival_case(self):
        services.challenge_transition(
            name="withdraw", challenge=self.rival, actor=self.actor, reason="Merged"
        )

    @rule(target_state=st.sampled_from(State))
    def assign_state_directly(self, target_state):
        try:
            self.case.state = target_state
        except AttributeError:
            return
        raise AssertionError("state was assigned without a transition")

    # --- invariants ----------------------------------------------------------------------

    @invariant()
    def memory_database_and_model_agree(self):
        stored = PeerChallenge.objects.annotate(events_written=Count("events")).get(pk=self.case.pk)
        assert self.case.state == stored.state == self.expected_state
        assert self.case.postponed_from == stored.postponed_from == self.left_for_postponement
        assert stored.events_written == self.expected_events, "one event per change, no more"
        self.reached.add(stored.state)

    @invariant()
    def a_postponed_case_remembers_where_it_was(self):
        if self.case.state == State.POSTPONED:
            assert self.case.postponed_from in SPEC["postpone"][0]


def test_case_state_machine_holds_under_random_service_calls():
    CaseMachine.actor = f.manager()
    CaseMachine.members = [f.PeerFactory(kind=Peer.Kind.MEMBER) for _ in range(3)]
    CaseMachine.officers = [f.PeerFactory(kind=Peer.Kind.OFFICER) for _ in range(5)]
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=200,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert CaseMachine.reached == set(State), f"never reached {set(State) - CaseMachine.reached}"
