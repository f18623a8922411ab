"""The outbox delivery fault scenario at scale (tests/integration/test_delivery_faults.py is the
small version that runs in CI).

Creates a throwaway database on the PostgreSQL server named by --database-url, starts its own
redis-server, SMTP server (tests/support/smtp_sink.py) and Celery workers, puts N due
notifications in the outbox, runs two sweepers, and restarts Redis and SIGKILLs the workers over
and over while they are delivered; some kills are aimed between the moment the SMTP server takes
a message and the moment its row is marked sent. Prints a table.

    .venv/bin/python bench/delivery_faults.py --database-url postgres://app:app@127.0.0.1:5440/app
    .venv/bin/python bench/delivery_faults.py -n 2000 --redis-restarts 20 --worker-kills 20
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("-n", "--notifications", type=int, default=1000)
    parser.add_argument("--redis-restarts", type=int, default=20)
    parser.add_argument("--worker-kills", type=int, default=20)
    parser.add_argument("--aimed-kills", type=int, default=10, help="of the worker kills")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fault-interval", type=float, default=1.5, help="seconds")
    parser.add_argument(
        "--data-delay-ms", type=int, default=20, help="before the SMTP server takes a message"
    )
    parser.add_argument(
        "--quit-delay-ms", type=int, default=20, help="before the SMTP server answers QUIT"
    )
    parser.add_argument("--dispatch-timeout", type=int, default=8, help="seconds")
    parser.add_argument("--sending-timeout", type=int, default=3, help="seconds")
    parser.add_argument("--timeout", type=float, default=900, help="give up after (seconds)")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("--database-url (or DATABASE_URL) must name a PostgreSQL server")
    if not 0 <= args.aimed_kills <= args.worker_kills:
        parser.error("--aimed-kills must be between 0 and --worker-kills")
    return args


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def admin_sql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def main() -> int:
    args = parse_args()
    work_dir = Path(tempfile.mkdtemp(prefix="delivery-faults-"))
    bench_db = f"peerchallenge_bench_{os.getpid()}"
    admin_sql(args.database_url, f'CREATE DATABASE "{bench_db}"')
    os.environ.update(
        DATABASE_URL=with_database(args.database_url, bench_db),
        DJANGO_SETTINGS_MODULE="peerchallenge.settings",
        APP_STATE_DIR=str(work_dir / "state"),
    )
    try:
        return run(args, work_dir)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(args.database_url, f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


def run(args: argparse.Namespace, work_dir: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.support.fault_scenario import (
        create_due_notifications,
        run_delivery_faults,
        smtp_env,
        sweeper_env,
    )
    from tests.support.processes import CeleryWorker, RedisServer, django_env, postgres_url
    from tests.support.smtp_sink import SmtpSink
    from tests.workflow.factories import PeerChallengeFactory

    call_command("migrate", verbosity=0)
    redis = RedisServer(work_dir).start()
    sink = SmtpSink(data_delay=args.data_delay_ms / 1000, quit_delay=args.quit_delay_ms / 1000)
    env = sweeper_env(
        django_env(
            DATABASE_URL=postgres_url(connection.settings_dict),
            CELERY_BROKER_URL=redis.url,
            CELERY_VISIBILITY_TIMEOUT="5",
        ),
        dispatch_timeout=args.dispatch_timeout,
        sending_timeout=args.sending_timeout,
    )
    names = [f"bench-worker-{i}" for i in range(1, args.workers + 1)]
    workers = [
        CeleryWorker({**env, **smtp_env(sink, name)}, work_dir / f"{name}.log", name=name)
        for name in names
    ]
    try:
        ids = create_due_notifications(PeerChallengeFactory.create_batch(10), args.notifications)
        for worker in workers:
            worker.start()
        print(f"{len(ids)} notifications; logs in {work_dir}", flush=True)
        began = time.monotonic()
        report = run_delivery_faults(
            ids=ids,
            redis=redis,
            workers=workers,
            sink=sink,
            env=env,
            work_dir=work_dir,
            redis_restarts=args.redis_restarts,
            worker_kills=args.worker_kills,
            aimed_kills=args.aimed_kills,
            fault_interval=args.fault_interval,
            timeout=args.timeout,
            progress=lambda line: print(line, flush=True),
        )
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()
        sink.stop()
    print(f"\n{args.workers} workers, SMTP take {args.data_delay_ms} ms + QUIT "
          f"{args.quit_delay_ms} ms, fault every {args.fault_interval} s, "
          f"wall {time.monotonic() - began:.0f} s\n{report.table()}")  # fmt: skip
    ok = not (
        report.unsent
        or report.missing_ids
        or report.unexplained_duplicate_ids
        or report.uncounted_duplicate_ids
        or report.unlogged_duplicate_ids
    )
    verdict = "every notification delivered; every duplicate explained, counted and logged"
    print("\nresult:", verdict if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
