import pytest

from peerchallenge.celery import app


@pytest.fixture
def eager_celery():
    """Run `.delay()` in-process, so a committed outbox row is delivered to mail.outbox."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
