"""Hypothesis drives one case through random sequences of service calls (transitions with valid
and invalid inputs, edits, team changes, a rival case) beside a model of the design's rules
(tests/workflow/spec.py). Before every call the model predicts whether it must succeed, be
refused (409, and for which unmet conditions) or be invalid (400, and in which fields); the call
must do exactly that, both ways: a guard that refuses `book` or `confirm_team` on valid data
fails the test as surely as one that lets a bad case through. After every step the case, its
team, its audit trail and the places held agree with the model: at most one case per host and
type holds a place.

Each generated example runs inside a savepoint that is rolled back at teardown, so examples
never see each other's rows while the register, types, manager and peers are set up once.
"""

import datetime
import warnings
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
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
from tests.workflow.spec import (
    ACTIONS,
    CPC_COMPONENTS,
    CPC_TEAM,
    MEMBER,
    OFFICER,
    OPEN_PLACES,
    PLACE_MOVES,
    PLACE_STEPS,
    PRE_ONSITE,
    REASON_TAKEN,
    SPEC,
    Case,
    Outcome,
    Place,
    apply_transition,
    predict_edit,
    predict_team_add,
    predict_team_change,
    predict_transition,
    state_word,
    unmet_conditions,
)
from workflow import services, team_services
from workflow.choices import HOLDS_A_PLACE
from workflow.models import Assignment, DeclaredInterest, Peer, PeerChallenge, State

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CPC_SCOPE = list(CPC_COMPONENTS)
REASONS = st.sampled_from(["", "   ", "The council asked to move the dates"])
URLS = st.sampled_from(["", "https://adur.example.gov.uk/peer-challenge"])
DATES = st.sampled_from([None, TODAY - 30 * DAY, TODAY - DAY, TODAY, TODAY + DAY, TODAY + 60 * DAY])
SCOPES = st.sampled_from(
    [
        None,
        [],
        CPC_SCOPE[:2],
        CPC_SCOPE,
        [*CPC_SCOPE, "not-a-component"],
        [*CPC_SCOPE, CPC_SCOPE[0]],
    ]
)
OBJECTIVES = st.sampled_from([None, [], ["  "], ["Housing delivery"], ["Housing", " "]])

