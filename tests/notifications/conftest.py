import os

import pytest

from peerchallenge.celery import app


@pytest.fixture
def eager_celery():
    """Run `.delay()` in-process, so a committed outbox row is delivered to mail.outbox."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def _postgresql_only():
    """Real races need PostgreSQL's row locks and separate connections: in CI (always on
    PostgreSQL) a missing server is a failure, never a skip."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("the race tests need PostgreSQL in CI: set DATABASE_URL", pytrace=False)
        pytest.skip("the race tests need PostgreSQL row locks (set DATABASE_URL)")
