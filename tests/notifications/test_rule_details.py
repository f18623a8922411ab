"""Rule-specific behaviour: reminder windows, the escalation ladder, exclusions, the digest."""

import datetime

import pytest

from notifications import rules, services
from notifications.emails import render_email
from notifications.models import Notification
from tests.notifications.factories import programme_lead
from tests.workflow.factories import PeerChallengeFactory, challenge_type, council, manager
from workflow.models import State

pytestmark = pytest.mark.django_db
Kind = Notification.Kind

TODAY = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)


def keys(reminders) -> set[tuple[str, str, datetime.date]]:
    return {(r.kind, r.recipient_email, r.due_on) for r in reminders}


def visit(days_ahead: int, state=State.PREPARATION):
    start = TODAY + days_ahead * DAY
    return PeerChallengeFactory(state=state, onsite_start=start, onsite_end=start + 2 * DAY)


@pytest.mark.parametrize(
    ("days_ahead", "expected_offset"), [(15, None), (14, 14), (3, 14), (2, 2), (1, 2), (0, None)]
)
def test_onsite_reminder_is_the_latest_one_due_and_never_once_the_visit_started(
    days_ahead, expected_offset
):
    challenge = visit(days_ahead)

    reminders = list(rules.onsite_approaching(TODAY))

    if expected_offset is None:
        assert reminders == []
    else:
        assert {r.due_on for r in reminders} == {challenge.onsite_start - expected_offset * DAY}
        assert {r.context["days_before"] for r in reminders} == {expected_offset}


def test_onsite_reminder_skips_enquiries_and_postponed_cases():
    visit(14, state=State.ENQUIRY)
    visit(14, state=State.POSTPONED)

    assert list(rules.onsite_approaching(TODAY)) == []


def test_report_overdue_escalates_to_active_programme_leads():
    lead = programme_lead()
    programme_lead(is_active=False)
    challenge = PeerChallengeFactory(state=State.REPORTING, feedback_date=TODAY - 56 * DAY)

    assert keys(rules.report_overdue(TODAY)) == {
        (Kind.REPORT_OVERDUE, challenge.manager.email, TODAY - 28 * DAY),
        (Kind.REPORT_OVERDUE, lead.email, TODAY),
    }


def test_a_case_without_a_manager_reminds_the_programme_leads_instead():
    lead = programme_lead()
    PeerChallengeFactory(state=State.REPORTING, feedback_date=TODAY - 28 * DAY, manager=None)

    assert keys(rules.report_overdue(TODAY)) == {(Kind.REPORT_OVERDUE, lead.email, TODAY)}


@pytest.fixture
def whole_ladder_in_reach(settings):
    """Catch up far enough back that one run shows every rung of a ladder."""
    settings.NOTIFICATION_SETTINGS = {**settings.NOTIFICATION_SETTINGS, "MAX_CATCH_UP_DAYS": 120}


@pytest.mark.usefixtures("whole_ladder_in_reach")
def test_publication_ladder_council_then_manager_then_programme_leads():
    lead = programme_lead()
    challenge = PeerChallengeFactory(
        state=State.REPORT_ISSUED, report_issued_on=datetime.date(2024, 12, 16)
    )

    assert keys(rules.publication_due(TODAY)) == {
        (Kind.PUBLICATION_REMINDER, challenge.chief_executive_email, datetime.date(2025, 3, 16)),
        (Kind.PUBLICATION_REMINDER, challenge.leader_email, datetime.date(2025, 3, 16)),
        (Kind.PUBLICATION_ESCALATION, challenge.manager.email, datetime.date(2025, 5, 16)),
        (Kind.PUBLICATION_ESCALATION, lead.email, TODAY),
    }


def test_publication_reminders_stop_once_the_report_is_published():
    PeerChallengeFactory(state=State.PUBLISHED, report_issued_on=datetime.date(2024, 12, 16))

    assert list(rules.publication_due(TODAY)) == []


def published_without_action_plan(**kwargs):
    return PeerChallengeFactory(
        state=State.PUBLISHED,
        report_issued_on=datetime.date(2024, 12, 16),
        published_on=datetime.date(2025, 3, 1),
        publication_url="https://adur.example.gov.uk/peer-challenge",
        **kwargs,
    )


