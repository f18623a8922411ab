"""The outbox delivery fault scenario, shared by the fault test and bench/delivery_faults.py.

N due notifications are delivered by real Celery workers (two by default) through a real Redis
to a real SMTP server (tests/support/smtp_sink.py) while two outbox sweepers run; meanwhile
Redis is restarted (every queued message lost) and the workers are SIGKILLed (the message in
hand lost, its row left in SENDING), over and over. Some kills are aimed: the SMTP server takes
a message and withholds its answer until the worker is dead, so the kill lands in the window no
outbox can close, after the server took the message and before the row is marked sent.

The SMTP server's record is the independent witness. From it, the kill times and the rows'
sent marks, the report works out which kills landed in that window. The outbox passes if every
notification went out and every extra delivery of a row is explained by a kill in its window
(or by a send the row counted as uncertain), is counted on the row and is in a log.
"""

import itertools
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from notifications.models import Notification
from tests.support.processes import CeleryWorker, ManagedProcess, RedisServer, manage_py
from tests.support.smtp_sink import SmtpSink

# A send shaped like a real SMTP one: the server takes 20 ms to take the message, and the
# session takes 20 ms to close after it did (the client waits for the answer to QUIT).
SMTP_DATA_DELAY, SMTP_QUIT_DELAY = 0.02, 0.02
AIM_TIMEOUT_SECONDS = 15  # an aimed kill waits this long for its worker to send something


def create_due_notifications(cases, count: int) -> list[int]:
    """`count` booking confirmations due today, spread over real cases, not yet dispatched:
    the sweepers put them on the broker."""
    today = timezone.localdate()
    rows = [
        Notification(
            kind=Notification.Kind.BOOKING_CONFIRMATION,
            topic_key=Notification.case_topic(case),
            challenge=case,
            recipient_email=f"contact{i}@fault.example.gov.uk",
            recipient_name=f"Contact {i}",
            due_on=today,
        )
        for i, case in zip(range(count), itertools.cycle(cases), strict=False)
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows)]


def sweeper_env(base_env: dict[str, str], *, dispatch_timeout: int, sending_timeout: int):
    return {
        **base_env,
        "NOTIFICATION_DISPATCH_TIMEOUT": str(dispatch_timeout),
        "NOTIFICATION_SENDING_TIMEOUT": str(sending_timeout),
    }


