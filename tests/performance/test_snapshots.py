"""Kept figures (core/snapshots.py): served from the cache while fresh, served stale while a
worker refreshes them, recomputed past their maximum age, never computed from a name that is
not marked."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from core import snapshots
from peerchallenge.celery import app

calls: list[dict] = []


@snapshots.kept
def counted(**params):
    calls.append(params)
    return len(calls)


def unmarked(**params):
    return 0


@pytest.fixture
def keeping(settings, tmp_path):
    """Keeping on, in a cache every process shares (files), with tasks run in-process."""
    settings.REPORT_FIGURES_FRESH_SECONDS = 60
    settings.REPORT_FIGURES_MAX_AGE_SECONDS = 900
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    calls.clear()
    yield
    app.conf.task_always_eager = previous
    cache.clear()


def test_fresh_figures_are_served_without_computing(keeping):
    first = snapshots.latest(counted, year=2026)
    again = snapshots.latest(counted, year=2026)
    assert (first.value, again.value) == (1, 1)
    assert again.as_at == first.as_at
    assert calls == [{"year": 2026}]


def test_other_arguments_are_other_figures(keeping):
    snapshots.latest(counted, year=2026)
    assert snapshots.latest(counted, year=2025).value == 2
    assert snapshots.latest(counted, year=2026, part="Q1").value == 3


@pytest.mark.django_db
def test_a_stale_read_is_served_and_refreshed_once(keeping, django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        kept = snapshots.latest(counted, year=2026)
        clock.shift(datetime.timedelta(seconds=61))
        with django_capture_on_commit_callbacks(execute=True) as queued:
            stale = snapshots.latest(counted, year=2026)
            snapshots.latest(counted, year=2026)  # already being refreshed: not queued again
        assert stale == kept  # the reader did not wait
        assert len(queued) == 1
        refreshed = snapshots.latest(counted, year=2026)
    assert refreshed.value == 2
    assert refreshed.as_at == kept.as_at + datetime.timedelta(seconds=61)


def test_past_the_maximum_age_the_read_computes(keeping):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        snapshots.latest(counted, year=2026)
        clock.shift(datetime.timedelta(seconds=901))
        assert snapshots.latest(counted, year=2026).value == 2


def test_a_new_day_is_new_figures(keeping):
    with time_machine.travel(datetime.datetime(2026, 11, 30, 23, 59, tzinfo=datetime.UTC)) as clock:
        snapshots.latest(counted, year=2026)
        clock.shift(datetime.timedelta(minutes=2))  # 00:01 on 1 December, under a minute old
        assert snapshots.latest(counted, year=2026).value == 2


def test_a_per_process_cache_refreshes_in_the_read(keeping, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        snapshots.latest(counted, year=2026)
        clock.shift(datetime.timedelta(seconds=61))
        assert snapshots.latest(counted, year=2026).value == 2


def test_keeping_off_computes_every_read(keeping, settings):
    settings.REPORT_FIGURES_FRESH_SECONDS = 0
    snapshots.latest(counted, year=2026)
    assert snapshots.latest(counted, year=2026).value == 2


def test_only_marked_functions_are_kept_or_refreshed(keeping):
    with pytest.raises(TypeError, match="not marked"):
        snapshots.latest(unmarked, year=2026)
    with pytest.raises(ValueError, match="not marked"):
        snapshots.refresh("os.getcwd", {})
    with pytest.raises(TypeError, match="plain values"):
        snapshots.latest(counted, day=datetime.date(2026, 1, 1))
