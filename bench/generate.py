"""Fill PostgreSQL with a programme at scale for the benchmark (issue 11): cases across states,
types and 20 financial years, their audit events and an outbox of which 1% is due.

    DATABASE_URL=postgres://... python bench/generate.py --scale 0.01

Scale 1 = 100,000 cases, 300,000 events, 1,000,000 outbox rows (10,000 due). Rows go in with
COPY (psycopg 3), so scale 1 takes minutes, not hours. Not yet generated: peers, assignments
and survey invitations (see bench/RESULTS.md).
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from notifications.models import Notification  # noqa: E402
from workflow.models import CaseEvent, ChallengeType, Council, PeerChallenge, State  # noqa: E402

CASES, EVENTS_PER_CASE, OUTBOX, DUE_SHARE = 100_000, 3, 1_000_000, 0.01
FINISHED = [State.CLOSED, State.CLOSED, State.CLOSED, State.CLOSED, State.WITHDRAWN]


def progress(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    rate = done / max(time.monotonic() - started, 1e-9)
    sys.stderr.write(
        f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} {rate:,.0f}/s"
    )
    if done >= total:
        sys.stderr.write("\n")


def copy_rows(table: str, columns: list[str], rows, total: int, label: str) -> None:
    started = time.monotonic()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 under Django's wrapper
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.copy(sql) as copy:
            for done, row in enumerate(rows, 1):
                copy.write_row(row)
                if done % 10_000 == 0 or done == total:
                    progress(label, done, total, started)


def generate(scale: float, seed: int = 11) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    hosts = list(Council.objects.values_list("pk", flat=True))
    types = list(ChallengeType.objects.values_list("pk", flat=True))
    n_cases = int(CASES * scale)
    first_id = (PeerChallenge.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def cases():
        for _ in range(n_cases):
            # 20 financial years back from today; terminal states only, so any number share a
            # host and type (one open case per host and type is a database rule).
            start = today - datetime.timedelta(days=rng.randrange(20 * 365))
            state = rng.choice(FINISHED)
            yield (
                rng.choice(hosts),
                rng.choice(types),
                state,
                "",
                "[]",
                "[]",
                "",
                "",
                "",
                "",
                "Chris Executive",
                "ce@example.org",
                "Lee Leader",
                "leader@example.org",
                "",
                "",
                "",
                start,
                start + datetime.timedelta(days=3),
                now,
                now,
            )

    copy_rows(
        PeerChallenge._meta.db_table,
        [
            "host_id",
            "challenge_type_id",
            "state",
            "postponed_from",
            "scope_components",
            "local_objectives",
            "report_file",
            "report_url",
            "publication_url",
            "action_plan_url",
            "chief_executive_name",
            "chief_executive_email",
            "leader_name",
            "leader_email",
            "postponed_reason",
            "withdrawn_reason",
            "closed_reason",
            "onsite_start",
            "onsite_end",
            "created_at",
            "updated_at",
        ],
        cases(),
        n_cases,
        "cases",
    )
    case_ids = list(PeerChallenge.objects.filter(pk__gte=first_id).values_list("pk", flat=True))
    n_events = len(case_ids) * EVENTS_PER_CASE

    def events():
        for pk in case_ids:
            for step in range(EVENTS_PER_CASE):
                yield (
                    pk,
                    "workflow.bench",
                    "",
                    State.CLOSED,
                    "",
                    "{}",
                    now - datetime.timedelta(days=EVENTS_PER_CASE - step),
                )

    copy_rows(
        CaseEvent._meta.db_table,
        ["challenge_id", "action", "from_state", "to_state", "reason", "data", "created_at"],
        events(),
        n_events,
        "events",
    )

    n_outbox = int(OUTBOX * scale)
    due = int(n_outbox * DUE_SHARE)

    def outbox():
        context = json.dumps({"case": None})
        for i in range(n_outbox):
            queued = i < due
            yield (
                Notification.Kind.MANUAL,
                f"bench:{i}",
                f"r{i}@example.org",
                "Robin",
                today - datetime.timedelta(days=1)
                if queued
                else today - datetime.timedelta(days=rng.randrange(7000)),
                context,
                Notification.Status.QUEUED if queued else Notification.Status.SENT,
                0 if queued else 1,
                "",
                0,
                0,
                now,
                rng.choice(case_ids) if case_ids else None,
            )

    copy_rows(
        Notification._meta.db_table,
        [
            "kind",
            "topic_key",
            "recipient_email",
            "recipient_name",
            "due_on",
            "context",
            "status",
            "attempts",
            "last_error",
            "stale_requeues",
            "uncertain_sends",
            "created_at",
            "challenge_id",
        ],
        outbox(),
        n_outbox,
        "outbox",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 cases")
    args = parser.parse_args()
    started = time.monotonic()
    generate(args.scale)
    print(f"generated at scale {args.scale} in {time.monotonic() - started:.1f} s")
