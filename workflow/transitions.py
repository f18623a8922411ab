"""Every case transition, declared once.

A declaration names the model's `@transition` method, the event it writes, its guard (what the
case must already hold: unmet conditions are a refusal, HTTP 409) and its input (the case fields
a request supplies: bad or missing values are field errors, HTTP 400, decided by the model's own
validation). The one service path (`workflow.services.challenge_transition`), the API's
endpoints and input shapes, the admin's and the pages' forms, the state diagram and the
reactions table's key check are all derived from this table.

Adding a transition: the `@transition` method on `PeerChallenge`, an action constant in
`workflow.actions`, and one entry here (a guard in `workflow.guards` if it has conditions).
A team place's transitions are declared the same way in `workflow/team_transitions.py`; both
tables are fired by the one path in `workflow/machine.py`.
"""

from typing import Any

from workflow import actions, guards
from workflow.machine import Machine, Reason, Transition
from workflow.models import Assignment, PeerChallenge

__all__ = ["CASE", "TRANSITIONS", "Reason", "Transition"]


def _accepted_peers(challenge: PeerChallenge) -> dict[str, Any]:
    team = challenge.assignments.filter(status=Assignment.Status.ACCEPTED)
    return {"peers": list(team.values_list("peer_id", flat=True))}


def _resumes_to(challenge: PeerChallenge) -> dict[str, Any]:
    return {"resumed_to": challenge.postponed_from}


_DECLARED = [
    Transition("book", actions.BOOKED, "Book", "Booked", guard=guards.unmet_book),
    Transition(
        "start_team_assembly",
        actions.TEAM_ASSEMBLY_STARTED,
        "Agree scope and start team assembly",
        "Scope agreed; team assembly started",
        guard=guards.unmet_start_team_assembly,
        fields=("scope_components", "local_objectives"),
    ),
    Transition(
        "confirm_team",
        actions.TEAM_CONFIRMED,
        "Confirm the team",
        "Team confirmed",
        guard=guards.unmet_confirm_team,
        event_data=_accepted_peers,
    ),
    Transition(
        "start_onsite",
        actions.ONSITE_STARTED,
        "Start onsite visit",
        "Onsite visit started",
        guard=guards.unmet_start_onsite,
    ),
    Transition(
        "record_feedback",
        actions.FEEDBACK_RECORDED,
        "Record feedback presentation",
        "Feedback presented",
        guard=guards.unmet_record_feedback,
        fields=("feedback_date",),
        required=("feedback_date",),
    ),
    Transition(
        "issue_report",
        actions.REPORT_ISSUED,
        "Issue the report",
        "Report issued",
        fields=("report_url", "report_file", "report_issued_on"),
    ),
    Transition(
        "publish",
        actions.PUBLISHED,
        "Record publication",
        "Publication recorded",
        fields=("publication_url", "published_on", "action_plan_url", "action_plan_published_on"),
    ),
    Transition(
        "start_post_challenge",
        actions.POST_CHALLENGE_STARTED,
        "Start post-challenge",
        "Post-challenge follow-up started",
    ),
    Transition(
        "close",
        actions.CLOSED,
        "Close",
        "Closed",
        reason=Reason.REQUIRED,
        reason_field="closed_reason",
    ),
    Transition(
        "postpone",
        actions.POSTPONED,
        "Postpone",
        "Postponed",
        reason=Reason.REQUIRED,
        reason_field="postponed_reason",
    ),
    Transition(
        "resume",
        actions.RESUMED,
        "Resume",
        "Resumed",
        reason=Reason.OPTIONAL,
        event_data=_resumes_to,
        target_of=lambda challenge: challenge.postponed_from,
    ),
    Transition(
        "withdraw",
        actions.WITHDRAWN,
        "Withdraw",
        "Withdrawn",
        reason=Reason.REQUIRED,
        reason_field="withdrawn_reason",
    ),
]

TRANSITIONS: dict[str, Transition] = {t.name: t for t in _DECLARED}

CASE = Machine(
    model=PeerChallenge,
    field="state",
    transitions=TRANSITIONS,
    describe=lambda challenge: "the case",
    case_of=lambda challenge: challenge,
)
