"""The TextChoices that the models and the guards share. They live outside workflow.models
because the models import the guards (as transition conditions), so the guards cannot import
the models."""

from django.db import models


class State(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry"
    BOOKED = "booked", "Booked"
    TEAM_ASSEMBLY = "team_assembly", "Team assembly"
    PREPARATION = "preparation", "Preparation"
    ONSITE = "onsite", "Onsite"
    REPORTING = "reporting", "Reporting"
    REPORT_ISSUED = "report_issued", "Report issued"
    PUBLISHED = "published", "Published"
    POST_CHALLENGE = "post_challenge", "Post challenge"
    CLOSED = "closed", "Closed"
    POSTPONED = "postponed", "Postponed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A case may be postponed or withdrawn only before the team is on site.
BEFORE_ONSITE = [State.ENQUIRY, State.BOOKED, State.TEAM_ASSEMBLY, State.PREPARATION]
TERMINAL = [State.CLOSED, State.WITHDRAWN]
# Not finished, said as the states a case may be in: a filter on these is read through the
# state index (a few thousand of 100,000 cases), where "not closed or withdrawn" scans them all.
UNFINISHED = [state for state in State if state not in TERMINAL]
# A case holds its host's place for its type from booking until it finishes: an enquiry (also
# one postponed while an enquiry) is not yet booked. One such case per host and type: the
# booking guard reads this and the database constraint is built from it.
HOLDS_A_PLACE = ~models.Q(state__in=[State.ENQUIRY, *TERMINAL]) & ~models.Q(
    state=State.POSTPONED, postponed_from=State.ENQUIRY
)
# A follow-up may follow only a case whose report has been issued.
REPORT_ISSUED_OR_LATER = [
    State.REPORT_ISSUED,
    State.PUBLISHED,
    State.POST_CHALLENGE,
    State.CLOSED,
]


class PeerKind(models.TextChoices):
    MEMBER = "member", "Member peer"
    OFFICER = "officer", "Officer peer"


class AssignmentStatus(models.TextChoices):
    RESERVE = "reserve", "Reserve"
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"


class AssignmentRole(models.TextChoices):
    """A place's role on the team, in the order a team is listed."""

    LEAD_MEMBER = "lead_member", "Lead member peer"
    LEAD_OFFICER = "lead_officer", "Lead officer peer"
    MEMBER = "member", "Member peer"
    OFFICER = "officer", "Officer peer"
    SPECIALIST = "specialist", "Specialist peer"
    SHADOW = "shadow", "Shadow peer"


# Roles a councillor fills (member peers) and roles a senior officer fills; specialists and
# shadows may be either.
MEMBER_ROLES = (AssignmentRole.LEAD_MEMBER, AssignmentRole.MEMBER)
OFFICER_ROLES = (AssignmentRole.LEAD_OFFICER, AssignmentRole.OFFICER)
# Shadows (trainees) come along to learn: they do not count towards the team's size.
COUNTED_ROLES = tuple(r for r in AssignmentRole if r != AssignmentRole.SHADOW)


class DeclineReason(models.TextChoices):
    DATES = "dates", "Not available on the dates"
    WORKLOAD = "workload", "Too much other work"
    CONFLICT = "conflict", "A conflict of interest"
    EXPERTISE = "expertise", "Not the right expertise for this challenge"
    OTHER = "other", "Another reason"


ON_TEAM = (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)
# Places that still hold a peer's time: the invitation is open or it was accepted. Withdrawing
# a case withdraws these.
OPEN_PLACES = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)
# A place that has been accepted keeps its declaration of interests.
DECLARED = (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)
# A peer sees the cases they are invited to or on the team of.
SEEN_BY_PEER = (AssignmentStatus.INVITED, *ON_TEAM)
