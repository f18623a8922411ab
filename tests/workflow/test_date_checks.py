"""Onsite dates against weekends, England's bank holidays and pre-election periods: warnings in
words, never refusals."""

import datetime

import pytest

from tests.workflow.factories import council
from workflow.date_checks import date_clashes
from workflow.dates import range_words
from workflow.models import ElectionPeriod

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_weekday_range_away_from_holidays_and_elections_has_no_warning():
    assert date_clashes(council("ADU"), D(2026, 6, 8), D(2026, 6, 11)) == []


def test_each_weekend_day_is_named():
    assert date_clashes(council("ADU"), D(2026, 6, 4), D(2026, 6, 8)) == [
        "Saturday 6 June 2026 is a weekend day",
        "Sunday 7 June 2026 is a weekend day",
    ]


def test_a_range_of_weeks_says_how_many_weekend_days_it_includes():
    assert date_clashes(council("ADU"), D(2026, 6, 1), D(2026, 6, 26)) == [
        "1 to 26 June 2026 includes 6 weekend days"
    ]


def test_easter_monday_is_a_bank_holiday_in_england():
    # Easter 2026 also falls in the May elections' pre-election period: both are said.
    assert date_clashes(council("ADU"), D(2026, 4, 6), D(2026, 4, 8)) == [
        "Monday 6 April 2026 is a bank holiday in England (Easter Monday)",
        "6 to 8 April 2026 falls in the pre-election period for Local elections, May 2026 "
        "(30 March to 7 May 2026)",
    ]


def test_christmas_and_the_substitute_boxing_day_are_named():
    warnings = date_clashes(council("ADU"), D(2026, 12, 24), D(2026, 12, 29))
    assert "Friday 25 December 2026 is a bank holiday in England (Christmas Day)" in warnings
    assert "Monday 28 December 2026 is a bank holiday in England (Boxing Day)" in warnings
    assert "Saturday 26 December 2026 is a weekend day" in warnings


def test_the_seeded_may_elections_apply_to_every_council():
    # Seeded by migration 0012: polling day the first Thursday of May, the period from the
    # notice of election 25 working days before.
    for code in ("ADU", "BIR"):
        assert date_clashes(council(code), D(2027, 4, 13), D(2027, 4, 15)) == [
            "13 to 15 April 2027 falls in the pre-election period for Local elections, May 2027 "
            "(31 March to 6 May 2027)"
        ]


def test_a_range_that_runs_past_polling_day_says_it_runs_into_the_period():
    warnings = date_clashes(council("ADU"), D(2027, 5, 5), D(2027, 5, 7))
    assert warnings == [
        "5 to 7 May 2027 runs into the pre-election period for Local elections, May 2027 "
        "(31 March to 6 May 2027)"
    ]


def test_a_period_with_listed_councils_applies_to_them_only():
    by_election = ElectionPeriod.objects.create(
        name="Mayoral by-election", starts=D(2026, 9, 1), polling_day=D(2026, 10, 1)
    )
    by_election.councils.add(council("BIR"))
    assert date_clashes(council("BIR"), D(2026, 9, 15), D(2026, 9, 17)) == [
        "15 to 17 September 2026 falls in the pre-election period for Mayoral by-election "
        "(1 September to 1 October 2026)"
    ]
    assert date_clashes(council("ADU"), D(2026, 9, 15), D(2026, 9, 17)) == []


def test_a_range_beyond_the_shipped_bank_holidays_says_so():
    warnings = date_clashes(council("ADU"), D(2031, 3, 4), D(2031, 3, 6))
    assert len(warnings) == 1
    assert warnings[0].startswith("bank holidays in England are known only for 2012 to ")
    assert warnings[0].endswith("check 4 to 6 March 2031 against the published dates")


def test_a_backwards_range_is_not_checked():
    assert date_clashes(council("ADU"), D(2026, 6, 7), D(2026, 6, 6)) == []


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (D(2026, 6, 1), D(2026, 6, 1), "1 June 2026"),
        (D(2026, 6, 1), D(2026, 6, 4), "1 to 4 June 2026"),
        (D(2026, 4, 30), D(2026, 5, 2), "30 April to 2 May 2026"),
        (D(2026, 12, 30), D(2027, 1, 2), "30 December 2026 to 2 January 2027"),
    ],
)
def test_ranges_in_words(start, end, words):
    assert range_words(start, end) == words


def test_managers_keep_the_election_calendar_in_the_admin_and_leads_only_read_it(client):
    from tests.workflow.factories import manager, programme_lead

    boss = manager(is_staff=True)
    client.force_login(boss)
    added = client.post(
        "/admin/workflow/electionperiod/add/",
        {
            "name": "Police and crime commissioner elections",
            "starts": "2028-03-27",
            "polling_day": "2028-05-04",
            "councils": [],
        },
    )
    assert added.status_code == 302, added.content
    period = ElectionPeriod.objects.get(name="Police and crime commissioner elections")
    listing = client.get("/admin/workflow/electionperiod/")
    assert "Every council" in listing.content.decode()

    client.force_login(programme_lead(is_staff=True))
    assert client.get("/admin/workflow/electionperiod/").status_code == 200
    assert (
        client.post(
            f"/admin/workflow/electionperiod/{period.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert ElectionPeriod.objects.filter(pk=period.pk).exists()
