"""What a survey invitation's audit rows record on its case's timeline (workflow.audit), and
how the timeline words them (settings.CASE_EVENT_WORDS): `workflow` knows nothing of surveys,
so the words live here, next to the services that write the rows (surveys/lifecycle.py,
surveys/responding.py)."""

SURVEY_SCHEDULED = "surveys.invitation.scheduled"
SURVEY_SENT = "surveys.invitation.sent"
# Due, but the case holds no email address for its respondent: it waits for one.
SURVEY_HELD = "surveys.invitation.held"
SURVEY_REMINDED = "surveys.invitation.reminded"
SURVEY_COMPLETED = "surveys.invitation.completed"
SURVEY_EXPIRED = "surveys.invitation.expired"
SURVEY_EXTENDED = "surveys.invitation.extended"
SURVEY_LINK_REVOKED = "surveys.invitation.link_revoked"
SURVEY_SENT_AGAIN = "surveys.invitation.sent_again"
SURVEY_BOUNCED = "surveys.invitation.bounced"

WORDS = {
    SURVEY_SCHEDULED: "Survey scheduled",
    SURVEY_SENT: "Survey sent",
    SURVEY_HELD: "Survey not sent: no email address",
    SURVEY_REMINDED: "Survey reminder sent",
    SURVEY_COMPLETED: "Survey completed",
    SURVEY_EXPIRED: "Survey expired unanswered",
    SURVEY_EXTENDED: "Survey closing date extended",
    SURVEY_LINK_REVOKED: "Survey link revoked",
    SURVEY_SENT_AGAIN: "Survey sent again with a new link",
    SURVEY_BOUNCED: "Survey email failed",
}
