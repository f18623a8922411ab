"""The outbox drain of the load run (bench/load/run): K emails due now go into the outbox as
rows (bulk, as bench/generate.py writes them, but each one a real manager's message on an open
case, so it renders), the sweep dispatches them to the running Celery workers, and the clock
runs until every row is sent. Prints one JSON line: emails, seconds, emails/s, sent, failed.

    python bench/load/drain.py --emails 2000 --label "1 worker"

First it settles: the due rows already there (the generator's, the load run's) are swept and
waited for, so the figure is these K rows alone. `--sweep-only` sweeps once and returns (the
run does it as the workers start, so the generator's due rows go out during the load).
"""

import argparse
import itertools
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

import django

django.setup()

from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from notifications import services  # noqa: E402
from notifications.delivery import retry_due  # noqa: E402
from notifications.models import Notification  # noqa: E402
from notifications.snapshot import case_facts  # noqa: E402
from workflow.models import PeerChallenge, State  # noqa: E402

Status = Notification.Status


def wait_for(done, timeout: float, what: str) -> float:
    began = time.monotonic()
    while not done():
        if time.monotonic() - began > timeout:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - began


def work_left() -> bool:
    """A row the workers still have to take: due and queued (not in a backoff), or sending."""
    queued = Q(status=Status.QUEUED, due_on__lte=timezone.localdate()) & retry_due(timezone.now())
    return Notification.objects.filter(queued | Q(status=Status.SENDING)).exists()


def settle(timeout: float) -> None:
    services.sweep_outbox()
    wait_for(lambda: not work_left(), timeout, "the outbox to settle")


def queue_rows(count: int) -> list[int]:
    cases = list(PeerChallenge.objects.exclude(state__in=[State.CLOSED, State.WITHDRAWN])[:100])
    facts = {case.pk: case_facts(case) for case in cases}
    today = timezone.localdate()
    rows = [
        Notification(
            kind=Notification.Kind.MANUAL,
            topic_key=f"manual:{uuid.uuid4().hex}",
            challenge=case,
            recipient_email=f"drain{i}@council.example.gov.uk",
            recipient_name=f"Drain {i}",
            due_on=today,
            context={
                "subject": "Your peer challenge",
                "message": "A note about the visit's arrangements.\n\nBest wishes",
                "sender_name": "Load Manager",
                "case": facts[case.pk],
            },
        )
        for i, case in zip(range(count), itertools.cycle(cases), strict=False)
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows, batch_size=1000)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--label", default="")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--settle-only", action="store_true", help="sweep and wait, no more")
    parser.add_argument("--sweep-only", action="store_true", help="sweep, do not wait")
    args = parser.parse_args()
    if args.sweep_only:
        print(json.dumps(services.sweep_outbox()))
        return
    settle(args.timeout)
    if args.settle_only:
        return
    ids = queue_rows(args.emails)
    mine = Notification.objects.filter(pk__in=ids)
    began = time.monotonic()
    swept = services.sweep_outbox()
    sweep_seconds = time.monotonic() - began
    wait_for(
        lambda: not mine.filter(status__in=[Status.QUEUED, Status.SENDING]).exists(),
        args.timeout,
        f"{args.emails} emails to be sent",
    )
    seconds = time.monotonic() - began
    sent = mine.filter(status=Status.SENT).count()
    print(
        json.dumps(
            {
                "label": args.label,
                "emails": args.emails,
                "dispatched": swept["dispatched"],
                "sweep_s": round(sweep_seconds, 2),
                "seconds": round(seconds, 2),
                "per_s": round(args.emails / seconds, 1),
                "sent": sent,
                "failed": mine.filter(status=Status.FAILED).count(),
            }
        )
    )


if __name__ == "__main__":
    main()
