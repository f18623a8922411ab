"""Real races on PostgreSQL, for every app's race tests: jobs in threads, each on its own
database connection, released at one instant. The `postgresql_only` fixture they use is in
tests/conftest.py."""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest
from django.db import connection

R = TypeVar("R")
Start = Callable[[], object]


def real_race(test):
    """Threads need committed rows: a transactional test. serialized_rollback restores the
    council register the migration loaded, which the flush after such tests empties."""
    test = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
    return pytest.mark.usefixtures("postgresql_only")(test)


def race(jobs: Sequence[Callable[[Start], R]], timeout: float = 30) -> list[R | Exception]:
    """Run each job in its own thread and return what each returned or raised, in order.

    A job calls `start()` once it is ready (say, once it has loaded the case it will fire at):
    `start()` returns when every job is ready, so what follows it runs in all of them at once.
    """
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    results: list[R | Exception] = [TimeoutError("the job did not finish")] * len(jobs)

    def run(i: int) -> None:
        try:
            results[i] = jobs[i](barrier.wait)
        except Exception as exc:  # recorded, so the assertion shows what went wrong
            barrier.abort()  # the others must not wait for a job that will never start
            results[i] = exc
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * timeout)
    return results
