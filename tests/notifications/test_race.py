"""Real races on PostgreSQL: two outbox sweeps and two runs of a reminder rule, each in its own
thread on its own connection, released at the same instant. Every row must be written once and
put on the broker once."""

import datetime
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.tasks import run_reminder_rule
from tests.notifications.factories import NotificationFactory
from tests.workflow.factories import PeerChallengeFactory
from workflow.models import Council, State

WAITING_ROWS = 60  # due and never dispatched: the sweeps' work
OVERDUE_CASES = 30  # reports overdue today: the rule's work


def real_race(test):
    """Threads need committed rows: a transactional test. serialized_rollback restores the
    council register the migration loaded, which the flush after such tests empties."""
    test = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
    return pytest.mark.usefixtures("_postgresql_only")(test)


def race(jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job in its own thread, all released together; their results, in order."""
    barrier = threading.Barrier(len(jobs), timeout=30)
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:  # recorded, so the assertion shows what went wrong
            results[i] = exc
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@real_race
def test_two_sweeps_and_two_rule_runs_at_once_write_and_dispatch_each_row_once(monkeypatch):
    dispatched: list[int] = []  # list.append is atomic under the GIL
    monkeypatch.setattr("notifications.tasks.send_notification_task.delay", dispatched.append)
    case = PeerChallengeFactory()
    waiting = [n.pk for n in NotificationFactory.create_batch(WAITING_ROWS, challenge=case)]
    feedback = timezone.localdate() - datetime.timedelta(days=28)
    for host in Council.objects.order_by("pk")[:OVERDUE_CASES]:  # one open case per council
        PeerChallengeFactory(host=host, state=State.REPORTING, feedback_date=feedback)
    rules_done: list[bool] = []

    def run_rule() -> int:
        try:
            return run_reminder_rule("notifications.rules.report_overdue")
        finally:
            rules_done.append(True)

    def sweep_while_the_rules_run() -> Counter:
        """Sweep over and over, so sweeps also meet the rows the rules are writing."""
        totals: Counter = Counter()
        while True:
            last = len(rules_done) == 2  # both rules done: one more sweep, then stop
            totals.update(services.sweep_outbox())
            if last:
                return totals

    sweep_1, sweep_2, rule_1, rule_2 = race(
        [sweep_while_the_rules_run, sweep_while_the_rules_run, run_rule, run_rule]
    )

    written = list(Notification.objects.filter(kind="report_overdue").values_list("pk", flat=True))
    assert len(written) == OVERDUE_CASES
    assert rule_1 + rule_2 == OVERDUE_CASES, (rule_1, rule_2)
    # The rule's rows are stamped as dispatched in their insert, so no sweep takes them too.
    assert sweep_1["dispatched"] + sweep_2["dispatched"] == WAITING_ROWS, (sweep_1, sweep_2)
    assert sorted(dispatched) == sorted(waiting + written)
