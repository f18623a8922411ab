"""The reports' periodic work (thin: the rules are in the services)."""

from celery import shared_task

from reports import data_protection
from reports.good_practice import draft_good_practice_from_surveys


@shared_task(ignore_result=True)
def draft_good_practice() -> int:
    """Daily: a good-practice draft for each FB10 answer not yet drafted (idempotent)."""
    return draft_good_practice_from_surveys()


@shared_task(ignore_result=True)
def apply_retention() -> dict[str, int]:
    """Daily: remove personal data past its retention period (idempotent)."""
    return data_protection.apply_retention()
