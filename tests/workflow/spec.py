"""The case state machine as DESIGN.md §3 draws it, written out independently of the model so
the tests compare the code against the design rather than against itself."""

import datetime
from dataclasses import dataclass, field

from workflow.models import State

PRE_ONSITE = (State.ENQUIRY, State.BOOKED, State.TEAM_ASSEMBLY, State.PREPARATION)

# transition name -> (source states, target state); resume's target is the state it left.
SPEC = {
    "book": ({State.ENQUIRY}, State.BOOKED),
    "start_team_assembly": ({State.BOOKED}, State.TEAM_ASSEMBLY),
    "confirm_team": ({State.TEAM_ASSEMBLY}, State.PREPARATION),
    "start_onsite": ({State.PREPARATION}, State.ONSITE),
    "record_feedback": ({State.ONSITE}, State.REPORTING),
    "issue_report": ({State.REPORTING}, State.REPORT_ISSUED),
    "publish": ({State.REPORT_ISSUED}, State.PUBLISHED),
    "start_post_challenge": ({State.PUBLISHED}, State.POST_CHALLENGE),
    "close": ({State.POST_CHALLENGE}, State.CLOSED),
    "postpone": (set(PRE_ONSITE), State.POSTPONED),
    "resume": ({State.POSTPONED}, None),
    "withdraw": ({*PRE_ONSITE, State.POSTPONED}, State.WITHDRAWN),
}

ACTIONS = {
    "book": "workflow.challenge.booked",
    "start_team_assembly": "workflow.challenge.team_assembly_started",
    "confirm_team": "workflow.challenge.team_confirmed",
    "start_onsite": "workflow.challenge.onsite_started",
    "record_feedback": "workflow.challenge.feedback_recorded",
    "issue_report": "workflow.challenge.report_issued",
    "publish": "workflow.challenge.published",
    "start_post_challenge": "workflow.challenge.post_challenge_started",
    "close": "workflow.challenge.closed",
    "postpone": "workflow.challenge.postponed",
    "resume": "workflow.challenge.resumed",
    "withdraw": "workflow.challenge.withdrawn",
}

TERMINAL = (State.CLOSED, State.WITHDRAWN)
REASON_REQUIRED = ("close", "postpone", "withdraw")


def wrong_sources(name: str) -> list[State]:
    sources, _ = SPEC[name]
    return [s for s in State if s not in sources]


# --- the design's rules as a model that predicts every call -----------------------------------
#
# From DESIGN.md §3-§4 and issue 6, not from workflow/: for a case of the corporate peer challenge
# type, what each transition, edit and team change must do. A call succeeds, or is refused (409:
# the case's state or records do not allow it, with each unmet condition named) or is invalid
# (400: a value in the request is wrong or missing, per field). A refusal "explains itself": each
# condition below lists the words its message must contain.

CPC_COMPONENTS = (
    "local-context",
    "leadership-of-place",
    "organisational-leadership",
    "financial-planning",
    "capacity-to-deliver",
)
CPC_TEAM = range(3, 7)  # 3-6 peers in all, one lead member peer and one lead officer peer
FINISHED = (State.CLOSED, State.WITHDRAWN)
MEMBER, OFFICER = "member", "officer"
# A place on the team moves only forward (DESIGN.md §4), each move a step of its own (issue 8):
# (from, to) -> the step. Any other change of status is not a step: bad input.
PLACE_STEPS = {
    ("reserve", "invited"): "invite",
    ("invited", "accepted"): "accept",
    ("invited", "declined"): "decline",
    ("invited", "expired"): "expire",
    ("invited", "withdrawn"): "withdraw",
    ("accepted", "withdrawn"): "withdraw",
    ("accepted", "completed"): "complete",
}
PLACE_MOVES: dict[str, set[str]] = {}
for _source, _target in PLACE_STEPS:
    PLACE_MOVES.setdefault(_source, set()).add(_target)
# An open invitation or an accepted place: what a withdrawn case takes with it.
OPEN_PLACES = ("invited", "accepted")
# A place's own fields, edited while the place is in these statuses (an unchanged value is no
# edit at all), and the field each is kept in. `reason`: the manager's reason for choosing a
# peer despite a soft conflict with the host (issue 8).
EDITABLE_WHILE = {
    "lead": OPEN_PLACES,
    "reason": ("reserve", *OPEN_PLACES),
    "declared": ("accepted",),
}
PLACE_FIELD = {"lead": "role", "declared": "interests", "reason": "override_reason"}
REASON_TAKEN = ("close", "postpone", "resume", "withdraw")


def day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


@dataclass
class Place:
    kind: str
    status: str = "invited"
    lead: bool = False
    declared: bool = False
    reason: bool = False  # the manager's reason for choosing the peer despite a soft conflict


