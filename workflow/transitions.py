"""Every case transition, declared once.

A declaration names the model's `@transition` method, the event it writes, its guard (what the
case must already hold: unmet conditions are a refusal, HTTP 409) and its input (the case fields
a request supplies: bad or missing values are field errors, HTTP 400, decided by the model's own
validation). The one service path (`workflow.services.challenge_transition`), the API's
endpoints and input shapes, the admin's and the pages' forms, the state diagram and the
reactions table's key check are all derived from this table.

Adding a transition: the `@transition` method on `PeerChallenge`, an action constant in
`workflow.actions`, and one entry here (a guard in `workflow.guards` if it has conditions).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workflow import actions, guards
from workflow.models import Assignment, PeerChallenge


class Reason(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class Transition:
    name: str  # the PeerChallenge @transition method
    action: str  # the CaseEvent action it writes (workflow.actions)
    label: str  # its button, in words
    done: str  # what the timeline says once it has happened
    guard: Callable[[PeerChallenge], list[str]] | None = None
    fields: tuple[str, ...] = ()  # case fields the request supplies
    required: tuple[str, ...] = ()  # of those, the ones every request must supply
    reason: Reason = Reason.NONE
    reason_field: str = ""  # where the case keeps the reason, if it keeps it
    # Facts for the audit row, read before the transition runs.
    event_data: Callable[[PeerChallenge], dict[str, Any]] | None = None

    def unmet(self, challenge: PeerChallenge) -> list[str]:
        return self.guard(challenge) if self.guard else []

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every key a request may send: the fields, and `reason` where one is taken."""
        return (*self.fields, "reason") if self.reason != Reason.NONE else self.fields


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
