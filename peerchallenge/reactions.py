"""Every cross-app consequence of a case event, in one table (DESIGN.md §2).

The workflow service runs the reactions listed for an event's action inside the transition's
transaction: a reaction that fails rolls the transition back, and the outbox rows a reaction
writes commit together with the change.
"""

from notifications import availability_emails, reactions_reserves, team_emails
from notifications import reactions as notify
from surveys import reactions as surveys
from workflow import actions, reactions_team

REACTIONS = {
    actions.BOOKED: [notify.email_booking_confirmation],
    # The feedback survey to the chief executive and leader, for types that send surveys.
    actions.REPORT_ISSUED: [surveys.invite_to_feedback_survey],
    # The impact survey, scheduled for onsite end + 12 months (sent by the survey sweep).
    actions.POST_CHALLENGE_STARTED: [surveys.schedule_impact_survey],
    actions.TEAM_CONFIRMED: [notify.email_team_joining_instructions],
    actions.CASE_UPDATED: [notify.email_visit_dates_changed],
    actions.POSTPONED: [notify.email_visit_postponed],
    actions.RESUMED: [notify.email_visit_back_on],
    # In this order: the email goes to the peers on the team, then the team is withdrawn.
    actions.WITHDRAWN: [notify.email_visit_withdrawn, reactions_team.withdraw_team],
    # The role's next reserve is invited in the place of one who declined or let it lapse;
    # the manager hears whom the queue invited (or that it is empty) from that invitation.
    actions.ASSIGNMENT_DECLINED: [
        team_emails.email_invitation_answered,
        reactions_team.invite_next_reserve,
    ],
    actions.ASSIGNMENT_EXPIRED: [
        team_emails.email_invitation_answered,
        reactions_team.invite_next_reserve,
    ],
    actions.ASSIGNMENT_INVITED: [
        team_emails.email_invitation,
        reactions_reserves.email_reserve_invited,
    ],
    # The peer's invitation and place: confirmed with the calendar invite, the manager told of
    # the answer; a withdrawn place told (not twice when the whole case was withdrawn).
    actions.ASSIGNMENT_INVITATION_RESENT: [team_emails.email_invitation],
    actions.ASSIGNMENT_ACCEPTED: [
        team_emails.email_place_confirmed,
        team_emails.email_invitation_answered,
    ],
    actions.ASSIGNMENT_WITHDRAWN: [team_emails.email_place_withdrawn],
    actions.NO_RESERVE_LEFT: [reactions_reserves.email_reserve_invited],
    # The team asked which of the offered onsite dates they can make.
    actions.DATE_OPTIONS_SET: [availability_emails.email_availability_poll],
}
