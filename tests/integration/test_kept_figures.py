"""Kept figures (core/snapshots.py) refreshed the way production does it: the web process and a
real Celery worker share a real Redis as the cache; a stale read is served at once and queues
the refresh, which the worker computes from the database and keeps for the next read."""

import time

import pytest
from django.contrib.auth.models import User

from core import snapshots
from tests.integration.kept_figures import accounts
from tests.support.processes import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
FRESH_SECONDS = 1


def test_a_stale_read_is_refreshed_by_the_worker_through_the_shared_cache(
    settings, celery_broker, start_celery_worker
):
    cache_url = celery_broker.url.removesuffix("/0") + "/1"  # the broker's server, its own db
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
    settings.REPORT_FIGURES_FRESH_SECONDS = FRESH_SECONDS
    worker = start_celery_worker(
        env={"CACHE_URL": cache_url, "REPORT_FIGURES_FRESH_SECONDS": str(FRESH_SECONDS)}
    )
    before = User.objects.count()
    first = snapshots.latest(accounts)
    User.objects.create(username="kept-figures-new")

    assert snapshots.latest(accounts) == first  # fresh: the new account is not counted yet
    time.sleep(FRESH_SECONDS + 0.1)
    assert snapshots.latest(accounts) == first  # stale, served at once; the refresh is queued

    refreshed = wait_until(
        lambda: (kept := snapshots.latest(accounts)).value == before + 1 and kept,
        30,
        "the worker to refresh the kept figure",
    )
    assert first.value == before
    assert refreshed.as_at > first.as_at
    assert "core.tasks.refresh_figures" in worker.log_text()
