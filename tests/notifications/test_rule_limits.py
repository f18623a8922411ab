"""The limits of the rules: how far back they catch up, who receives when the usual recipient
is missing, and what one broken case may not do to the others."""

import datetime
import logging

import pytest
from django.db import DataError

from notifications import rules, services
from notifications.emails import render_email
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory, programme_lead
from tests.workflow.factories import PeerChallengeFactory, council, manager
from workflow.models import State

pytestmark = pytest.mark.django_db
Kind = Notification.Kind

TODAY = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)


def keys(reminders) -> set[tuple[str, str, datetime.date]]:
    return {(r.kind, r.recipient_email, r.due_on) for r in reminders}


def report_late_since(days: int, **kwargs):
    """A report overdue (to its manager) since `days` ago."""
    return PeerChallengeFactory(
        state=State.REPORTING, feedback_date=TODAY - (28 + days) * DAY, **kwargs
    )


def digest_items(today: datetime.date = TODAY) -> list[tuple[str, str]]:
    return [
        (item["reference"], item["what"])
        for digest in rules.manager_weekly_digest(today)
        for item in digest.context["items"]
    ]


# --- how far back -------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_late", "written"), [(30, True), (31, False), (3 * 365, False)])
def test_a_reminder_older_than_the_catch_up_window_is_not_written(days_late, written):
    challenge = report_late_since(days_late)

    found = keys(rules.report_overdue(TODAY))

    manager_reminder = (Kind.REPORT_OVERDUE, challenge.manager.email, TODAY - days_late * DAY)
    assert (manager_reminder in found) is written


def finished_case(months_ago: int, state=State.CLOSED, **kwargs):
    """A finished case whose follow-up prompt fell due `months_ago` months before TODAY."""
    end = rules.add_months(TODAY, -12 - months_ago)
    return PeerChallengeFactory(state=state, onsite_start=end - 3 * DAY, onsite_end=end, **kwargs)


def test_a_first_deploy_prompts_no_follow_ups_for_cases_finished_long_ago():
    finished_case(months_ago=30)
    finished_case(months_ago=2, host=council("BIR"))

    assert list(rules.follow_up_prompt(TODAY)) == []


def test_a_closed_case_drops_out_of_the_prompt_and_the_digest_once_prompted():
    closed = finished_case(months_ago=0)
    running = finished_case(months_ago=0, state=State.POST_CHALLENGE, host=council("BIR"))
    for case in (closed, running):
        NotificationFactory(challenge=case, kind=Kind.FOLLOW_UP_PROMPT, due_on=TODAY)

    assert {r.challenge for r in rules.follow_up_prompt(TODAY)} == {running}
    assert (closed.reference, "follow-up visit or progress review to arrange") not in (
        digest_items()
    )
    assert (running.reference, "follow-up visit or progress review to arrange") in digest_items()


@pytest.mark.parametrize(("days_late", "listed"), [(182, True), (183, False)])
def test_the_digest_lists_an_overdue_item_for_half_a_year_and_no_longer(days_late, listed):
    challenge = report_late_since(days_late)

    assert ((challenge.reference, "feedback report not issued") in digest_items()) is listed


# --- one bad case -------------------------------------------------------------------------------


def test_one_case_with_a_date_the_calendar_cannot_hold_does_not_stop_the_others(caplog):
    broken = PeerChallengeFactory(  # ordered first: the newest onsite visit
        host=council("BIR"),
        state=State.REPORT_ISSUED,
        onsite_start=datetime.date(9999, 9, 1),
        onsite_end=datetime.date(9999, 9, 3),
        report_issued_on=datetime.date(9999, 10, 1),  # + 3 months is past year 9999
    )
    fine = PeerChallengeFactory(
        state=State.REPORT_ISSUED,
        onsite_start=datetime.date(2025, 1, 6),
        onsite_end=datetime.date(2025, 1, 9),
        report_issued_on=datetime.date(2025, 3, 16),
    )

    with caplog.at_level(logging.ERROR, logger="notifications.rules"):
        reminders = list(rules.publication_due(TODAY))
        listed = digest_items()

    assert {r.challenge for r in reminders} == {fine}
    assert listed == [(fine.reference, "report not yet published")]
    # The rules read only the cases in their window (in SQL): one dated in 9999 is not read,
    # so nothing about it needs skipping.
    assert broken.reference not in caplog.text


def test_a_row_the_database_refuses_is_logged_and_the_other_rows_are_written(monkeypatch, caplog):
    refused = report_late_since(0, host=council("BIR"))
    fine = report_late_since(0)
    write = services.notification_queue

    def queue(**row):
        if row["challenge"] == refused:
            raise DataError("value too long for type character varying(254)")
        return write(**row)

    monkeypatch.setattr(services, "notification_queue", queue)

    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        created = services.reminders_queue(rules.report_overdue(TODAY))

    assert created == 1
    assert Notification.objects.get().challenge == fine
    assert f"report_overdue for challenge:{refused.pk} not written" in caplog.text


# --- who receives when the usual recipient is missing ------------------------------------------


def test_a_council_without_contact_emails_has_its_reminder_sent_to_the_manager_with_a_note():
    challenge = PeerChallengeFactory(
        state=State.REPORT_ISSUED,
        report_issued_on=datetime.date(2025, 3, 16),
        chief_executive_email="",
        leader_email="",
    )

    services.reminders_queue(rules.publication_due(TODAY))

    [row] = Notification.objects.all()
    assert (row.kind, row.recipient_email) == (Kind.PUBLICATION_REMINDER, challenge.manager.email)
    body = render_email(row).body
    assert "We hold no email address for the council's chief executive or leader" in body
    assert "Your challenge manager is" not in body  # not to the manager about themselves


def no_manager():
    return None


def manager_without_email():
    return manager(email="")


@pytest.mark.parametrize("managed_by", [no_manager, manager_without_email])
def test_a_reminder_for_the_manager_goes_to_the_programme_leads_with_an_email(managed_by):
    lead = programme_lead()
    programme_lead(email="")
    report_late_since(0, manager=managed_by())

    assert keys(rules.report_overdue(TODAY)) == {(Kind.REPORT_OVERDUE, lead.email, TODAY)}


def test_a_reminder_with_no_one_to_receive_it_is_logged_naming_the_case_and_kind(caplog):
    programme_lead(email="")
    challenge = report_late_since(0, manager=None)

    with caplog.at_level(logging.WARNING, logger="notifications.rules"):
        assert list(rules.report_overdue(TODAY)) == []

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert f"report_overdue for case {challenge.reference}" in record.getMessage()
