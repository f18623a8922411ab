"""The settings both in-process benchmarks (measure.py, overhead.py) time requests under."""

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

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
