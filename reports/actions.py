"""What the reports app records on a case's timeline (workflow.audit), and how the timeline
words it (settings.CASE_EVENT_WORDS): `workflow` knows nothing of reports."""

FINDING_ADDED = "reports.finding.added"
FINDING_CHANGED = "reports.finding.changed"
FINDING_REMOVED = "reports.finding.removed"
GOOD_PRACTICE_DRAFTED = "reports.good_practice.drafted"
GOOD_PRACTICE_CHANGED = "reports.good_practice.changed"
GOOD_PRACTICE_APPROVED = "reports.good_practice.approved"
GOOD_PRACTICE_PUBLISHED = "reports.good_practice.published"
PERSON_ANONYMISED = "reports.person.anonymised"
RETENTION_APPLIED = "reports.retention.applied"

# The case timeline's words for these events (settings.CASE_EVENT_WORDS).
WORDS = {
    FINDING_ADDED: "Report finding recorded",
    FINDING_CHANGED: "Report finding changed",
    FINDING_REMOVED: "Report finding removed",
    GOOD_PRACTICE_DRAFTED: "Good practice drafted",
    GOOD_PRACTICE_CHANGED: "Good practice changed",
    GOOD_PRACTICE_APPROVED: "Good practice approved by the council",
    GOOD_PRACTICE_PUBLISHED: "Good practice published",
    PERSON_ANONYMISED: "A person's details anonymised (data protection)",
    RETENTION_APPLIED: "Personal data past its retention period removed",
}
