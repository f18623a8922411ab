"""Real services for the integration tests: a Redis server, Celery worker processes and the
test process's own Celery producer pointed at that Redis. They need PostgreSQL: the worker is a
separate process that must see the rows the test commits, which SQLite's test database (in
memory) cannot share. scripts/test and CI always provide PostgreSQL.

Tests using a worker need `django_db(transaction=True, serialized_rollback=True)`: the rows must
be committed for the worker to see them, and the flush after a transactional test would
otherwise wipe the councils the migrations loaded for every later test."""

import os

import kombu.pools
import pytest
from django.conf import settings

from peerchallenge.celery import app as celery_app
from tests.support.fault_scenario import SMTP_DATA_DELAY, SMTP_QUIT_DELAY
from tests.support.processes import CeleryWorker, RedisServer, django_env, postgres_url
from tests.support.smtp_sink import SmtpSink

VISIBILITY_TIMEOUT_SECONDS = 5


def _on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """Outside CI, a developer running plain `pytest` on SQLite gets the integration tests
    deselected (and told so); in CI a missing PostgreSQL fails the run (tests/conftest.py)."""
    if _on_postgresql() or os.environ.get("CI") == "true":
        return
    integration = [item for item in items if item.get_closest_marker("integration")]
    if integration:
        config.hook.pytest_deselected(items=integration)
        items[:] = [item for item in items if not item.get_closest_marker("integration")]
        config.stash[_DESELECTED] = len(integration)


_DESELECTED = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter, config):
    if count := config.stash.get(_DESELECTED, 0):
        terminalreporter.write_line(
            f"{count} integration tests deselected: they need PostgreSQL "
            "(set DATABASE_URL, or run scripts/test)",
            yellow=True,
        )


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server on a free port, no persistence; `.restart()` loses every message.
    A missing redis-server binary is an error, never a skip."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def celery_broker(redis_server):
    """Point this process's Celery producer (`.delay()` after commit) at the real Redis."""
    conf = celery_app.conf
    saved = {
        key: conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }

    def reset_pools():
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        # kombu keeps producer pools in a process-wide registry keyed by broker: without this a
        # later test's `.delay()` picks up the pool closed above ("Acquire on closed pool").
        kombu.pools.reset()

    conf.broker_url = redis_server.url
    conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT_SECONDS}
    conf.task_always_eager = False
    reset_pools()
    yield redis_server
    conf.update(saved)
    reset_pools()


@pytest.fixture
def smtp_sink():
    """A real SMTP server in this process's threads (tests/support/smtp_sink.py). Requested
    before the workers, it outlives them."""
    sink = SmtpSink(data_delay=SMTP_DATA_DELAY, quit_delay=SMTP_QUIT_DELAY)
    yield sink
    sink.stop()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "sent-mail"
    path.mkdir()
    return path


@pytest.fixture
def worker_env(transactional_db, redis_server, mail_dir, tmp_path):
    """The environment of a worker (or sweeper) process: this test's PostgreSQL database,
    the real Redis, emails written as files into `mail_dir`."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("integration tests need PostgreSQL: set DATABASE_URL", pytrace=False)
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    return django_env(
        DATABASE_URL=postgres_url(connection.settings_dict),
        CELERY_BROKER_URL=redis_server.url,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT_SECONDS),
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        APP_STATE_DIR=str(state_dir),
        LOG_LEVEL="INFO",
    )


@pytest.fixture
def start_celery_worker(worker_env, tmp_path):
    """Start real `celery worker` processes (`env` overrides `worker_env`); every one is
    stopped before the test database is flushed."""
    workers = []

    def start(name: str = "test-worker", env: dict | None = None) -> CeleryWorker:
        worker = CeleryWorker({**worker_env, **(env or {})}, tmp_path / f"{name}.log", name=name)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker_process(start_celery_worker):
    return start_celery_worker()
