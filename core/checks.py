"""Deployment checks of our own (`manage.py check --deploy`): what Django's cannot know."""

from django.conf import settings
from django.core import checks

# Caches whose counts live in one process: gunicorn's workers would each allow the full rate.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def rate_limits_are_shared(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The signed-link rate limits (core/link_rate_limit.py) count in the default cache, and
    the kept figures (core/snapshots.py) live there; in production that must be one store
    shared by every worker, not each process's memory."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"the default cache is {backend.rsplit('.', 1)[-1]}, kept in each process: the "
            "signed-link rate limits are multiplied by the number of workers, and each "
            "worker computes the kept report figures for itself",
            hint="Set CACHE_URL (or REDIS_URL) to a Redis every worker shares.",
            id="core.W001",
        )
    ]
