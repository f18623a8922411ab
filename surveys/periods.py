"""The stretch of time survey results cover: a UK financial year, one of its quarters or halves
(the board reports "the first half of 2017/18"), or any two dates. Pages and the API translate
their input into a Period here, so the rules (a known part, the end not before the start)
hold for both; a broken rule is InvalidInput with the field it concerns."""

import datetime
from dataclasses import dataclass

from core.errors import InvalidInput
from workflow.dates import EARLIEST, LATEST, financial_year_bounds, financial_year_label

# Part of a financial year -> (first month, months, words). Q1 is April to June.
PARTS: dict[str, tuple[int, int, str]] = {
    "Q1": (4, 3, "Q1 (April to June)"),
    "Q2": (7, 3, "Q2 (July to September)"),
    "Q3": (10, 3, "Q3 (October to December)"),
    "Q4": (1, 3, "Q4 (January to March)"),
    "H1": (4, 6, "first half (April to September)"),
    "H2": (10, 6, "second half (October to March)"),
}
PART_CHOICES = [
    ("", "The whole year"),
    *((code, words[0].upper() + words[1:]) for code, (_, _, words) in PARTS.items()),
]


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    label: str


def _month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def financial_year(year: int, part: str = "") -> Period:
    """Financial year `year` (2017 is 2017/18), or one of its PARTS."""
    if not EARLIEST.year <= year < LATEST.year:
        raise InvalidInput({"year": [f"Enter a year from {EARLIEST.year} to {LATEST.year - 1}"]})
    label = financial_year_label(year)
    if not part:
        start, end = financial_year_bounds(year)
        return Period(start, end, label)
    if part not in PARTS:
        raise InvalidInput({"part": [f"Choose one of {', '.join(PARTS)}, or none"]})
    month, months, words = PARTS[part]
    first_year = year + 1 if month < 4 else year
    start = _month_start(first_year, month)
    end = _month_start(first_year, month + months) - datetime.timedelta(days=1)
    return Period(start, end, f"{label} {words}")


def between(start: datetime.date, end: datetime.date) -> Period:
    """Any two dates, both included."""
    errors: dict[str, list[str]] = {}
    for field, day in (("from", start), ("to", end)):
        if not EARLIEST <= day <= LATEST:
            errors[field] = [f"Enter a date from {EARLIEST:%Y} to {LATEST:%Y}"]
    if not errors and end < start:
        errors["to"] = ["The end date must be the same as or after the start date"]
    if errors:
        raise InvalidInput(errors)
    return Period(start, end, f"{_day(start)} to {_day(end)}")


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"
