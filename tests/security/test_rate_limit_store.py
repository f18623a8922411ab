"""The signed-link rate limits must be counted in one store every worker shares: with DEBUG off,
a per-process cache is a deployment warning (core.W001), which CI's
`check --deploy --fail-level WARNING` turns into a failure."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core.checks import rate_limits_are_shared

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://localhost:6379/1",
    }
}


def test_production_with_a_per_process_cache_is_warned_of(settings):
    settings.DEBUG, settings.CACHES = False, LOCMEM

    warnings = rate_limits_are_shared(None)

    assert [w.id for w in warnings] == ["core.W001"]
    assert warnings[0].level == checks.WARNING
    assert "LocMemCache" in warnings[0].msg
    assert "CACHE_URL" in warnings[0].hint


@pytest.mark.parametrize(("debug", "caches"), [(False, REDIS), (True, LOCMEM)])
def test_a_shared_cache_or_a_local_run_is_fine(settings, debug, caches):
    settings.DEBUG, settings.CACHES = debug, caches

    assert rate_limits_are_shared(None) == []


def test_the_deployment_check_runs_it_and_fails_at_warning_level(settings):
    settings.DEBUG, settings.CACHES = False, LOCMEM

    with pytest.raises(SystemCheckError, match=r"core\.W001"):
        call_command("check", deploy=True, fail_level="WARNING", tags=["security"])


def test_the_ordinary_check_does_not_run_it(settings):
    settings.DEBUG, settings.CACHES = False, LOCMEM

    assert "core.W001" not in {m.id for m in checks.run_checks(include_deployment_checks=False)}
