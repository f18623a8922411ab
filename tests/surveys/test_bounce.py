"""A survey email the mail server refuses for good is recorded on its invitation (through
notifications' `email_failed` signal), which then gets no reminders; a resend clears it."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend

from notifications.models import Notification
from notifications.tasks import send_notification
from surveys import actions, lifecycle, rules
from tests.notifications.factories import NotificationFactory
from tests.surveys.invitations import CE, DAY, LEADER, events, invitation, report_issued, rows
from tests.workflow.factories import manager

pytestmark = pytest.mark.django_db
REFUSAL = smtplib.SMTPRecipientsRefused(
    {"chief.executive@adur.example.gov.uk": (550, b"5.1.1 No such user")}
)


@pytest.fixture
def smtp_refuses(monkeypatch):
    def send_messages(self, messages):
        raise REFUSAL

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)


def test_a_refused_survey_email_is_recorded_on_its_invitation(smtp_refuses):
    case = report_issued()
    row = next(r for r in rows(case) if r.recipient_email == case.chief_executive_email)

    send_notification(row.pk)

    bounced = invitation(case, CE)
    assert bounced.bounced_at is not None
    assert "550 5.1.1 No such user" in bounced.bounce_reason
    assert invitation(case, LEADER).bounced_at is None
    [event] = events(case, actions.SURVEY_BOUNCED)
    assert "550 5.1.1 No such user" in event.reason
    today = bounced.sent_at.date() + 7 * DAY
    assert bounced not in rules.due_to_remind(today)
    assert invitation(case, LEADER) in rules.due_to_remind(today)


def test_sending_again_clears_the_bounce(smtp_refuses):
    case = report_issued()
    send_notification(rows(case)[0].pk)
    bounced = next(i for i in case.survey_invitations.all() if i.bounced_at)

    lifecycle.survey_revoke_link(invitation=bounced, actor=manager())

    bounced.refresh_from_db()
    assert (bounced.bounced_at, bounced.bounce_reason) == (None, "")


def test_another_email_failing_touches_no_invitation(smtp_refuses):
    case = report_issued()
    other = NotificationFactory(challenge=case, kind=Notification.Kind.BOOKING_CONFIRMATION)

    send_notification(other.pk)

    other.refresh_from_db()
    assert other.status == Notification.Status.FAILED
    assert not case.survey_invitations.filter(bounced_at__isnull=False).exists()
    assert events(case, actions.SURVEY_BOUNCED) == []


def test_a_temporary_refusal_is_retried_and_records_no_bounce(monkeypatch):
    greylisted = smtplib.SMTPRecipientsRefused(
        {"chief.executive@adur.example.gov.uk": (450, b"4.2.0 Greylisted")}
    )

    def send_messages(self, messages):
        raise greylisted

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    case = report_issued()
    row = next(r for r in rows(case) if r.recipient_email == case.chief_executive_email)

    send_notification(row.pk)

    row.refresh_from_db()
    assert row.status == Notification.Status.QUEUED  # waiting for its retry
    assert invitation(case, CE).bounced_at is None
    assert events(case, actions.SURVEY_BOUNCED) == []
