"""Every cross-app consequence of a case event, in one table (DESIGN.md §2).

The workflow service runs the reactions listed for an event's action inside the transition's
transaction: a reaction that fails rolls the transition back, and the outbox rows a reaction
writes commit together with the change.
"""

from notifications import reactions as notify
from workflow import actions, reactions_team

REACTIONS = {
    actions.BOOKED: [notify.email_booking_confirmation],
    actions.TEAM_CONFIRMED: [notify.email_team_joining_instructions],
    actions.CASE_UPDATED: [notify.email_visit_dates_changed],
    actions.POSTPONED: [notify.email_visit_postponed],
    actions.RESUMED: [notify.email_visit_back_on],
    # In this order: the email goes to the peers on the team, then the team is withdrawn.
    actions.WITHDRAWN: [notify.email_visit_withdrawn, reactions_team.withdraw_team],
}
