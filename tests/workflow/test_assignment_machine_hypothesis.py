"""Hypothesis drives one case's team through random sequences of service calls: peers added
(as reserves or invited, in roles that fit them or not), every step of a place with valid and
invalid input, days passing, and the case itself moving on, postponed or withdrawn. Before each
call the test predicts, from the design alone (DESIGN.md §4 and the rules written out below),
whether it succeeds or is refused and how (400 or 409); after every step it checks that each
place is where the design says, each success wrote its events and each refusal none, and that
a withdrawn case has no open place left. A decline or an expiry invites the role's next
reserve (by rank, then as added; passing over an inactive peer) while fewer invitations of
that role than TEAM_MAX_OPEN_INVITATIONS_PER_ROLE are open, and the model predicts whom.

Each example runs inside a savepoint rolled back at teardown, on a frozen clock that the
`days_pass` rule moves, so examples never see each other's rows.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.errors import InvalidInput, Refused
from tests.workflow import factories as f
from tests.workflow.test_team_transitions import DESIGN
from workflow import services, team_services
from workflow.models import Assignment, CaseEvent, Peer, State
from workflow.team_transitions import TEAM_TRANSITIONS

pytestmark = pytest.mark.django_db

Status = Assignment.Status
START = datetime.datetime(2025, 6, 2, 10, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
MEMBER_ROLES = {"lead_member", "member"}
OFFICER_ROLES = {"lead_officer", "officer"}

# Inputs for each step: a mix of valid and invalid values (None: not sent).
DATES = st.sampled_from([None, -1, 0, 7, 30])  # days from today
INPUTS = {
    "invite": st.fixed_dictionaries({"respond_by": DATES}),
    "accept": st.fixed_dictionaries(
        {"interests": st.sampled_from([None, "", "   ", "none", "A cousin works there"])}
    ),
    "decline": st.fixed_dictionaries(
        {"decline_reason": st.sampled_from([None, "dates", "workload", "bored"])}
    ),
    "expire": st.fixed_dictionaries({}),
    "withdraw": st.fixed_dictionaries({"reason": st.sampled_from([None, "", "Taken back"])}),
    "complete": st.fixed_dictionaries(
        {"days": st.sampled_from([None, "0", "2.3", "3.5", "4", "31.5"])}
    ),
}
STEP = st.sampled_from(sorted(INPUTS)).flatmap(lambda n: st.tuples(st.just(n), INPUTS[n]))
# Which keyword each step's input is, and whether it must be sent.
REQUIRED = {"accept": "interests", "complete": "days"}
CASE_STEPS = {  # the case's own moves used here: from -> to
    "start_onsite": ({State.PREPARATION}, State.ONSITE),
    "postpone": ({State.PREPARATION}, State.POSTPONED),
    "resume": ({State.POSTPONED}, State.PREPARATION),
    "withdraw": ({State.PREPARATION, State.POSTPONED}, State.WITHDRAWN),
}


@dataclass
class Place:
    """What the test knows of a place, from its own predictions only."""

    pk: int
    peer: Peer
    status: str
    respond_by: datetime.date | None
    invited_on: datetime.date | None = None
    role: str = ""
    rank: int | None = None  # in its role's reserve queue


class Outcome(Exception):
    """A predicted refusal: InvalidInput (400) or Refused (409)."""

    def __init__(self, kind: type[Exception]):
        self.kind = kind


def predict_step(place: Place, name: str, sent: dict, case_state: str, today) -> None:
    """Raise the Outcome the design gives for `name` on `place` with what was `sent`, in the
    order the one service path checks: what the request sent, the case, the state, the values,
    the guard, what the new status needs."""
    if name in REQUIRED and REQUIRED[name] not in sent:
        raise Outcome(InvalidInput)
    if case_state == State.WITHDRAWN and name != "withdraw":
        raise Outcome(Refused)
    if place.status not in DESIGN[name][0]:
        raise Outcome(Refused)
    if name == "decline" and sent.get("decline_reason") == "bored":
        raise Outcome(InvalidInput)
    if name == "complete" and sent["days"] in (Decimal("0"), Decimal("2.3"), Decimal("31.5")):
        raise Outcome(InvalidInput)
    if name == "invite" and not place.peer.is_active:
        raise Outcome(Refused)
    if name == "expire" and place.respond_by >= today:
        raise Outcome(Refused)
    if name == "complete" and case_state != State.ONSITE:
        raise Outcome(Refused)
    if name == "accept" and not sent["interests"].strip():
        raise Outcome(InvalidInput)
    if name == "invite":
        respond_by = sent.get("respond_by") or place.respond_by or today + 14 * DAY
        if respond_by < today:
            raise Outcome(InvalidInput)


class TeamMachine(RuleBasedStateMachine):
    actor = None
    members: list[Peer] = []
    officers: list[Peer] = []
    inactive: Peer | None = None
    reached: set[str] = set()  # across all examples: proof the search covers the machine
    promotions: set[str] = set()  # and the reserve queue's outcomes

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self._clock = time_machine.travel(START, tick=False)
        self.clock = self._clock.start()
        today = self.today()
        self.case = f.PeerChallengeFactory(
            state=State.PREPARATION, onsite_start=today, onsite_end=today + 3 * DAY
        )
        self.case_state = State.PREPARATION
        self.places: list[Place] = []
        self.events = 0

    def teardown(self):
        self._clock.stop()
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def today(self) -> datetime.date:
        return datetime.date.today()

    def expect(self, outcome: type[Exception] | None, call):
        """Make the call; check it succeeded or was refused as predicted. (That a refusal
        wrote nothing is the invariants': the events counted are the predicted ones.)"""
        try:
            result = call()
        except (InvalidInput, Refused) as refused:
            assert outcome is type(refused), f"predicted {outcome}, got {refused!r}"
            return None
        assert outcome is None, f"predicted {outcome.__name__}, but it succeeded"
        return result

    # --- the team --------------------------------------------------------------------------

    @initialize(invite=st.lists(st.booleans(), min_size=3, max_size=3), gone=st.booleans())
    def a_team_to_start_with(self, invite, gone):
        """A lead member peer, a lead officer peer and an officer peer, each invited or in
        reserve, so that every run has places to move from its first step; sometimes the
        inactive peer first in the officers' reserve queue, to be passed over."""
        if gone:
            self.add(7, "officer", False, None, aim=False)
        for which, role in [(0, "lead_member"), (3, "lead_officer"), (4, "officer")]:
            self.add(which, role, invite.pop(), None, aim=False)

    @rule(
        which=st.integers(min_value=0, max_value=7),
        role=st.sampled_from(
            ["lead_member", "lead_officer", "member", "officer", "specialist", "shadow"]
        ),
        invite=st.booleans(),
        respond_by=DATES,
        aim=st.booleans(),
    )
    def add(self, which, role, invite, respond_by, aim):
        """Any peer in any role, or (aiming) one not yet on the team in a role that fits."""
        pool = [*self.members, *self.officers, self.inactive]
        if aim:
            pool = [p for p in pool if all(place.peer != p for place in self.places)] or pool
        peer = pool[which % len(pool)]
        if aim and role in MEMBER_ROLES | OFFICER_ROLES:
            role = "member" if peer.kind == Peer.Kind.MEMBER else "officer"
        due = None if respond_by is None else self.today() + respond_by * DAY
        fits = not (
            (role in MEMBER_ROLES and peer.kind != Peer.Kind.MEMBER)
            or (role in OFFICER_ROLES and peer.kind != Peer.Kind.OFFICER)
        )
        outcome: type[Exception] | None = None
        if self.case_state == State.WITHDRAWN:
            outcome = Refused
        elif any(p.peer == peer for p in self.places) or not fits:
            outcome = InvalidInput
        elif invite and not peer.is_active:
            outcome = Refused
        elif invite and due is not None and due < self.today():
            outcome = InvalidInput

        place = self.expect(
            outcome,
            lambda: team_services.assignment_add(
                challenge=self.case,
                peer=peer,
                actor=self.actor,
                role=role,
                respond_by=due,
                invite=invite,
            ),
        )
        if place is not None:
            status = Status.INVITED if invite else Status.RESERVE
            invited_on = self.today() if invite else None
            respond_by = due or (self.today() + 14 * DAY if invite else None)
            rank = None if invite else 1 + max((p.rank or 0 for p in self.queue(role)), default=0)
            self.places.append(Place(place.pk, peer, status, respond_by, invited_on, role, rank))
            self.events += 2 if invite else 1

    @precondition(lambda self: self.places)
    @rule(which=st.integers(min_value=0, max_value=20), step=STEP, aim=st.booleans())
    def fire(self, which, step, aim=False):
        """A step on a place: any place, or (aiming) one whose status the step leaves from,
        so that random input meets the right status often enough."""
        name, inputs = step
        fitting = [i for i, p in enumerate(self.places) if p.status in DESIGN[name][0]]
        if aim and fitting:
            which = fitting[which % len(fitting)]
        known = self.places[which % len(self.places)]
        # A fresh read, as an API request would: the test's object never leaks between calls.
        place = Assignment.objects.get(pk=known.pk)
        sent = {k: Decimal(v) if k == "days" else v for k, v in inputs.items() if v is not None}
        if "respond_by" in sent:  # days from today
            sent["respond_by"] = self.today() + sent["respond_by"] * DAY
        try:
            predict_step(known, name, sent, self.case_state, self.today())
            outcome = None
        except Outcome as predicted:
            outcome = predicted.kind
        before = known.status
        done = self.expect(
            outcome,
            lambda: team_services.assignment_transition(
                assignment=place, name=name, actor=self.actor, **sent
            ),
        )
        if done is None:
            assert place.status == before, "a refused step leaves the caller's object"
            return
        if name == "invite":
            known.invited_on = self.today()
            known.respond_by = sent.get("respond_by") or known.respond_by
            known.respond_by = known.respond_by or self.today() + 14 * DAY
        known.status = DESIGN[name][1]
        self.events += 1
        event = self.case.events.filter(action=TEAM_TRANSITIONS[name].action).order_by("pk").last()
        assert (event.data["assignment"], event.data["from_status"]) == (known.pk, before)
        if name in ("decline", "expire"):
            self.promote_next_reserve(known)

    # --- the reserve queue -----------------------------------------------------------------

    def queue(self, role: str) -> list[Place]:
        """The role's reserves, first to be invited first."""
        reserves = [p for p in self.places if p.status == Status.RESERVE and p.role == role]
        return sorted(reserves, key=lambda p: (p.rank is None, p.rank or 0, p.pk))

    def promote_next_reserve(self, lapsed: Place) -> None:
        """What the design says follows a decline or an expiry: the role's first invitable
        reserve invited by the system (an inactive peer passed over), or, with none left, the
        manager told (an event); nothing while K invitations of the role are still open."""
        same_role = [p for p in self.places if p.role == lapsed.role]
        open_ = sum(p.status == Status.INVITED for p in same_role)
        if open_ >= django_settings.TEAM_MAX_OPEN_INVITATIONS_PER_ROLE:
            return
        if not any(p.rank for p in same_role):
            return  # the role never had reserves: the answer's own email is enough
        self.events += 1  # the invitation, or that no reserve was left
        for reserve in self.queue(lapsed.role):
            if not reserve.peer.is_active:
                self.promotions.add("passed over")
                continue
            self.promotions.add("invited")
            today = self.today()
            reserve.status, reserve.invited_on = Status.INVITED, today
            if reserve.respond_by is None or reserve.respond_by < today:
                reserve.respond_by = today + 14 * DAY
            event = self.case.events.order_by("pk").last()
            assert event.action == "workflow.assignment.invited"
            assert (event.data["assignment"], event.data["replaces"], event.actor) == (
                reserve.pk,
                lapsed.peer.pk,
                None,
            )
            return
        self.promotions.add("none left")
        assert self.case.events.order_by("pk").last().action == "workflow.team.no_reserve_left"

    @rule(role=st.sampled_from(["lead_member", "member", "officer", "specialist"]),
          shuffle=st.randoms(use_true_random=False))  # fmt: skip
    def rank_reserves(self, role, shuffle):
        """The manager ranks a role's reserves in a random order (all of them: what a partial
        or foreign list gets is tests/workflow/test_reserves.py's)."""
        queue = self.queue(role)
        order = [p.pk for p in queue]
        shuffle.shuffle(order)
        outcome: type[Exception] | None = None
        if self.case_state == State.WITHDRAWN:
            outcome = Refused
        elif not queue:
            outcome = InvalidInput
        done = self.expect(
            outcome,
            lambda: team_services.reserves_reorder(
                challenge=self.case, role=role, order=order, actor=self.actor
            ),
        )
        if done is None:
            return
        by_pk = {p.pk: p for p in queue}
        changed = [by_pk[pk].rank != rank for rank, pk in enumerate(order, 1)]
        for rank, pk in enumerate(order, 1):
            by_pk[pk].rank = rank
        self.events += any(changed)

    @precondition(lambda self: self.places)
    @rule(which=st.integers(min_value=0, max_value=20))
    def progress(self, which):
        """A place's next step along its usual path with valid input (which the case or a
        guard may still refuse), so random runs also reach expiry and completion."""
        known = self.places[which % len(self.places)]
        lapsed = known.respond_by is not None and known.respond_by < self.today()
        # Now and then a peer declines, or the manager takes a place back.
        declines = ("decline", {"decline_reason": "dates"})
        taken_back = ("withdraw", {"reason": "Taken back"})
        accepts = ("accept", {"interests": "none"})
        completes = ("complete", {"days": "3.5"})
        step = {
            Status.RESERVE: ("invite", {"respond_by": None}),
            Status.INVITED: ("expire", {})
            if lapsed
            else [declines, taken_back, accepts, accepts][which % 4],
            Status.ACCEPTED: [completes, taken_back, completes, completes][which % 4],
        }.get(known.status)
        if known.status == Status.ACCEPTED and self.case_state == State.PREPARATION:
            self.case_step("start_onsite")  # the visit comes before the days are logged
        if step is not None:
            self.fire(which, step)

    @precondition(lambda self: any(p.status == Status.INVITED for p in self.places))
    @rule(which=st.integers(min_value=0, max_value=20))
    def let_an_invitation_lapse(self, which):
        """Days pass until an open invitation's respond-by day is over; then it expires
        (unless its case has been withdrawn meanwhile: a refusal the prediction gives)."""
        invited = [i for i, p in enumerate(self.places) if p.status == Status.INVITED]
        index = invited[which % len(invited)]
        self.clock.shift((self.places[index].respond_by - self.today()).days * DAY + DAY)
        self.fire(index, ("expire", {}))

    @rule(days=st.sampled_from([1, 6, 15]))
    def days_pass(self, days):
        self.clock.shift(days * DAY)

    # --- the case moves on -----------------------------------------------------------------

    # Withdrawal ends a run's interest in the team: it is one case step in six. (Once on site
    # the case takes none of these steps: the case's own tests cover those refusals.)
    @precondition(lambda self: self.case_state in (State.PREPARATION, State.POSTPONED))
    @rule(name=st.sampled_from(["start_onsite", "start_onsite", "postpone", "resume", "resume",
                                "withdraw"]))  # fmt: skip
    def case_step(self, name):
        sources, target = CASE_STEPS[name]
        outcome = None if self.case_state in sources else Refused
        reason = {"postpone": "Elections", "withdraw": "Cancelled"}.get(name, "")
        done = self.expect(
            outcome,
            lambda: services.challenge_transition(
                challenge=self.case, name=name, actor=self.actor, reason=reason
            ),
        )
        if done is None:
            return
        self.case_state = target
        self.events += 1
        if name == "withdraw":  # the team goes with the case, each place with its event
            for known in self.places:
                if known.status in Assignment.OPEN_PLACES:
                    known.status = Status.WITHDRAWN
                    self.events += 1

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def every_place_is_where_the_design_says(self):
        """Statuses and events as predicted; invitations hold their dates; a withdrawn case
        has no open place left. (One invariant, two queries: it runs after every step.)"""
        rows = self.case.assignments.values_list(
            "pk", "status", "invited_on", "respond_by", "reserve_rank"
        )
        stored = {pk: status for pk, status, *_ in rows}
        assert stored == {p.pk: p.status for p in self.places}
        assert {pk: (i, r, k) for pk, _, i, r, k in rows} == {
            p.pk: (p.invited_on, p.respond_by, p.rank) for p in self.places
        }, "dates and ranks as predicted"
        assert CaseEvent.objects.filter(challenge=self.case).count() == self.events, (
            "one event per change, none for a refusal"
        )
        for _, status, invited_on, respond_by, _ in rows:
            if status != Status.RESERVE:
                assert invited_on and respond_by and respond_by >= invited_on
        if self.case_state == State.WITHDRAWN:
            assert not set(stored.values()) & set(Assignment.OPEN_PLACES)
        self.reached.update(stored.values())


def test_assignment_machine_holds_under_random_service_calls():
    TeamMachine.actor = f.manager()
    TeamMachine.members = [f.PeerFactory(kind=Peer.Kind.MEMBER) for _ in range(3)]
    TeamMachine.officers = [f.PeerFactory(kind=Peer.Kind.OFFICER) for _ in range(4)]
    TeamMachine.inactive = f.PeerFactory(kind=Peer.Kind.OFFICER, is_active=False)
    run_state_machine_as_test(
        TeamMachine,
        settings=settings(
            max_examples=100,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert TeamMachine.reached == set(Status), f"never reached {set(Status) - TeamMachine.reached}"
    assert TeamMachine.promotions == {"invited", "passed over", "none left"}, TeamMachine.promotions
