"""Every transition of a team place (`Assignment.status`), declared once, like the case's in
workflow/transitions.py and fired by the same path (workflow/machine.py) through
`workflow.team_services.assignment_transition`. Its events go on the case's timeline, with the
place, the peer and their role.

    reserve → invited → accepted | declined | expired
    invited | accepted → withdrawn;  accepted → completed

Adding one: the `@transition` method on `Assignment`, an action constant in `workflow.actions`,
one entry here (a guard in `workflow.guards` if it has conditions).
"""

from typing import Any

from workflow import actions, guards
from workflow.machine import Machine, Reason, Transition
from workflow.models import Assignment


def _place(place: Assignment) -> dict[str, Any]:
    return {
        "assignment": place.pk,
        "peer": place.peer_id,
        "role": place.role,
        "from_status": place.status,
    }


def overridden(place: Assignment) -> dict[str, Any]:
    """The soft conflicts a place was made or invited despite, for its event: the timeline
    shows them beside the manager's reason."""
    soft = [c.reason for c in guards.place_conflicts(place) if not c.is_hard]
    if not soft:
        return {}
    return {"soft_conflicts": soft, "override_reason": place.override_reason}


_DECLARED = [
    Transition(
        "invite",
        actions.ASSIGNMENT_INVITED,
        "Invite",
        "Invited",
        guard=guards.unmet_invite,
        check=guards.missing_override,
        # respond_by: two weeks from today when not given; override_reason: the manager's
        # reason for inviting a peer with a soft conflict (a reserve may carry it already)
        fields=("respond_by", "override_reason"),
        event_data=overridden,
    ),
    Transition(
        "accept",
        actions.ASSIGNMENT_ACCEPTED,
        "Accept the invitation",
        "Accepted the invitation",
        fields=("interests",),
        required=("interests",),
    ),
    Transition(
        "decline",
        actions.ASSIGNMENT_DECLINED,
        "Decline the invitation",
        "Declined the invitation",
        fields=("decline_reason", "decline_note"),
    ),
    Transition(
        "expire",
        actions.ASSIGNMENT_EXPIRED,
        "Mark the invitation expired",
        "Invitation expired",
        guard=guards.unmet_expire,
    ),
    Transition(
        "withdraw",
        actions.ASSIGNMENT_WITHDRAWN,
        "Withdraw from the team",
        "Withdrawn from the team",
        reason=Reason.OPTIONAL,
    ),
    Transition(
        "complete",
        actions.ASSIGNMENT_COMPLETED,
        "Log days and complete",
        "Completed the challenge",
        guard=guards.unmet_complete,
        fields=("days",),
        required=("days",),
    ),
]

TEAM_TRANSITIONS: dict[str, Transition] = {t.name: t for t in _DECLARED}

TEAM = Machine(
    model=Assignment,
    field="status",
    transitions=TEAM_TRANSITIONS,
    describe=lambda place: f"{place.peer}'s place",
    case_of=lambda place: place.challenge,
    refusal=guards.unmet_team_change,
    event_data=_place,
)
