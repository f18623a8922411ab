"""What "delivered" means for every figure of the programme report (DOMAIN.md §7.2): a case
whose onsite visit ended in the period, by today, in a state at or after the visit. A withdrawn
or postponed case never left the states before the visit, so it never counts, whatever its
dates say."""

import datetime

from django.db.models import QuerySet

from surveys.periods import Period
from workflow.choices import REPORT_ISSUED_OR_LATER, State
from workflow.models import PeerChallenge

VISITED = (State.ONSITE, State.REPORTING, *REPORT_ISSUED_OR_LATER)
CORPORATE = "corporate"  # the corporate peer challenge's type (workflow/challenge_types.py)


def delivered_cases(period: Period, *, today: datetime.date) -> QuerySet[PeerChallenge]:
    """The cases delivered in the period (by `today`: a visit still to end is not delivered)."""
    return PeerChallenge.objects.filter(
        state__in=VISITED, onsite_end__gte=period.start, onsite_end__lte=min(period.end, today)
    )
