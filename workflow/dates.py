"""UK financial years: 1 April to 31 March, named by the calendar year they start in
(financial year 2025 is 2025/26). Datetimes are read on the Europe/London calendar, so an
event at 00:30 BST on 1 April belongs to the new year although it is still 31 March in UTC.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

FIRST_MONTH = 4  # April


def _local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def financial_year_of(value: datetime.date | datetime.datetime) -> int:
    """The financial year a date falls in: 31 March 2026 is in 2025, 1 April 2026 in 2026."""
    day = _local_date(value)
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day (inclusive) of financial year `year`."""
    return datetime.date(year, FIRST_MONTH, 1), datetime.date(year + 1, FIRST_MONTH, 1) - (
        datetime.timedelta(days=1)
    )


def financial_year_label(year: int) -> str:
    """The programme's way of writing a year: 2025 -> "2025/26"."""
    return f"{year}/{(year + 1) % 100:02d}"


# Dates a case can sensibly hold. The bound keeps arithmetic downstream (reminders months
# after a visit, calendar files) far from the ends of Python's date range.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# An onsite visit lasts days; a month is the longest the programme runs one.
MAX_ONSITE_DAYS = 31


def validate_programme_date(value: datetime.date) -> None:
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(f"must be between {EARLIEST:%Y} and {LATEST:%Y}")


# How the API writes a date. [0-9], not \d: that would also match other scripts' digits.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_impossible_date(text: str) -> bool:
    """Written as YYYY-MM-DD but naming no day (2027-02-30, 2026-13-01): the format is right,
    so "wrong format" would mislead."""
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return True
    return False


# --- dates in words ---------------------------------------------------------------------


def day_words(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def range_words(start: datetime.date, end: datetime.date) -> str:
    """'4 to 8 May 2027', '30 April to 4 May 2027', '30 December 2026 to 2 January 2027'."""
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if start.year != end.year:
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%B} to {end.day} {end:%B %Y}"
    return f"{start.day} to {end.day} {end:%B %Y}"
