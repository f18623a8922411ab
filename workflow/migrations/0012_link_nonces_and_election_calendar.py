"""Each existing place gets its own link nonce (AddField gave them all one), and the
pre-election calendar is seeded with the May local elections for the years whose bank holidays
GOV.UK has published (managers keep it from there)."""

import datetime
import secrets

from django.db import migrations
from govuk_bank_holidays.bank_holidays import BankHolidays

# The notice of election is published no later than the 25th working day before polling day
# (Local Elections (Principal Areas) (England and Wales) Rules 2006, Sch. 1 r. 1); the
# pre-election period runs from then.
NOTICE_WORKING_DAYS = 25


def first_thursday_of_may(year: int) -> datetime.date:
    day = datetime.date(year, 5, 1)
    return day + datetime.timedelta(days=(3 - day.weekday()) % 7)


def notice_of_election(polling_day: datetime.date, holidays: set) -> datetime.date:
    day, counted = polling_day, 0
    while counted < NOTICE_WORKING_DAYS:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


def forwards(apps, schema_editor):
    Assignment = apps.get_model("workflow", "Assignment")
    for place in Assignment.objects.only("pk"):
        Assignment.objects.filter(pk=place.pk).update(link_nonce=secrets.token_urlsafe(16))

    ElectionPeriod = apps.get_model("workflow", "ElectionPeriod")
    known = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES
    )
    holidays = {h["date"] for h in known}
    last_year = max(h.year for h in holidays)
    for year in range(2024, last_year + 1):
        polling_day = first_thursday_of_may(year)
        ElectionPeriod.objects.get_or_create(
            name=f"Local elections, May {year}",
            defaults={
                "polling_day": polling_day,
                "starts": notice_of_election(polling_day, holidays),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0011_team_links_reserves_overrides_availability")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
