"""A kept function a worker process imports by name (test_kept_figures.py)."""

from django.contrib.auth.models import User

from core.snapshots import kept


@kept
def accounts() -> int:
    return User.objects.count()
