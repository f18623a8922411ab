"""The settings both in-process benchmarks (measure.py, overhead.py) time requests under."""

import tempfile

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings

from peerchallenge.gc_tuning import tune_for_requests


def as_in_production() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    # DEBUG on (the development default) records every query's SQL and renders templates in
    # debug mode, both of which cost time the users would not pay.
    settings.DEBUG = False
    settings.AXES_ENABLED = False  # force_login has no client address for the lockout
    # As Django's test runner does: keep one connection, so its queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    tune_for_requests()  # as peerchallenge/wsgi.py does in each web process
    if not settings.CACHE_URL:
        # Production's cache is one Redis every process shares (bench/run starts one), so a
        # stale kept figure (core/snapshots.py) is served and its refresh queued for a worker;
        # a cache in this process's memory would make the read compute it. Files are shared
        # too, for a run without Redis (their zlib makes a kept read a little dearer).
        cache_dir = tempfile.mkdtemp(prefix="bench-cache-")
        backend = "django.core.cache.backends.filebased.FileBasedCache"
        override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": cache_dir}}).enable()
