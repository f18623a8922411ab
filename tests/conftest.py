import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _ci_runs_on_postgresql(django_db_setup, django_db_blocker):
    """In CI the suite must run on PostgreSQL: a missing server is a failure, never a skip."""
    from django.db import connection

    if os.environ.get("CI") == "true" and connection.vendor != "postgresql":
        pytest.fail("CI=true but the database is not PostgreSQL: set DATABASE_URL", pytrace=False)


@pytest.fixture(autouse=True, scope="session")
def _zeal_patched(django_db_setup):
    """django-zeal patches the ORM once (what its AppConfig.ready() does), so the
    settings module needs no test-only app."""
    from zeal.constants import initialize_app_registry
    from zeal.patch import patch

    initialize_app_registry()
    patch()


@pytest.fixture(autouse=True)
def _n_plus_one_fails_the_test(_zeal_patched, settings):
    """A lazy load repeated across the rows of one queryset (an N+1) while a page or the API
    answers raises NPlusOneError, so a new one fails the suite where it appears. Watched per
    request, not per test: a test's own arrangement (factories in a loop) is not the app's."""
    settings.ZEAL_RAISE = True
    # Lazy loads only: zeal's other check, one `.get()` line run twice in a request, fires on
    # the browsable API reading its queryset twice; the lists' query counts are asserted in
    # tests/performance instead.
    # A survey page reads its one questionnaire's questions a few times (to open, check and
    # save a page): a fixed number per request, not one per row.
    settings.ZEAL_ALLOWLIST = [
        {"model": "*", "field": "get()"},
        {"model": "surveys.Questionnaire", "field": "questions"},
    ]
    settings.MIDDLEWARE = ["zeal.middleware.zeal_middleware", *settings.MIDDLEWARE]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set real passwords; the default PBKDF2 costs most of a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _signed_link_rate_limit_out_of_the_way(settings):
    """Every test client comes from 127.0.0.1: the per-address limit on signed-link pages
    (core/link_rate_limit.py) would trip across a suite. tests/security sets its own."""
    settings.SIGNED_LINK_RATE_LIMIT = (1_000_000, 60)


@pytest.fixture(autouse=True)
def _report_figures_computed_each_read(settings):
    """Tests check a figure straight after writing its data, so nothing is kept
    (core/snapshots.py); tests/performance/test_snapshots.py turns the keeping on."""
    settings.REPORT_FIGURES_FRESH_SECONDS = 0


@pytest.fixture
def keeping_figures(settings):
    """Kept figures on, in this process's cache, emptied before and after: for a report's test
    that its page and API serve the kept figures and say when they were computed."""
    from django.core.cache import cache

    settings.REPORT_FIGURES_FRESH_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def postgresql_only():
    """Real races need PostgreSQL's row locks and separate connections (tests/support/races.py):
    in CI (always on PostgreSQL) a missing server is a failure, never a skip."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("the race tests need PostgreSQL in CI: set DATABASE_URL", pytrace=False)
        pytest.skip("the race tests need PostgreSQL row locks (set DATABASE_URL)")
