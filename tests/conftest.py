import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _ci_runs_on_postgresql(django_db_setup, django_db_blocker):
    """In CI the suite must run on PostgreSQL: a missing server is a failure, never a skip."""
    from django.db import connection

    if os.environ.get("CI") == "true" and connection.vendor != "postgresql":
        pytest.fail("CI=true but the database is not PostgreSQL: set DATABASE_URL", pytrace=False)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set real passwords; the default PBKDF2 costs most of a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
