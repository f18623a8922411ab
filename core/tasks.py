"""Celery tasks of the shared parts (thin: the work is in the modules)."""

from celery import shared_task

from core import snapshots


@shared_task(ignore_result=True)
def refresh_figures(name: str, params: dict) -> None:
    """A stale read's refresh of kept figures (core/snapshots.py)."""
    snapshots.refresh(name, params)