def smtp_env(sink: SmtpSink, line: str) -> dict[str, str]:
    """A worker's mail settings: Django's SMTP backend, to its own line of the sink (so the
    sink knows which worker sent what)."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.listen(line)),
        "EMAIL_TIMEOUT": "10",
    }


@dataclass
class Kill:
    worker: str
    at: float  # time.time() just before the SIGKILL
    aimed: bool
    held: bool = False  # aimed, and the server was withholding an answer from the worker
    caught: int | None = None  # the row whose message the server had taken, not yet marked sent


@dataclass
class FaultReport:
    notifications: int
    delivered: int = 0  # notifications the SMTP server took at least once
    messages: int = 0  # messages the SMTP server took
    duplicated_rows: int = 0  # notifications it took more than once
    extra_deliveries: int = 0  # messages beyond the first per notification
    kills: list[Kill] = field(default_factory=list)
    stale_requeues: int = 0  # re-queues of rows stuck in SENDING (the sweep's count)
    uncertain_sends: int = 0  # sends that failed after the server may have taken the message
    unsent: int = 0
    redis_restarts: int = 0
    faults_during_delivery: int = 0
    seconds: float = 0.0
    missing_ids: list[int] = field(default_factory=list)
    # Duplicates beyond what the kills in their windows and their uncertain sends explain:
    unexplained_duplicate_ids: list[int] = field(default_factory=list)
    # Duplicates the row does not count (stale_requeues + uncertain_sends) or no log line names:
    uncounted_duplicate_ids: list[int] = field(default_factory=list)
    unlogged_duplicate_ids: list[int] = field(default_factory=list)

    @property
    def worker_kills(self) -> int:
        return len(self.kills)

    @property
    def aimed_kills_held(self) -> int:
        return sum(kill.held for kill in self.kills)

    @property
    def kills_in_window(self) -> int:
        """Kills that landed after the server took a message and before its row was marked
        sent: the bound on duplicates."""
        return sum(kill.caught is not None for kill in self.kills)

    def rows(self) -> list[tuple[str, object]]:
        aimed = sum(kill.aimed for kill in self.kills)
        return [
            ("notifications", self.notifications),
            ("delivered at least once (SMTP server)", self.delivered),
            ("messages the SMTP server took", self.messages),
            ("notifications delivered twice or more", self.duplicated_rows),
            ("extra deliveries (duplicates)", self.extra_deliveries),
            ("worker kill -9", self.worker_kills),
            ("  aimed (server withholding its 250)", f"{self.aimed_kills_held}/{aimed}"),
            ("  landed between take and mark-sent", self.kills_in_window),
            ("sends counted as uncertain", self.uncertain_sends),
            ("duplicates beyond that bound", len(self.unexplained_duplicate_ids)),
            ("duplicates not counted on the row", len(self.uncounted_duplicate_ids)),
            ("duplicates not in the log", len(self.unlogged_duplicate_ids)),
            ("rows re-queued from a stuck SENDING", self.stale_requeues),
            ("rows not SENT at the end", self.unsent),
            ("Redis restarts", self.redis_restarts),
            ("faults while rows were undelivered", self.faults_during_delivery),
            ("duration (s)", f"{self.seconds:.1f}"),
            ("throughput (notifications/s)", f"{self.notifications / self.seconds:.1f}"),
        ]

    def table(self) -> str:
        width = max(len(name) for name, _ in self.rows())
        return "\n".join(f"{name:<{width}}  {value:>8}" for name, value in self.rows())


def _unsent(ids: list[int]) -> int:
    return Notification.objects.filter(pk__in=ids).exclude(status=Notification.Status.SENT).count()


def fault_plan(redis_restarts: int, worker_kills: int, aimed_kills: int) -> list[tuple[str, bool]]:
    """The faults in order, as (kind, aimed), in rounds that end with an aimed kill (if any are
    left) and a Redis restart. An aimed kill follows a plain one, while the queue is full: just
    after a Redis restart the workers idle until the sweep re-dispatches, and it would wait."""
    rounds = aimed_kills or worker_kills or 1

    def share(total: int, i: int) -> int:
        return (i + 1) * total // rounds - i * total // rounds

    plan: list[tuple[str, bool]] = []
    for i in range(rounds):
        restarts = share(redis_restarts, i)
        plan += [("redis", False)] * (restarts - 1)
        plan += [("kill", False)] * share(worker_kills - aimed_kills, i)
        plan += [("kill", True)] * share(aimed_kills, i)
        plan += [("redis", False)] * min(restarts, 1)
    return plan


def kill_worker(worker: CeleryWorker, sink: SmtpSink, *, aimed: bool) -> Kill:
    """SIGKILL a worker; aimed, only once the server has taken a message from it and is
    withholding its answer (or after AIM_TIMEOUT_SECONDS of it sending nothing)."""
    hold = sink.hold_next(worker.name) if aimed else None
    held = hold is not None and hold.taken.wait(AIM_TIMEOUT_SECONDS)
    kill = Kill(worker.name, time.time(), aimed, held)
    worker.kill9()
    if hold is not None:
        sink.cancel(worker.name, hold)
        hold.release()
    return kill


def run_delivery_faults(
    *,
    ids: list[int],
    redis: RedisServer,
    workers: list[CeleryWorker],
    sink: SmtpSink,
    env: dict[str, str],
    work_dir: Path,
    redis_restarts: int,
    worker_kills: int,
    aimed_kills: int,
    fault_interval: float,
    timeout: float,
    sweepers: int = 2,
    progress=print,
) -> FaultReport:
    """Run the scenario; the `workers` are already started, each sending to its own line of
    `sink` (see smtp_env). Returns the figures; the caller asserts on them."""
    report = FaultReport(notifications=len(ids))
    # Plain and aimed kills each go round the workers, from different ends.
    in_turn = {False: itertools.cycle(workers), True: itertools.cycle(workers[::-1])}
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
        for kind, aimed in fault_plan(redis_restarts, worker_kills, aimed_kills):
            time.sleep(fault_interval)
            if _unsent(ids):
                report.faults_during_delivery += 1
            if kind == "redis":
                redis.restart()
                report.redis_restarts += 1
                what = "redis restart"
            else:
                worker = next(in_turn[aimed])
                report.kills.append(kill_worker(worker, sink, aimed=aimed))
                worker.start()
                what = f"{'aimed ' if aimed else ''}kill of {worker.name}"
            progress(f"  {time.monotonic() - started:5.1f} s  {what}; "
                     f"{_unsent(ids)} of {len(ids)} not sent yet")  # fmt: skip
        while (remaining := _unsent(ids)) and time.monotonic() < deadline:
            time.sleep(0.5)
        report.seconds = time.monotonic() - started
        report.unsent = remaining
        time.sleep(0.5)  # a send still in flight (there should be none) reaches the record
    finally:
        for sweep in sweeps:
            sweep.stop()
    for sweep in sweeps:
        if sweep.process.returncode not in (0, -15):
            progress(f"sweeper exited {sweep.process.returncode}:\n{sweep.log_text()[-2000:]}")
    logs = "\n".join(process.log_text() for process in [*sweeps, *workers])
    _count_deliveries(report, ids, sink, logs)
    return report


def _count_deliveries(report: FaultReport, ids: list[int], sink: SmtpSink, logs: str) -> None:
    rows = {
        pk: (sent_at.timestamp() if sent_at else None, stale, uncertain)
        for pk, sent_at, stale, uncertain in Notification.objects.filter(pk__in=ids).values_list(
            "pk", "sent_at", "stale_requeues", "uncertain_sends"
        )
    }
    _find_kills_in_window(report.kills, sink, rows)
    windows = Counter(kill.caught for kill in report.kills if kill.caught is not None)
    delivered = sink.delivered()
    extra = {pk: delivered[pk] - 1 for pk in ids if delivered[pk] > 1}
    report.delivered = sum(1 for pk in ids if delivered[pk] >= 1)
    report.messages = sum(delivered[pk] for pk in ids)
    report.duplicated_rows = len(extra)
    report.extra_deliveries = sum(extra.values())
    report.stale_requeues = sum(stale for _, stale, _ in rows.values())
    report.uncertain_sends = sum(uncertain for _, _, uncertain in rows.values())
    report.missing_ids = sorted(pk for pk in ids if delivered[pk] == 0)
    report.unexplained_duplicate_ids = sorted(
        pk for pk, n in extra.items() if n > windows[pk] + rows[pk][2]
    )
    report.uncounted_duplicate_ids = sorted(
        pk for pk, n in extra.items() if n > rows[pk][1] + rows[pk][2]
    )
    report.unlogged_duplicate_ids = sorted(
        pk
        for pk in extra
        if not re.search(rf"notification {pk}\b[^\n]*may be delivered twice", logs)
    )


def _find_kills_in_window(kills: list[Kill], sink: SmtpSink, rows: dict) -> None:
    """A kill landed in the window if the last message the server took from that worker (since
    it last started) belongs to a row that was not marked sent before the kill: the final
    sent_at is then a later attempt's (or there is none)."""
    previous_kill: dict[str, float] = {}
    for kill in sorted(kills, key=lambda k: k.at):
        since = previous_kill.get(kill.worker, 0.0)
        taken = [
            d
            for d in sink.deliveries
            if d.line == kill.worker and since < d.accepted_at < kill.at and d.notification_id
        ]
        if taken:
            last = max(taken, key=lambda d: d.accepted_at)
            sent_at = rows.get(last.notification_id, (None,))[0]
            if sent_at is None or sent_at >= kill.at:
                kill.caught = last.notification_id
        previous_kill[kill.worker] = kill.at
