"""Real races on PostgreSQL: two outbox sweeps and two runs of a reminder rule, each in its own
thread on its own connection, released at the same instant. Every row must be written once and
put on the broker once."""

import datetime
from collections import Counter

from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.tasks import run_reminder_rule
from tests.notifications.factories import NotificationFactory
from tests.support.races import Start, race, real_race
from tests.workflow.factories import PeerChallengeFactory
from workflow.models import Council, State

Kind = Notification.Kind

WAITING_ROWS = 60  # due and never dispatched: the sweeps' work
OVERDUE_CASES = 30  # reports overdue today: the rule's work


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

    def run_rule(start: Start) -> int:
        try:
            start()
            return run_reminder_rule("notifications.rules.report_overdue")
        finally:
            rules_done.append(True)

    def sweep_while_the_rules_run(start: Start) -> Counter:
        """Sweep over and over, so sweeps also meet the rows the rules are writing."""
        start()
        totals: Counter = Counter()
        while True:
            last = len(rules_done) == 2  # both rules done: one more sweep, then stop
            totals.update(services.sweep_outbox())
            if last:
                return totals

    sweep_1, sweep_2, rule_1, rule_2 = race(
        [sweep_while_the_rules_run, sweep_while_the_rules_run, run_rule, run_rule]
    )

    written = list(
        Notification.objects.filter(kind=Kind.REPORT_OVERDUE).values_list("pk", flat=True)
    )
    assert len(written) == OVERDUE_CASES
    assert rule_1 + rule_2 == OVERDUE_CASES, (rule_1, rule_2)
    # The rule's rows are stamped as dispatched in their insert, so no sweep takes them too.
    assert sweep_1["dispatched"] + sweep_2["dispatched"] == WAITING_ROWS, (sweep_1, sweep_2)
    assert sorted(dispatched) == sorted(waiting + written)
