"""Time the reads and jobs of issue 11 on the database bench/generate.py filled, and write
bench/latest-run.md (bench/RESULTS.md is the reviewed run, with notes). Run through
bench/run: it starts PostgreSQL and generates first."""

import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from notifications import services, tasks  # noqa: E402
from workflow.models import PeerChallenge  # noqa: E402

READS = [
    "/api/challenges/",
    "/api/challenges/?state=closed",
    "/api/challenges/?page={deep}",  # the last page but one, or page 1,000 at scale 1
    "/admin/workflow/peerchallenge/",
    "/admin/notifications/notification/",
    "/admin/workflow/caseevent/",
]


def timed(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    # As Django's test runner does: keep one connection, so its queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    logging.disable(logging.WARNING)  # the rules' per-case warnings are not the result
    settings.AXES_ENABLED = False  # force_login has no client address for the lockout
    lines = ["# Benchmark results (issue 11)", ""]
    lines += [
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; PostgreSQL {connection.pg_version}; "
        f"{PeerChallenge.objects.count():,} cases. In-process (Django test client), on a shared "
        "machine: read the figures as orders of magnitude.",
        "",
        "## P3 reads (ms)",
        "",
        "| read | p50 | p95 |",
        "|---|---|---|",
    ]
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    deep = max(1, min(1000, PeerChallenge.objects.count() // 50 - 1))
    for url in (read.format(deep=deep) for read in READS):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = timed(lambda url=url: client.get(url), 20)
        lines.append(f"| `{url}` | {statistics.median(times):.0f} | {p95(times):.0f} |")

    lines += ["", "## P4 jobs (s)", "", "| job | rows | seconds |", "|---|---|---|"]
    sent = []
    tasks.send_notification_task.delay = sent.append  # measure the claim, not the broker
    started = time.perf_counter()
    counts = services.sweep_outbox()
    lines.append(
        f"| outbox sweep | {counts['dispatched']:,} dispatched | "
        f"{time.perf_counter() - started:.2f} |"
    )
    today = timezone.localdate()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if entry["task"] != "notifications.tasks.run_reminder_rule":
            continue
        rule = import_string(entry["args"][0])
        started = time.perf_counter()
        found = sum(1 for _ in rule(today))
        lines.append(f"| rule {name} | {found:,} reminders | {time.perf_counter() - started:.2f} |")
    out = Path(__file__).with_name("latest-run.md")
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())


if __name__ == "__main__":
    main()