@pytest.mark.usefixtures("whole_ladder_in_reach")
def test_action_plan_reminder_goes_to_the_council_at_5_months_and_the_manager_at_6():
    challenge = published_without_action_plan()

    assert keys(rules.action_plan_due(TODAY)) == {
        (Kind.ACTION_PLAN_DUE, challenge.chief_executive_email, datetime.date(2025, 5, 16)),
        (Kind.ACTION_PLAN_DUE, challenge.leader_email, datetime.date(2025, 5, 16)),
        (Kind.ACTION_PLAN_DUE, challenge.manager.email, TODAY),
    }


def test_action_plan_reminders_stop_once_its_link_is_recorded():
    published_without_action_plan(action_plan_url="https://adur.example.gov.uk/action-plan")

    assert list(rules.action_plan_due(TODAY)) == []


@pytest.mark.usefixtures("whole_ladder_in_reach")
def test_the_action_plan_email_asks_the_council_to_publish_and_the_manager_to_chase():
    published_without_action_plan()
    services.reminders_queue(rules.action_plan_due(TODAY))

    emails = {n.recipient_email: render_email(n) for n in Notification.objects.all()}

    to_council = emails["chief.executive@adur.example.gov.uk"]
    [to_manager] = [m for address, m in emails.items() if "adur" not in address]
    assert to_council.subject.startswith("Please publish your action plan [PC-")
    assert "5 months on, we have no link to the council's action plan" in to_council.body
    assert "please send us the link" in to_council.body
    assert to_manager.subject.startswith("Action plan not yet published: Adur [PC-")
    assert "6 months on" in to_manager.body
    assert "Please contact the council" in to_manager.body


def finished_case(**kwargs):
    return PeerChallengeFactory(
        state=State.CLOSED,
        onsite_start=datetime.date(2024, 6, 10),
        onsite_end=datetime.date(2024, 6, 13),
        **kwargs,
    )


def test_follow_up_prompt_stops_once_a_follow_up_case_exists():
    parent = finished_case()
    PeerChallengeFactory(challenge_type=challenge_type("follow-up"), parent=parent)

    assert list(rules.follow_up_prompt(TODAY)) == []


def test_a_withdrawn_follow_up_does_not_silence_the_prompt():
    parent = finished_case()
    PeerChallengeFactory(
        challenge_type=challenge_type("follow-up"), parent=parent, state=State.WITHDRAWN
    )

    assert keys(rules.follow_up_prompt(TODAY)) == {
        (Kind.FOLLOW_UP_PROMPT, parent.manager.email, datetime.date(2025, 6, 13))
    }


def test_a_follow_up_visit_is_not_itself_prompted_for_a_follow_up():
    parent = PeerChallengeFactory(state=State.PUBLISHED)
    finished_case(challenge_type=challenge_type("follow-up"), parent=parent)
    finished_case()  # the same dates on a corporate case are prompted

    prompted = {r.challenge.challenge_type.slug for r in rules.follow_up_prompt(TODAY)}

    assert prompted == {"corporate"}


def test_weekly_digest_lists_each_managers_overdue_items_once_a_week():
    busy, idle = manager(), manager()
    PeerChallengeFactory(manager=busy, state=State.REPORTING, feedback_date=TODAY - 40 * DAY)
    PeerChallengeFactory(
        host=council("BIR"),
        manager=busy,
        state=State.REPORT_ISSUED,
        report_issued_on=datetime.date(2025, 1, 2),
    )
    PeerChallengeFactory(
        host=council("SAL"), manager=idle, state=State.REPORTING, feedback_date=TODAY - 3 * DAY
    )

    wednesday = TODAY + 2 * DAY
    [digest] = rules.manager_weekly_digest(wednesday)

    assert (digest.recipient_email, digest.topic_key, digest.due_on) == (
        busy.email,
        f"user:{busy.pk}",
        TODAY,  # that week's Monday
    )
    assert [item["what"] for item in digest.context["items"]] == [
        "report not yet published",
        "feedback report not issued",
    ]
    assert next(iter(rules.manager_weekly_digest(TODAY + 7 * DAY))).due_on == TODAY + 7 * DAY


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2023, 8, 31), 6, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 11, 15), 3, datetime.date(2026, 2, 15)),
        (datetime.date(2025, 1, 16), 12, datetime.date(2026, 1, 16)),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected
