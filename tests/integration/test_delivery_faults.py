"""The outbox survives its infrastructure failing under it: 500 due emails, two sweepers, a real
worker and a real Redis, while Redis is restarted (queued messages lost) and the worker is
SIGKILLed (the message in hand lost, its row stuck in SENDING) five times each. Every email must
go out; one may go out twice only if the sweep re-queued its row and logged it.
bench/delivery_faults.py runs the same scenario bigger and prints the figures."""

import pytest

from tests.support.fault_scenario import (
    SLOW_EMAIL_BACKEND,
    create_due_notifications,
    run_delivery_faults,
    sweeper_env,
)
from tests.workflow.factories import PeerChallengeFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.fault,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOTIFICATIONS = 500
FAULTS_OF_EACH_KIND = 5


def test_every_notification_is_delivered_through_redis_restarts_and_worker_kills(
    redis_server, worker_env, start_celery_worker, mail_dir, tmp_path
):
    cases = PeerChallengeFactory.create_batch(5)
    ids = create_due_notifications(cases, NOTIFICATIONS)
    env = sweeper_env(worker_env, dispatch_timeout=8, sending_timeout=3)
    worker = start_celery_worker(
        "fault-worker", {**env, "EMAIL_BACKEND": SLOW_EMAIL_BACKEND, "SLOW_EMAIL_DELAY_MS": "40"}
    )

    report = run_delivery_faults(
        ids=ids,
        redis=redis_server,
        worker=worker,
        env=env,
        work_dir=tmp_path,
        mail_dir=mail_dir,
        redis_restarts=FAULTS_OF_EACH_KIND,
        worker_kills=FAULTS_OF_EACH_KIND,
        fault_interval=1.5,
        timeout=150,
    )
    print("\n" + report.table())

    assert report.unsent == 0
    assert report.missing_ids == []
    assert report.delivered == NOTIFICATIONS
    assert report.undetected_duplicate_ids == []
    assert report.redis_restarts == report.worker_kills == FAULTS_OF_EACH_KIND
    assert report.faults_during_delivery == 2 * FAULTS_OF_EACH_KIND
