"""The outbox admin's search by trigram indexes (issue 11, P3). Django's icontains runs as
UPPER(column) LIKE UPPER('%term%'), which no b-tree serves: a term found in few of a million
rows read every row (2.8 s). A GIN trigram index on each searched expression lets PostgreSQL
OR the three. PostgreSQL only (pg_trgm, a trusted extension); built CONCURRENTLY, so the outbox
keeps taking rows meanwhile."""

from django.db import migrations

SEARCHED = ("recipient_email", "recipient_name", "topic_key")  # NotificationAdmin.search_fields


def _on_postgresql(schema_editor, statements: list[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        schema_editor.execute(statement)


def create(apps, schema_editor) -> None:
    _on_postgresql(
        schema_editor,
        ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
        + [
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "outbox_search_{column}" '
            f'ON "notifications_notification" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            for column in SEARCHED
        ],
    )


def drop(apps, schema_editor) -> None:
    _on_postgresql(
        schema_editor,
        [f'DROP INDEX CONCURRENTLY IF EXISTS "outbox_search_{column}"' for column in SEARCHED],
    )


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("notifications", "0009_list_order_indexes")]

    operations = [migrations.RunPython(create, drop)]
