"""What a range of onsite dates runs into, said in words: weekend days, bank holidays in England
and pre-election periods (DOMAIN.md §9.7: elections cause postponements). These are warnings,
never refusals: a manager may have good reason to visit on a Saturday, and the case page and
the date poll show them next to the dates.

Bank holidays come from the data `govuk-bank-holidays` ships (never fetched: the service runs
without the network), read once per process. The pre-election periods are the managers'
calendar (ElectionPeriod, kept in the admin)."""

import datetime
from functools import cache

from django.db.models import Q
from govuk_bank_holidays.bank_holidays import BankHolidays

from workflow.dates import day_words, range_words
from workflow.models import Council, ElectionPeriod

ONE_DAY = datetime.timedelta(days=1)


@cache
def _bank_holidays() -> tuple[dict[datetime.date, str], range]:
    """England's bank holidays by date, and the years the shipped data covers."""
    known = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES
    )
    by_date = {h["date"]: h["title"] for h in known}
    years = {day.year for day in by_date}
    return by_date, range(min(years), max(years) + 1)


def _days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


# More weekend days than this (a range of weeks, not a visit) are said in one line, not listed.
MAX_WEEKEND_DAYS_LISTED = 4


def _weekends(start: datetime.date, end: datetime.date) -> list[str]:
    weekend = [d for d in _days(start, end) if d.weekday() >= 5]
    if len(weekend) > MAX_WEEKEND_DAYS_LISTED:
        return [f"{range_words(start, end)} includes {len(weekend)} weekend days"]
    return [f"{day_words(d)} is a weekend day" for d in weekend]


def _bank_holiday_clashes(start: datetime.date, end: datetime.date) -> list[str]:
    holidays, years = _bank_holidays()
    found = [
        f"{day_words(d)} is a bank holiday in England ({holidays[d]})"
        for d in _days(start, end)
        if d in holidays
    ]
    if start.year < years.start or end.year >= years.stop:
        covered = f"{years.start} to {years.stop - 1}"
        found.append(
            f"bank holidays in England are known only for {covered}: "
            f"check {range_words(start, end)} against the published dates"
        )
    return found


def _election_clashes(council: Council, start: datetime.date, end: datetime.date) -> list[str]:
    periods = (
        ElectionPeriod.objects.filter(starts__lte=end, polling_day__gte=start)
        .filter(Q(councils=None) | Q(councils=council))
        .distinct()
        .order_by("starts", "pk")
    )
    found = []
    for period in periods:
        within = "falls in" if period.starts <= start and end <= period.polling_day else "runs into"
        found.append(
            f"{range_words(start, end)} {within} the pre-election period for {period} "
            f"({range_words(period.starts, period.polling_day)})"
        )
    return found


def date_clashes(council: Council, start: datetime.date, end: datetime.date) -> list[str]:
    """Every warning for a visit to `council` from `start` to `end` (inclusive), in date order
    within each kind: weekends, bank holidays, then pre-election periods."""
    if end < start:
        return []  # not a range: the model's own rule says so where the dates are entered
    return [
        *_weekends(start, end),
        *_bank_holiday_clashes(start, end),
        *_election_clashes(council, start, end),
    ]
