# The publication tracker's first page without sorting every case past its feedback
# (reports/publication.py, rows_between; issue 11, P3): each clock's outstanding cases in the
# order of its target, so a page merges the first rows of each; and the tracked cases' dates
# in one index, which the tracker's counts read alone. PostgreSQL only (an interval in an
# index expression), as in 0016; SQLite's few rows need none.

from importlib import import_module

from django.db import migrations

OnPostgreSQL = import_module("workflow.migrations.0016_case_list_ordering_indexes").OnPostgreSQL

# reports.publication.PAST_FEEDBACK, in that order: the queries' IN list proves these.
TRACKED = (
    '"feedback_date" IS NOT NULL AND "state" IN '
    "('reporting', 'report_issued', 'published', 'post_challenge', 'closed')"
)


def index(name: str, columns: str, where: str = "") -> OnPostgreSQL:
    return OnPostgreSQL(
        f'CREATE INDEX "{name}" ON "workflow_peerchallenge" ({columns}) WHERE {TRACKED}{where}',
        f'DROP INDEX "{name}"',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0022_places_awaiting_answer"),
    ]

    operations = [
        # Report issued: due a fixed number of days after the feedback, so in its order.
        index(
            "tracker_report_clock",
            '"feedback_date", "id"',
            ' AND "report_issued_on" IS NULL',
        ),
        # Report and action plan published: due PUBLICATION_REMINDER_MONTHS (3) after the
        # report, as AddMonths writes it (a month's end clamps, so not the report's order).
        index(
            "tracker_publication_clock",
            '(("report_issued_on" + interval \'3 months\')::date), "id"',
            ' AND "report_issued_on" IS NOT NULL'
            ' AND ("published_on" IS NULL OR "action_plan_published_on" IS NULL)',
        ),
        # Progress review: due FOLLOW_UP_PROMPT_MONTHS (12) after the visit.
        index(
            "tracker_review_clock",
            '(("onsite_end" + interval \'12 months\')::date), "id"',
            ' AND "onsite_end" IS NOT NULL',
        ),
        # Every tracked case by id (the merge's last list) with the dates the counts compare.
        index(
            "tracker_cases",
            '"id") INCLUDE ("challenge_type_id", "feedback_date", "report_issued_on", '
            '"published_on", "action_plan_published_on", "onsite_end"',
        ),
    ]
