"""Figures that read across a year of the programme (the reports, the survey results), kept
for a short while so that reading them costs a cache lookup, not the aggregate queries (issue
11: every read within 100 ms at 100,000 cases, where a year's programme report takes half a
second to compute). A page shows when its figures were computed: core/figures_as_at.html.

    report = snapshots.latest(programme_report, year=2026, part="")
    report.value, report.as_at

How fresh a read is:
* a snapshot younger than REPORT_FIGURES_FRESH_SECONDS is served as it is;
* an older one is still served (the page says "as at"), and one refresh is queued (a Celery
  task, one at a time per snapshot by a cache lock), so after the first read nobody waits;
* one older than REPORT_FIGURES_MAX_AGE_SECONDS has left the cache: the read computes it, so a
  stopped worker can make figures slow but never leaves them stale beyond that age.
With a cache kept in each process (locmem: one local process, the embedded defaults) a worker
could not refresh what the web process holds, so a stale read refreshes itself.

A snapshot is of one day (the figures count "by today"), of the code's SHAPE (bump it when a
kept function's result changes form, so a deploy never reads the old one) and of the keyword
arguments, which are plain values (they travel to the worker as JSON).
REPORT_FIGURES_FRESH_SECONDS = 0 computes every read (the tests' setting: they check a figure
straight after writing it; tests/performance/test_snapshots.py tests the keeping)."""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.checks import PER_PROCESS_CACHES

SHAPE = 1
T = TypeVar("T")
P = ParamSpec("P")
Plain = str | int | None


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    value: T
    as_at: datetime.datetime  # when it was computed


def kept(compute: Callable[P, T]) -> Callable[P, T]:
    """Marks a function whose result may be kept: only these are refreshed by name (a task's
    message names the function; nothing else may be imported that way)."""
    compute.kept_figures = True  # type: ignore[attr-defined]
    return compute


def latest(compute: Callable[..., T], **params: Plain) -> Snapshot[T]:
    """`compute(**params)`'s latest snapshot, computed now if none is held."""
    name = f"{compute.__module__}.{compute.__qualname__}"
    if not getattr(compute, "kept_figures", False):
        raise TypeError(f"{name} is not marked @kept")
    if settings.REPORT_FIGURES_FRESH_SECONDS <= 0:
        return Snapshot(compute(**params), timezone.now())
    key = _key(name, params)
    held: Snapshot[T] | None = cache.get(key)
    if held is None:
        return _compute_and_keep(key, compute, params)
    age = (timezone.now() - held.as_at).total_seconds()
    if age > settings.REPORT_FIGURES_FRESH_SECONDS:
        if not _shared_cache():
            return _compute_and_keep(key, compute, params)
        if cache.add(f"{key}:refreshing", 1, timeout=settings.REPORT_FIGURES_FRESH_SECONDS):
            from core.tasks import refresh_figures  # the task module imports this one

            transaction.on_commit(lambda: refresh_figures.delay(name, params))
    return held


def refresh(name: str, params: dict[str, Plain]) -> None:
    """Computes and keeps `name`'s figures (the worker's half of a stale read)."""
    compute = import_string(name)
    if not getattr(compute, "kept_figures", False):
        raise ValueError(f"{name} is not marked @kept")
    key = _key(name, params)
    _compute_and_keep(key, compute, params)
    cache.delete(f"{key}:refreshing")


def _compute_and_keep(key: str, compute: Callable[..., T], params: dict) -> Snapshot[T]:
    snapshot = Snapshot(compute(**params), timezone.now())
    cache.set(key, snapshot, timeout=settings.REPORT_FIGURES_MAX_AGE_SECONDS)
    return snapshot


def _key(name: str, params: dict[str, Plain]) -> str:
    for field, value in params.items():
        if not isinstance(value, str | int | type(None)):
            raise TypeError(f"{field}={value!r}: keep figures by plain values only")
    what = json.dumps([name, params, timezone.localdate().isoformat()], sort_keys=True)
    return f"figures:{SHAPE}:{hashlib.sha256(what.encode()).hexdigest()}"


def _shared_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES
