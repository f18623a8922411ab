"""The reports' periodic work (thin: the rules are in the services)."""

from celery import shared_task

from reports.good_practice import draft_good_practice_from_surveys


@shared_task(ignore_result=True)
def draft_good_practice() -> int:
    """Daily: a good-practice draft for each FB10 answer not yet drafted (idempotent)."""
    return draft_good_practice_from_surveys()
