"""The outbox delivery fault scenario at scale (tests/integration/test_delivery_faults.py is the
small version that runs in CI).

Creates a throwaway database on the PostgreSQL server named by --database-url, starts its own
redis-server and Celery worker, puts N due notifications in the outbox, runs two sweepers, and
restarts Redis and SIGKILLs the worker over and over while they are delivered. Prints a table.

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
    parser.add_argument("--fault-interval", type=float, default=1.5, help="seconds")
    parser.add_argument("--send-delay-ms", type=int, default=40, help="per email, in the worker")
    parser.add_argument("--dispatch-timeout", type=int, default=8, help="seconds")
    parser.add_argument("--sending-timeout", type=int, default=3, help="seconds")
    parser.add_argument("--timeout", type=float, default=900, help="give up after (seconds)")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("--database-url (or DATABASE_URL) must name a PostgreSQL server")
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
        SLOW_EMAIL_BACKEND,
        create_due_notifications,
        run_delivery_faults,
        sweeper_env,
    )
    from tests.support.processes import CeleryWorker, RedisServer, django_env, postgres_url
    from tests.workflow.factories import PeerChallengeFactory

    call_command("migrate", verbosity=0)
    mail_dir = work_dir / "sent-mail"
    mail_dir.mkdir()
    redis = RedisServer(work_dir).start()
    env = sweeper_env(
        django_env(
            DATABASE_URL=postgres_url(connection.settings_dict),
            CELERY_BROKER_URL=redis.url,
            CELERY_VISIBILITY_TIMEOUT="5",
            EMAIL_FILE_PATH=str(mail_dir),
        ),
        dispatch_timeout=args.dispatch_timeout,
        sending_timeout=args.sending_timeout,
    )
    worker_env = {
        **env,
        "EMAIL_BACKEND": SLOW_EMAIL_BACKEND,
        "SLOW_EMAIL_DELAY_MS": str(args.send_delay_ms),
    }
    worker = CeleryWorker(worker_env, work_dir / "worker.log", name="bench-worker")
    try:
        ids = create_due_notifications(PeerChallengeFactory.create_batch(10), args.notifications)
        worker.start()
        print(f"{len(ids)} notifications; logs in {work_dir}", flush=True)
        began = time.monotonic()
        report = run_delivery_faults(
            ids=ids,
            redis=redis,
            worker=worker,
            env=env,
            work_dir=work_dir,
            mail_dir=mail_dir,
            redis_restarts=args.redis_restarts,
            worker_kills=args.worker_kills,
            fault_interval=args.fault_interval,
            timeout=args.timeout,
            progress=lambda line: print(line, flush=True),
        )
    finally:
        worker.stop()
        redis.stop()
    print(f"\nsend delay {args.send_delay_ms} ms, fault every {args.fault_interval} s, "
          f"wall {time.monotonic() - began:.0f} s\n{report.table()}")  # fmt: skip
    ok = not (report.unsent or report.missing_ids or report.undetected_duplicate_ids)
    print("\nresult:", "every notification delivered" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