@dataclass
class Case:
    """What the rules read, kept by a test beside the real case."""

    onsite_start: datetime.date | None
    onsite_end: datetime.date | None
    chief_executive: tuple[str, str]  # (name, email)
    leader: tuple[str, str]
    state: State = State.ENQUIRY
    postponed_from: str = ""
    scope: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    feedback_date: datetime.date | None = None
    report_url: str = ""
    report_issued_on: datetime.date | None = None
    publication_url: str = ""
    published_on: datetime.date | None = None
    team: dict[str, Place] = field(default_factory=dict)  # by the peer's name
    rival: str = ""  # the reference of another case of this host and type holding a place
    # Peers (by name) in conflict with the host (DESIGN.md §4): a hard conflict keeps them off
    # the team; a soft one (a declared interest, the same region) needs the manager's reason.
    hard: set[str] = field(default_factory=set)
    soft: set[str] = field(default_factory=set)

    @property
    def holds_a_place(self) -> bool:
        """Booked or later and not finished: a postponed enquiry was never booked."""
        if self.state == State.POSTPONED:
            return self.postponed_from != State.ENQUIRY
        return self.state not in (State.ENQUIRY, *FINISHED)

    def accepted(self) -> dict[str, Place]:
        return {name: p for name, p in self.team.items() if p.status == "accepted"}


Condition = tuple[str, ...]  # words the refusal's message must contain


@dataclass(frozen=True)
class Outcome:
    target: State | None = None  # it succeeds, and the case is then in this state
    unmet: tuple[Condition, ...] = ()  # refused, for exactly these conditions
    invalid: frozenset[str] = frozenset()  # invalid, in exactly these fields
    # Refused because the state does not take this step. A request that is also wrong in
    # itself may be answered either way (the design does not rank the two).
    wrong_state: bool = False

    @property
    def succeeds(self) -> bool:
        return not (self.unmet or self.invalid or self.wrong_state)


def predict_transition(case: Case, name: str, inputs: dict, today: datetime.date) -> Outcome:
    invalid = frozenset(_invalid_inputs(case, name, inputs, today))
    sources, target = SPEC[name]
    if case.state not in sources:
        return Outcome(wrong_state=True, invalid=invalid)
    if invalid:
        return Outcome(invalid=invalid)
    unmet = unmet_conditions(case, name, inputs, today)
    if unmet:
        return Outcome(unmet=unmet)
    return Outcome(target=target or State(case.postponed_from))


def _invalid_inputs(case: Case, name: str, inputs: dict, today: datetime.date):
    if name in REASON_REQUIRED and not inputs.get("reason", "").strip():
        yield "reason"
    if name == "start_team_assembly":
        objectives = inputs.get("local_objectives")
        if objectives is not None and any(not o.strip() for o in objectives):
            yield "local_objectives"  # a blank objective is not an objective
        scope = inputs.get("scope_components")
        if scope is not None and (set(scope) - set(CPC_COMPONENTS) or len(set(scope)) < len(scope)):
            yield "scope_components"
    if name == "record_feedback":
        given = inputs.get("feedback_date")
        # Presented on or after the first day of the visit, and not in the future.
        if given is None or given > today or (case.onsite_start and given < case.onsite_start):
            yield "feedback_date"
    if name == "issue_report" and not inputs.get("report_url"):
        yield "report_url"  # the final report, attached as a URL (or a file)
    if name == "publish":
        if not inputs.get("publication_url"):
            yield "publication_url"  # a CPC is published: where, and when
        given = inputs.get("published_on")
        issued = case.report_issued_on
        if given is None or given > today or (issued and given < issued):
            yield "published_on"


def unmet_conditions(case: Case, name: str, inputs: dict, today: datetime.date):
    """What the case (with the request's values applied) still lacks for the step."""
    return tuple(_unmet(case, name, inputs, today))