# Inputs for each transition: a mix of valid and invalid values.
INPUTS = {
    "book": st.fixed_dictionaries({}),
    "start_team_assembly": st.fixed_dictionaries(
        {"scope_components": SCOPES, "local_objectives": OBJECTIVES}
    ),
    "confirm_team": st.fixed_dictionaries({}),
    "start_onsite": st.fixed_dictionaries({}),
    "record_feedback": st.fixed_dictionaries({"feedback_date": DATES}),
    "issue_report": st.fixed_dictionaries({"report_url": URLS}),
    "publish": st.fixed_dictionaries({"publication_url": URLS, "published_on": DATES}),
    "start_post_challenge": st.fixed_dictionaries({}),
    **{name: st.fixed_dictionaries({"reason": REASONS}) for name in REASON_TAKEN},
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
CASE_FIELDS = [
    "state",
    "postponed_from",
    "onsite_start",
    "onsite_end",
    "chief_executive_name",
    "chief_executive_email",
    "leader_name",
    "leader_email",
    "scope_components",
    "local_objectives",
    "feedback_date",
    "report_url",
    "report_issued_on",
    "publication_url",
    "published_on",
]
# The steps with a guard: each must also go through on valid data, not only be refused.
GUARDED = ("book", "start_team_assembly", "confirm_team", "start_onsite", "record_feedback")
VISIT_AHEAD = {"onsite_start": TODAY + 5 * DAY, "onsite_end": TODAY + 8 * DAY}
VISIT_DONE = {"onsite_start": TODAY - 5 * DAY, "onsite_end": TODAY - 2 * DAY}
CONTACTS = {
    "chief_executive_name": "Chris Executive",
    "chief_executive_email": "ce@adur.example.gov.uk",
    "leader_name": "Lee Leader",
    "leader_email": "leader@adur.example.gov.uk",
}
# Peers' names are distinct words, so a refusal naming one names no other.
MEMBER_NAMES = ["Ash Grove", "Birch Lane", "Cedar Hill", "Dale Moor"]
OFFICER_NAMES = [
    "Elm Field",
    "Fern Bank",
    "Gorse Heath",
    "Holly Wood",
    "Ivy Brook",
    "Juniper Vale",
    "Kestrel Ridge",
]
# Their conflicts with the host, Adur, from the register: Kestrel Ridge works there (hard);
# Gorse Heath works in Worthing, also in the South East, and Cedar Hill has declared an interest
# in Adur (soft). The others work in Birmingham.
HOME_COUNCILS = {"Kestrel Ridge": "ADU", "Gorse Heath": "WOT"}
HARD = {"Kestrel Ridge"}
SOFT = {"Cedar Hill", "Gorse Heath"}
OVERRIDE = "Knows the council's partners and has no tie to it"
STATUSES = sorted({*PLACE_MOVES, *(s for moves in PLACE_MOVES.values() for s in moves)})


def explains(messages: list[str], conditions: tuple[tuple[str, ...], ...]) -> bool:
    """Each message names exactly one predicted condition, and each condition is named once."""

    def names(message: str, condition: tuple[str, ...]) -> bool:
        return all(word.lower() in message.lower() for word in condition)

    return (
        len(messages) == len(conditions)
        and all(sum(names(m, c) for c in conditions) == 1 for m in messages)
        and all(sum(names(m, c) for m in messages) == 1 for c in conditions)
    )


# Where the implementation answers otherwise than the model: reported (issue 6), not bent into
# the model. (what was called, the fields the model names, the fields the code names): why.
KNOWN_DISAGREEMENTS = {
    ("edit", frozenset({"onsite_start"}), frozenset({"feedback_date"})): (
        "moving the onsite start after the feedback date blames feedback_date, a field the "
        "request did not send, rather than the onsite_start it did"
    ),
    (
        "publish",
        frozenset({"publication_url", "published_on"}),
        frozenset({"published_on"}),
    ): (
        "a blank publication URL together with a wrong publication date reports only the "
        "date: the URL's error comes from a later stage of validation"
    ),
}
DISAGREEMENTS_MET: Counter = Counter()


def known_disagreement(what: str, outcome: Outcome, fields: set[str]) -> bool:
    key = (what, outcome.invalid, frozenset(fields))
    if key in KNOWN_DISAGREEMENTS:
        DISAGREEMENTS_MET[key] += 1
        return True
    return False


def compiled(queryset) -> tuple[str, tuple]:
    """The SQL of a query, to run it many times without building it again. The invariants run
    after every step, some 10,000 times a run, and building the query was most of their cost."""
    return queryset.query.sql_with_params()


class CaseMachine(RuleBasedStateMachine):
    actor = None
    peers: dict[str, Peer] = {}
    reached: set[str] = set()  # across all examples: proof the search covers the machine
    succeeded: Counter = Counter()  # transitions that went through, across all examples
    advanced: Counter = Counter()  # states the next step on valid data left, likewise
    holding_places: tuple[str, tuple] = ("", ())  # SQL: (pk, host, type) of cases holding one

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        visit = {"onsite_start": TODAY - 2 * DAY, "onsite_end": TODAY + DAY}  # running now
        self.case = services.challenge_create(
            actor=self.actor,
            host=f.council("ADU"),
            challenge_type=f.challenge_type("corporate"),
            **visit,
            **CONTACTS,
        )
        self.model = Case(
            hard=set(HARD),
            soft=set(SOFT),
            **visit,
            chief_executive=(CONTACTS["chief_executive_name"], CONTACTS["chief_executive_email"]),
            leader=(CONTACTS["leader_name"], CONTACTS["leader_email"]),
        )
        self.expected_events = 1  # "created"
        self.rival: PeerChallenge | None = None
        self.stored_case = compiled(
            # The case's own events: other apps' reactions add theirs (the surveys sent).
            PeerChallenge.objects.filter(pk=self.case.pk).annotate(
                events_written=Count("events", filter=Q(events__action__startswith="workflow."))
            )
        )

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def expect(self, outcome: Outcome, call: Callable[[], object], what: str = "") -> bool:
        """Make the call; it must do what the model predicted. True if it succeeded."""
        try:
            call()
        except InvalidInput as invalid:
            fields = set(invalid.errors)
            if outcome.wrong_state:  # also wrong in itself: either answer is right
                assert fields and fields <= outcome.invalid, (invalid.errors, outcome)
            elif fields != outcome.invalid and not known_disagreement(what, outcome, fields):
                raise AssertionError((what, invalid.errors, outcome)) from None
            return False
        except Refused as refused:
            if outcome.wrong_state:
                [message] = refused.unmet
                assert state_word(self.model.state) in message, (message, outcome)
            else:
                assert outcome.unmet, f"refused although the model says {outcome}: {refused.unmet}"
                assert explains(refused.unmet, outcome.unmet), (refused.unmet, outcome.unmet)
            return False
        assert outcome.succeeds, f"succeeded although the model says {outcome}"
        return True

    # --- the transitions -----------------------------------------------------------------

    @precondition(lambda self: self.model.state in NEXT)
    @rule(team_size=st.sampled_from(CPC_TEAM))
    def advance(self, team_size):
        """What a manager does to move the case on: make it ready through the ordinary services
        (dates, contacts, team), then fire the next step with valid inputs. The model says it
        must succeed unless something outside the case blocks it (a rival, no peers left)."""
        state = self.model.state
        if state == State.ENQUIRY:
            self.edit_case({**VISIT_AHEAD, **CONTACTS})
        elif state == State.TEAM_ASSEMBLY:
            self.make_team_valid(team_size)
        elif state in (State.PREPARATION, State.ONSITE):
            self.edit_case(VISIT_DONE)
        self.check_available_transitions()
        if self.transition(*NEXT[state]):
            self.advanced[state] += 1

    def check_available_transitions(self) -> None:
        """What the API offers: the steps out of this state, each with what it still lacks."""
        offered = services.available_transitions(self.case, self.actor)
        leaving = {name for name, (sources, _) in SPEC.items() if self.model.state in sources}
        assert {t["name"] for t in offered} == leaving
        for t in offered:
            expected = unmet_conditions(self.model, t["name"], {}, TODAY)
            assert explains(t["unmet"], expected), (t, expected)
            assert t["ready"] == (not expected)

    @precondition(lambda self: self.model.state in SPEC["withdraw"][0])
    @rule(name=st.sampled_from(["postpone", "postpone", "withdraw"]))
    def step_aside(self, name):
        """Postpone or withdraw with a reason, as a manager does when the council asks; the
        side states are otherwise rare, a valid reason being one input in three."""
        self.transition(name, {"reason": "The council asked to move the dates"})

    @rule(call=FIRE)
    def fire(self, call):
        self.transition(*call)

    def transition(self, name: str, inputs: dict) -> bool:
        source = self.model.state
        outcome = predict_transition(self.model, name, inputs, TODAY)

        def fire():
            services.challenge_transition(
                name=name, challenge=self.case, actor=self.actor, **inputs
            )

        if not self.expect(outcome, fire, name):
            assert self.case.state == source
            in_memory = tuple(getattr(self.case, f) for f in CASE_FIELDS)
            assert in_memory == self.expected_row(), "a refused call left its values in memory"
            return False
        taken_along = sum(p.status in OPEN_PLACES for p in self.model.team.values())
        apply_transition(self.model, name, inputs, TODAY)
        self.succeeded[name] += 1
        event = self.case.events.filter(action__startswith="workflow.challenge.").last()
        assert (event.action, event.from_state, event.to_state) == (
            ACTIONS[name],
            source,
            self.model.state,
        )
        # A withdrawal withdraws the open places too, each with its own event.
        self.expected_events += 1 + (taken_along if name == "withdraw" else 0)
        if name == "withdraw":
            self.check_team()
        return True

    # --- what the guards read, changed the ordinary ways ---------------------------------

    @rule(
        field=st.sampled_from(["onsite_start", "leader_email", "chief_executive_name"]),
        blank=st.booleans(),
        past=st.booleans(),
    )
    def edit(self, field, blank, past):
        if field == "onsite_start":
            value = None if blank else TODAY + (-5 if past else 5) * DAY
            self.edit_case({"onsite_start": value, "onsite_end": value and value + 3 * DAY})
        else:
            self.edit_case({field: "" if blank else "someone@adur.example.gov.uk"})

    def edit_case(self, changes: dict) -> None:
        changed = {k: v for k, v in changes.items() if getattr(self.case, k) != v}
        outcome = predict_edit(self.model, changes)

        def edit():
            services.challenge_update(challenge=self.case, actor=self.actor, changes=changes)

        if self.expect(outcome, edit, "edit"):
            self.expected_events += bool(changed)
            for key, value in changes.items():
                self.remember(key, value)

    def remember(self, key: str, value) -> None:
        model = self.model
        if key in ("onsite_start", "onsite_end"):
            setattr(model, key, value)
        elif key.startswith("chief_executive_"):
            name, email = model.chief_executive
            model.chief_executive = (value, email) if key.endswith("name") else (name, value)
        else:
            name, email = model.leader
            model.leader = (value, email) if key.endswith("name") else (name, value)

    # --- the team, through its service ---------------------------------------------------

    @rule(
        which=st.integers(min_value=0, max_value=len(MEMBER_NAMES) + len(OFFICER_NAMES) - 1),
        accepted=st.booleans(),
        lead=st.booleans(),
        declared=st.booleans(),
        reason=st.booleans(),
    )
    def add_peer(self, which, accepted, lead, declared, reason):
        name = sorted(self.peers)[which]
        if name not in self.model.team:
            status = "accepted" if accepted else "invited"
            self.team_add(name, Place(self.peers[name].kind, status, lead, declared, reason))

    @rule(which=st.integers(min_value=0, max_value=len(MEMBER_NAMES) + len(OFFICER_NAMES) - 1))
    def declare_interest(self, which):
        """A peer declares an interest in the host: a soft conflict from now on, whatever
        place they already hold (confirming the team then needs the manager's reason)."""
        name = sorted(self.peers)[which]
        DeclaredInterest.objects.get_or_create(peer=self.peers[name], council=self.case.host)
        self.model.soft.add(name)

    @rule(
        which=st.integers(min_value=0, max_value=9),
        change=st.one_of(
            st.tuples(st.just("status"), st.sampled_from(STATUSES)),
            st.tuples(st.sampled_from(["lead", "declared", "reason"]), st.booleans()),
        ),
    )
    def change_place(self, which, change):
        if not self.model.team:
            return
        name = sorted(self.model.team)[which % len(self.model.team)]
        field, value = change
        before_visit = (*PRE_ONSITE, State.POSTPONED)
        if field == "status" and value == "completed" and self.model.state in before_visit:
            return  # a place is completed after the visit (DESIGN.md §4); not modelled before
        if field == "status" and value == self.model.team[name].status:
            return  # not a change
        self.team_change(name, **{field: value})

    def team_add(self, name: str, place: Place) -> None:
        """Invite the peer in their role, with the manager's reason for choosing them or
        without; an accepted place then accepts (declaring "none"): each through the team's
        services, each an event."""
        outcome = predict_team_add(self.model, name, place)
        kind = self.peers[name].kind
        role = f"lead_{kind}" if place.lead else kind

        def add():
            with transaction.atomic():
                added = team_services.assignment_add(
                    challenge=self.case,
                    peer=self.peers[name],
                    actor=self.actor,
                    role=role,
                    override_reason=OVERRIDE if place.reason else "",
                )
                if place.status == "accepted":
                    team_services.assignment_transition(
                        assignment=added, name="accept", actor=self.actor, interests="none"
                    )

        if self.expect(outcome, add):
            place.declared = place.status == "accepted"  # accepting is declaring
            self.model.team[name] = place
            self.expected_events += 2 + (place.status == "accepted")
        self.check_team()

    def team_change(self, name: str, **changes) -> None:
        """One change to a place: a step of it (a new `status`, through the step's service,
        or refused as an edit when it is not a step), or an edit of one field."""
        [(key, value)] = changes.items()
        place = self.model.team[name]
        assignment = Assignment.objects.get(challenge=self.case, peer=self.peers[name])
        outcome = predict_team_change(self.model, place, changes, name)
        step = PLACE_STEPS.get((place.status, value)) if key == "status" else None
        changed = getattr(place, key) != value
        kind = self.peers[name].kind
        edit = {
            "status": {"status": value},
            "lead": {"role": f"lead_{kind}" if value else kind},
            "declared": {"interests": "none" if value else ""},
            "reason": {"override_reason": OVERRIDE if value else ""},
        }[key]

        def change():
            if step is not None:
                inputs = {"accept": {"interests": "none"}, "complete": {"days": Decimal("3.5")}}
                team_services.assignment_transition(
                    assignment=assignment, name=step, actor=self.actor, **inputs.get(step, {})
                )
            else:
                team_services.assignment_update(
                    assignment=assignment, actor=self.actor, changes=edit
                )

        if self.expect(outcome, change):
            setattr(place, key, value)
            if step == "accept":
                place.declared = True
            self.expected_events += changed
        self.check_team()

    def make_team_valid(self, size: int) -> None:
        """Give a reason for each soft conflict, name the leads and fill the team to size, with
        the peers left who may serve (a peer's place on a case is theirs once: a withdrawn peer
        does not come back)."""
        team = self.model.team
        for name, place in self.model.accepted().items():
            if name in self.model.soft and not place.reason:
                self.team_change(name, reason=True)
        unused = [n for n in sorted(self.peers) if n not in team and n not in self.model.hard]
        for kind in (MEMBER, OFFICER):
            accepted = self.model.accepted()
            leads = [n for n, p in accepted.items() if p.lead and p.kind == kind]
            for extra in leads[1:]:  # one lead of each kind
                self.team_change(extra, lead=False)
            if leads:
                continue
            same_kind = [n for n, p in accepted.items() if p.kind == kind]
            if same_kind:
                self.team_change(same_kind[0], lead=True)
            elif candidates := [n for n in unused if self.peers[n].kind == kind]:
                unused.remove(candidates[0])
                chosen = candidates[0]
                self.team_add(
                    chosen, Place(kind, "accepted", lead=True, declared=True, reason=True)
                )
        while len(self.model.accepted()) < size and unused:
            name = unused.pop(0)
            self.team_add(
                name, Place(self.peers[name].kind, "accepted", declared=True, reason=True)
            )
        while len(accepted := self.model.accepted()) > size:
            spare = [n for n, p in accepted.items() if not p.lead] or list(accepted)
            self.team_change(spare[0], status="withdrawn")

    # --- a rival case for the same council and type --------------------------------------

    @precondition(lambda self: self.rival is None and not self.model.holds_a_place)
    @rule()
    def open_rival_case(self):
        """Another open CPC for the same council: booking must now be refused. (While this
        case holds the place, the database refuses a rival outright.)"""
        self.rival = f.PeerChallengeFactory(state=State.BOOKED, manager=self.actor)
        self.model.rival = self.rival.reference

    @precondition(lambda self: self.rival is not None and self.rival.state == State.BOOKED)
    @rule()
    def withdraw_rival_case(self):
        services.challenge_transition(
            name="withdraw", challenge=self.rival, actor=self.actor, reason="Merged"
        )
        self.model.rival = ""

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
        [stored] = PeerChallenge.objects.raw(*self.stored_case)
        assert self.case.state == self.model.state
        assert tuple(getattr(stored, f) for f in CASE_FIELDS) == self.expected_row()
        assert stored.events_written == self.expected_events, "one event per change, no more"
        self.reached.add(self.model.state)

    def expected_row(self) -> tuple:
        """CASE_FIELDS as the model has them."""
        model = self.model
        return (
            model.state,
            model.postponed_from,
            model.onsite_start,
            model.onsite_end,
            *model.chief_executive,
            *model.leader,
            model.scope,
            model.objectives,
            model.feedback_date,
            model.report_url,
            model.report_issued_on,
            model.publication_url,
            model.published_on,
        )

    def check_team(self) -> None:
        """The team is what its service was told (checked after each team change: nothing
        else changes it)."""
        stored = {
            name: Place(kind, status, role.startswith("lead_"), bool(interests.strip()), bool(why))
            for name, kind, status, role, interests, why in Assignment.objects.filter(
                challenge=self.case
            ).values_list(
                "peer__name",
                "peer__kind",
                "status",
                "role",
                "interests",
                "override_reason",
            )
        }
        assert stored == self.model.team

    @invariant()
    def at_most_one_case_per_host_and_type_holds_a_place(self):
        with connection.cursor() as cursor:
            cursor.execute(*self.holding_places)
            holding = cursor.fetchall()
        places = Counter((host, ctype) for _, host, ctype in holding)
        assert max(places.values(), default=0) <= 1, places
        held = {pk for pk, _, _ in holding}
        assert (self.case.pk in held) == self.model.holds_a_place
        assert (self.rival is not None and self.rival.pk in held) == bool(self.model.rival)

    @invariant()
    def a_postponed_case_remembers_where_it_was(self):
        if self.case.state == State.POSTPONED:
            assert self.case.postponed_from in SPEC["postpone"][0]


def test_case_state_machine_holds_under_random_service_calls():
    CaseMachine.actor = f.manager()
    CaseMachine.peers = {
        name: f.PeerFactory(name=name, kind=kind, council=f.council(HOME_COUNCILS.get(name, "BIR")))
        for names, kind in ((MEMBER_NAMES, Peer.Kind.MEMBER), (OFFICER_NAMES, Peer.Kind.OFFICER))
        for name in names
    }
    DeclaredInterest.objects.create(peer=CaseMachine.peers["Cedar Hill"], council=f.council("ADU"))
    CaseMachine.holding_places = compiled(
        PeerChallenge.objects.filter(HOLDS_A_PLACE).values_list("pk", "host", "challenge_type")
    )
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=200,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    for key, count in DISAGREEMENTS_MET.items():
        warnings.warn(
            f"model and code disagree ({count} calls): {KNOWN_DISAGREEMENTS[key]}", stacklevel=1
        )
    assert CaseMachine.reached == set(State), f"never reached {set(State) - CaseMachine.reached}"
    assert set(CaseMachine.succeeded) == set(SPEC), set(SPEC) - set(CaseMachine.succeeded)
    guarded = {state for state, (name, _) in NEXT.items() if name in GUARDED}
    assert guarded <= set(CaseMachine.advanced), guarded - set(CaseMachine.advanced)
