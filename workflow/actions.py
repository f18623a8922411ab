"""What a `CaseEvent` records, as named constants: services write them, the reactions table
(peerchallenge/reactions.py) and the case page's panels key on them, and a system check
(workflow/checks.py) refuses a key that names none of them."""

# The case
CASE_CREATED = "workflow.challenge.created"
CASE_UPDATED = "workflow.challenge.updated"
BOOKED = "workflow.challenge.booked"
TEAM_ASSEMBLY_STARTED = "workflow.challenge.team_assembly_started"
TEAM_CONFIRMED = "workflow.challenge.team_confirmed"
ONSITE_STARTED = "workflow.challenge.onsite_started"
FEEDBACK_RECORDED = "workflow.challenge.feedback_recorded"
REPORT_ISSUED = "workflow.challenge.report_issued"
PUBLISHED = "workflow.challenge.published"
POST_CHALLENGE_STARTED = "workflow.challenge.post_challenge_started"
CLOSED = "workflow.challenge.closed"
POSTPONED = "workflow.challenge.postponed"
RESUMED = "workflow.challenge.resumed"
WITHDRAWN = "workflow.challenge.withdrawn"

# The team: a place added or edited, and its transitions (workflow/team_transitions.py)
ASSIGNMENT_ADDED = "workflow.assignment.added"
ASSIGNMENT_UPDATED = "workflow.assignment.updated"
ASSIGNMENT_INVITED = "workflow.assignment.invited"
ASSIGNMENT_ACCEPTED = "workflow.assignment.accepted"
ASSIGNMENT_DECLINED = "workflow.assignment.declined"
ASSIGNMENT_EXPIRED = "workflow.assignment.expired"
ASSIGNMENT_WITHDRAWN = "workflow.assignment.withdrawn"
ASSIGNMENT_COMPLETED = "workflow.assignment.completed"
# A place's invitation link replaced (revoked), and sent again with a new link
ASSIGNMENT_LINK_REVOKED = "workflow.assignment.link_revoked"
ASSIGNMENT_INVITATION_RESENT = "workflow.assignment.invitation_resent"
# A role's reserves ranked by the manager; no reserve left to invite in a lapsed place's stead
RESERVES_REORDERED = "workflow.team.reserves_reordered"
NO_RESERVE_LEFT = "workflow.team.no_reserve_left"
# The onsite dates being chosen: candidate ranges offered, and a peer's answers to them
DATE_OPTIONS_SET = "workflow.challenge.date_options_set"
AVAILABILITY_ANSWERED = "workflow.assignment.availability_answered"

ALL = frozenset(value for name, value in dict(globals()).items() if name.isupper())
