"""Helpers for pages that write their long tables' rows in Python rather than through template
tags (a few hundred rows of {% url %}, |date and autoescape were most of those pages' time at
100,000 cases: issue 11). One escape, one reversed address, one date's words per page."""

import datetime
import html

from django.urls import reverse
from django.utils import dateformat

ANY_ID = "2147483647"  # a placeholder no real address contains


def escape(value: object) -> str:
    """What autoescape and django.utils.html.escape give (html.escape, quotes included),
    without their wrapping for lazy text, which was most of a long table's escaping time."""
    return html.escape(str(value))


def url_pattern(name: str, blank: str = ANY_ID) -> str:
    """The address of URL `name` with {} for its one argument: reversed once, not once a row."""
    return reverse(name, args=[blank]).replace(blank, "{}")


class DateWords:
    """A date as the template's |date:`format` writes it, worked out once per date a page
    shows, however many rows share it."""

    def __init__(self, format: str) -> None:
        self.format = format
        self.seen: dict[datetime.date, str] = {}

    def __call__(self, day: datetime.date) -> str:
        if day not in self.seen:
            self.seen[day] = dateformat.format(day, self.format)
        return self.seen[day]
