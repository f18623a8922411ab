import datetime
from zoneinfo import ZoneInfo

import pytest

from workflow.dates import financial_year_bounds, financial_year_label, financial_year_of

D = datetime.date


@pytest.mark.parametrize(
    ("day", "year"),
    [(D(2026, 3, 31), 2025), (D(2026, 4, 1), 2026), (D(2026, 1, 1), 2025), (D(2025, 12, 31), 2025)],
)
def test_financial_year_turns_over_on_1_april(day, year):
    assert financial_year_of(day) == year


def test_a_datetime_is_read_on_the_london_calendar():
    # 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April: the new financial year.
    late = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)

    assert financial_year_of(late) == 2026
    assert financial_year_of(late.astimezone(ZoneInfo("America/New_York"))) == 2026


def test_bounds_run_from_1_april_to_31_march_inclusive():
    assert financial_year_bounds(2025) == (D(2025, 4, 1), D(2026, 3, 31))
    assert financial_year_bounds(2023) == (D(2023, 4, 1), D(2024, 3, 31))


def test_label_is_written_the_programme_way():
    assert financial_year_label(2025) == "2025/26"
    assert financial_year_label(2099) == "2099/00"
