"""The outbox delivery fault scenario, shared by the fault test and bench/delivery_faults.py.

N due notifications are delivered by a real Celery worker through a real Redis while two outbox
sweepers run; meanwhile Redis is restarted (every queued message lost) and the worker is
SIGKILLed (the message in hand lost, its row left in SENDING), over and over. The outbox must
still deliver every notification, and deliver one twice only when the sweep saw it stuck.
"""

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from notifications.models import Notification
from tests.support.processes import (
    CeleryWorker,
    ManagedProcess,
    RedisServer,
    delivered_notification_ids,
    manage_py,
)

SLOW_EMAIL_BACKEND = "tests.support.slow_email.EmailBackend"


def create_due_notifications(cases, count: int) -> list[int]:
    """`count` booking confirmations due today, spread over real cases, not yet dispatched:
    the sweepers put them on the broker."""
    today = timezone.localdate()
    rows = [
        Notification(
            kind="booking_confirmation",
            topic_key=f"challenge:{case.pk}",
            challenge=case,
            recipient_email=f"contact{i}@fault.example.gov.uk",
            recipient_name=f"Contact {i}",
            due_on=today,
        )
        for i, case in zip(range(count), itertools.cycle(cases), strict=False)
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows)]


@dataclass
class FaultReport:
    notifications: int
    delivered: int = 0  # notifications delivered at least once
    emails_written: int = 0
    duplicates: int = 0  # notifications delivered more than once
    detected_duplicates: int = 0  # ... of which the sweep had re-queued (stale_requeues > 0)
    stale_requeues: int = 0  # rows the sweep found stuck in SENDING
    unsent: int = 0
    redis_restarts: int = 0
    worker_kills: int = 0
    faults_during_delivery: int = 0
    seconds: float = 0.0
    missing_ids: list[int] = field(default_factory=list)
    undetected_duplicate_ids: list[int] = field(default_factory=list)

    def rows(self) -> list[tuple[str, object]]:
        return [
            ("notifications", self.notifications),
            ("delivered at least once", self.delivered),
            ("emails written", self.emails_written),
            ("delivered twice or more", self.duplicates),
            ("  of which detected (stale_requeues > 0)", self.detected_duplicates),
            ("rows re-queued from a stuck SENDING", self.stale_requeues),
            ("rows not SENT at the end", self.unsent),
            ("Redis restarts", self.redis_restarts),
            ("worker kill -9", self.worker_kills),
            ("faults while rows were undelivered", self.faults_during_delivery),
            ("duration (s)", f"{self.seconds:.1f}"),
            ("throughput (notifications/s)", f"{self.notifications / self.seconds:.1f}"),
        ]

    def table(self) -> str:
        width = max(len(name) for name, _ in self.rows())
        return "\n".join(f"{name:<{width}}  {value:>8}" for name, value in self.rows())


def sweeper_env(base_env: dict[str, str], *, dispatch_timeout: int, sending_timeout: int):
    return {
        **base_env,
        "NOTIFICATION_DISPATCH_TIMEOUT": str(dispatch_timeout),
        "NOTIFICATION_SENDING_TIMEOUT": str(sending_timeout),
    }


def _unsent(ids: list[int]) -> int:
    return Notification.objects.filter(pk__in=ids).exclude(status=Notification.Status.SENT).count()


def run_delivery_faults(
    *,
    ids: list[int],
    redis: RedisServer,
    worker: CeleryWorker,
    env: dict[str, str],
    work_dir: Path,
    mail_dir: Path,
    redis_restarts: int,
    worker_kills: int,
    fault_interval: float,
    timeout: float,
    sweepers: int = 2,
    progress=print,
) -> FaultReport:
    """Run the scenario; `worker` is already started with `env` plus the slow email backend.
    Returns the figures; the caller asserts on them."""
    report = FaultReport(notifications=len(ids))
    # Alternate the two kinds of fault: redis, worker, redis, worker, ...
    pairs = itertools.zip_longest(["redis"] * redis_restarts, ["worker"] * worker_kills)
    faults = [kind for pair in pairs for kind in pair if kind]
    sweeps = [
        ManagedProcess(
            manage_py("sweep_outbox", "--repeat", "0.5", "--duration", str(int(timeout) + 60)),
            env,
            work_dir / f"sweep-{i}.log",
        ).start()
        for i in range(sweepers)
    ]
    started = time.monotonic()
    deadline = started + timeout
    try:
        for kind in faults:
            time.sleep(fault_interval)
            if _unsent(ids):
                report.faults_during_delivery += 1
            if kind == "redis":
                redis.restart()
                report.redis_restarts += 1
            else:
                worker.kill9_and_restart()
                report.worker_kills += 1
            progress(f"  {time.monotonic() - started:5.1f} s  {kind:6} fault; "
                     f"{_unsent(ids)} of {len(ids)} not sent yet")  # fmt: skip
        while (remaining := _unsent(ids)) and time.monotonic() < deadline:
            time.sleep(0.5)
        report.seconds = time.monotonic() - started
        report.unsent = remaining
    finally:
        for sweep in sweeps:
            sweep.stop()
    for sweep in sweeps:
        if sweep.process.returncode not in (0, -15):
            progress(f"sweeper exited {sweep.process.returncode}:\n{sweep.log_text()[-2000:]}")
    _count_deliveries(report, ids, mail_dir)
    return report


def _count_deliveries(report: FaultReport, ids: list[int], mail_dir: Path) -> None:
    delivered = delivered_notification_ids(mail_dir)
    requeued = set(
        Notification.objects.filter(pk__in=ids, stale_requeues__gt=0).values_list("pk", flat=True)
    )
    duplicates = {pk for pk in ids if delivered[pk] > 1}
    report.delivered = sum(1 for pk in ids if delivered[pk] >= 1)
    report.emails_written = sum(delivered[pk] for pk in ids)
    report.duplicates = len(duplicates)
    report.detected_duplicates = len(duplicates & requeued)
    report.stale_requeues = len(requeued)
    report.missing_ids = sorted(pk for pk in ids if delivered[pk] == 0)
    report.undetected_duplicate_ids = sorted(duplicates - requeued)