def _unmet(case: Case, name: str, inputs: dict, today: datetime.date):
    if name == "book":
        if not (case.onsite_start and case.onsite_end):
            yield ("onsite dates",)
        elif case.onsite_start < today:
            yield ("past", day(case.onsite_start))
        if not all(case.chief_executive):
            yield ("chief executive",)
        if not all(case.leader):
            yield ("leader",)
        if case.rival:
            yield ("open", case.rival)
    elif name == "start_team_assembly":
        scope = inputs.get("scope_components")
        scope = case.scope if scope is None else scope
        for code in CPC_COMPONENTS:
            if code not in scope:
                yield (code,)
        objectives = inputs.get("local_objectives")
        objectives = case.objectives if objectives is None else objectives
        if not [o for o in objectives if o.strip()]:
            yield ("objective",)
    elif name == "confirm_team":
        team = case.accepted()
        if len(team) not in CPC_TEAM:
            yield (str(len(team)), "peer", "needs")  # the size and what the type needs
        for kind in (MEMBER, OFFICER):
            leads = sum(p.lead and p.kind == kind for p in team.values())
            if not leads:
                yield (f"lead {kind}",)
            elif leads > 1:  # one of each leads
                yield (str(leads), f"lead {kind}", "has one")
        for peer, place in team.items():
            if not place.declared:
                yield (peer, "declared")
            if peer in case.hard:
                yield (peer, "cannot serve")
            elif peer in case.soft and not place.reason:  # a hard one: no reason helps
                yield (peer, "soft conflict", "no reason")
    elif name == "start_onsite":
        if case.onsite_start is None:
            yield ("onsite dates",)
        elif case.onsite_start > today:
            yield ("starts", day(case.onsite_start))
    elif name == "record_feedback" and case.onsite_end and case.onsite_end > today:
        yield ("until", day(case.onsite_end))  # the visit is still running


def apply_transition(case: Case, name: str, inputs: dict, today: datetime.date) -> None:
    """What a successful transition leaves on the case."""
    outcome = predict_transition(case, name, inputs, today)
    assert outcome.succeeds, outcome
    if name == "start_team_assembly":
        for given, kept in (("scope_components", "scope"), ("local_objectives", "objectives")):
            if inputs.get(given) is not None:  # not given: the case keeps what it had
                setattr(case, kept, list(inputs[given]))
    elif name == "record_feedback":
        case.feedback_date = inputs["feedback_date"]
    elif name == "issue_report":
        case.report_url = inputs["report_url"]
        case.report_issued_on = case.report_issued_on or today
    elif name == "publish":
        case.publication_url, case.published_on = inputs["publication_url"], inputs["published_on"]
    if name == "withdraw":  # the case takes its open places with it
        for place in case.team.values():
            if place.status in OPEN_PLACES:
                place.status = "withdrawn"
    case.postponed_from = case.state if name == "postpone" else ""
    case.state = outcome.target


def predict_edit(case: Case, changes: dict) -> Outcome:
    """An edit of the case's own fields (dates, contacts) by a manager."""
    if case.state in FINISHED:
        return Outcome(unmet=((state_word(case.state),),))
    start = changes.get("onsite_start", case.onsite_start)
    if case.feedback_date and start and case.feedback_date < start:
        # The visit cannot begin after the feedback that ended it was presented.
        return Outcome(invalid=frozenset({"onsite_start"}))
    return Outcome(target=case.state)


def predict_team_add(case: Case, name: str, place: Place) -> Outcome:
    """Putting a peer on the team: not once the case is over; never a peer with a hard
    conflict (each named); a soft conflict only with the manager's reason."""
    if case.state in FINISHED:
        return Outcome(unmet=((state_word(case.state),),))
    if name in case.hard:
        return Outcome(unmet=((name, "cannot serve"),))
    if name in case.soft and not place.reason:
        return Outcome(invalid=frozenset({"override_reason"}))
    return Outcome(target=case.state)


def predict_team_change(case: Case, place: Place | None, changes: dict, name: str = "") -> Outcome:
    """A step of a place (a new `status`), or an edit of one of its fields (`lead`,
    `declared`, `reason`: one per call) of peer `name`'s place. No team changes once a case
    is over, save the withdrawal of a withdrawn case's places."""
    status = changes.get("status")
    if place is not None and status is not None:
        step = PLACE_STEPS.get((place.status, status))
        if step is None:
            return Outcome(invalid=frozenset({"status"}))  # a status is not an edit
        if case.state in FINISHED and not (case.state == State.WITHDRAWN and step == "withdraw"):
            return Outcome(unmet=((state_word(case.state),),))
        if step == "expire":  # the invitation has two weeks to be answered: not over yet
            return Outcome(unmet=(("open until",),))
        if step == "complete" and case.state in (*PRE_ONSITE, State.POSTPONED):
            return Outcome(unmet=(("not started",),))
        return Outcome(target=case.state)
    if case.state in FINISHED:
        return Outcome(unmet=((state_word(case.state),),))
    for key, value in changes.items() if place is not None else ():
        if getattr(place, key) == value:
            continue  # no change: nothing to refuse, nothing written
        if place.status not in EDITABLE_WHILE[key] or (key == "declared" and not value):
            return Outcome(invalid=frozenset({PLACE_FIELD[key]}))
        if key == "reason" and not value and name in case.soft:
            return Outcome(invalid=frozenset({PLACE_FIELD[key]}))  # a soft conflict keeps one
    return Outcome(target=case.state)


def state_word(state: State) -> str:
    return State(state).label.lower()
