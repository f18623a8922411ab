"""When the visit changes after the team has its joining instructions, the team and the council
are told: new dates (the calendar event updated), postponed or withdrawn (cancelled), back on
after a postponement. One UID per case, a higher SEQUENCE each time."""

import datetime

import icalendar
import pytest
from django.core import mail

from notifications import reactions
from notifications.emails import render_email
from notifications.models import Notification
from tests.notifications.factories import queued_about
from tests.workflow.factories import PeerChallengeFactory, full_team, scoped
from workflow.models import CaseEvent, State
from workflow.services import challenge_transition, challenge_update

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
DAY = datetime.timedelta(days=1)
COUNCIL = {"chief.executive@adur.example.gov.uk", "leader@adur.example.gov.uk"}


def invite(message) -> icalendar.Event:
    [(filename, ics, mimetype)] = message.attachments
    assert filename == "peer-challenge.ics"
    calendar = icalendar.Calendar.from_ical(ics)
    assert mimetype == f"text/calendar; method={calendar['method']}"
    [event] = calendar.walk("VEVENT")
    event.method = str(calendar["method"])
    return event


def address(message) -> str:
    return message.to[0].split("<")[-1].rstrip(">")


def long_date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.fixture
def delivered(eager_celery, django_capture_on_commit_callbacks):
    """Run a change as the API would and return the emails it sent."""

    def run(change, *args, **kwargs) -> list:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change(*args, **kwargs)
        return list(mail.outbox)

    return run


@pytest.fixture
def team(delivered):
    """A case whose team was confirmed: each peer has joining instructions and the invite."""
    challenge = scoped(PeerChallengeFactory(state=State.TEAM_ASSEMBLY))
    peers = {a.peer.email for a in full_team(challenge)}
    sent = delivered(fire, challenge, "confirm_team")
    assert {address(m) for m in sent} == peers
    return challenge, peers, invite(sent[0])


def fire(challenge, name: str, **inputs):
    return challenge_transition(challenge=challenge, name=name, actor=challenge.manager, **inputs)


def move(challenge, days: int):
    start = challenge.onsite_start + days * DAY
    changes = {"onsite_start": start, "onsite_end": start + 3 * DAY}
    return challenge_update(challenge=challenge, actor=challenge.manager, changes=changes)


def by_audience(sent, peers) -> tuple[list, list]:
    return [m for m in sent if address(m) in peers], [m for m in sent if address(m) in COUNCIL]


def test_new_dates_reach_each_peer_with_the_invite_updated_and_the_council(team, delivered):
    challenge, peers, joining = team

    sent = delivered(move, challenge, 7)

    to_team, to_council = by_audience(sent, peers)
    assert {address(m) for m in to_team} == peers
    assert {address(m) for m in to_council} == COUNCIL
    new_start = challenge.onsite_start
    for message in sent:
        assert message.subject == f"New dates: onsite visit to Adur [{challenge.reference}]"
        assert long_date(new_start) in message.body
        event = invite(message)
        assert event.method == "PUBLISH"
        assert event["uid"] == joining["uid"]
        assert event["sequence"] > joining["sequence"]
        assert event.decoded("dtstart") == new_start
    assert "The attached calendar invitation replaces the one you had" in to_team[0].body
    assert "We have told the peer team" in to_council[0].body


def test_an_edit_that_does_not_move_the_visit_sends_nothing(team, delivered):
    challenge, _, _ = team
    same = {"onsite_start": challenge.onsite_start, "onsite_end": challenge.onsite_end}

    assert delivered(move, challenge, 0) == []
    assert delivered(challenge_update, challenge=challenge, actor=None, changes=same) == []
    assert (
        delivered(
            challenge_update,
            challenge=challenge,
            actor=None,
            changes={"leader_name": "Lee Newleader"},
        )
        == []
    )
    assert not Notification.objects.filter(kind=Kind.VISIT_CHANGED).exists()


def test_dates_moved_before_the_team_is_confirmed_are_part_of_scoping(delivered):
    challenge = PeerChallengeFactory(state=State.BOOKED)

    assert delivered(move, challenge, 7) == []


def test_two_changes_on_one_day_each_send_and_each_invite_is_newer(team, delivered):
    challenge, peers, joining = team
    peer = sorted(peers)[0]

    first = delivered(move, challenge, 7)
    second = delivered(move, challenge, -7)  # back again: news all the same

    assert len(first) == len(second) == len(peers) + len(COUNCIL)
    sequences = [invite(m)["sequence"] for m in [*first, *second] if address(m) == peer]
    assert joining["sequence"] < sequences[0] < sequences[1]
    keys = Notification.objects.filter(kind=Kind.VISIT_CHANGED).values_list("topic_key", flat=True)
    assert len(set(keys)) == 2


def test_the_same_event_handled_twice_writes_nothing_new(team, delivered):
    challenge, _, _ = team
    delivered(move, challenge, 7)
    rows = Notification.objects.count()
    event = CaseEvent.objects.filter(challenge=challenge).last()

    reactions.email_visit_dates_changed(event)

    assert Notification.objects.count() == rows


@pytest.mark.parametrize(
    ("name", "kind", "subject"),
    [
        ("postpone", Kind.VISIT_POSTPONED, "Postponed: Corporate peer challenge at Adur"),
        ("withdraw", Kind.VISIT_WITHDRAWN, "Withdrawn: Corporate peer challenge at Adur"),
    ],
)
def test_postponing_or_withdrawing_cancels_the_invite_and_tells_the_council(
    team, delivered, name, kind, subject
):
    challenge, peers, joining = team
    reason = "The council's budget meeting moved"

    sent = delivered(fire, challenge, name, reason=reason)

    to_team, to_council = by_audience(sent, peers)
    assert (len(to_team), len(to_council)) == (len(peers), len(COUNCIL))
    assert set(Notification.objects.filter(kind=kind).values_list("status", flat=True)) == {
        Notification.Status.SENT
    }
    for message in sent:
        assert message.subject == f"{subject} [{challenge.reference}]"
        assert f"Reason: {reason}" in message.body
        event = invite(message)
        assert (event.method, str(event["status"])) == ("CANCEL", "CANCELLED")
        assert event["uid"] == joining["uid"]
        assert event["sequence"] > joining["sequence"]
    assert "removes the visit from your calendar" in to_team[0].body
    assert "We have told the peer team" in to_council[0].body


def test_postponing_a_case_without_a_team_tells_the_council_only(delivered):
    challenge = PeerChallengeFactory(state=State.BOOKED)

    sent = delivered(fire, challenge, "postpone", reason="Elections")

    assert {address(m) for m in sent} == COUNCIL
    assert "told the peer team" not in sent[0].body


def test_resuming_a_postponed_team_sends_the_visit_again(team, delivered):
    challenge, peers, _ = team
    cancelled = delivered(fire, challenge, "postpone", reason="Elections")

    sent = delivered(fire, challenge, "resume")

    assert challenge.state == State.PREPARATION
    assert {address(m) for m in sent} == peers | COUNCIL
    event = invite(sent[0])
    assert event.method == "PUBLISH"
    assert event["sequence"] > invite(cancelled[0])["sequence"]
    assert sent[0].subject.startswith("Going ahead: onsite visit to Adur")


def test_a_later_onsite_reminder_carries_the_current_invite(team, delivered):
    challenge, _, joining = team
    delivered(move, challenge, 7)

    notification = queued_about(challenge, Kind.ONSITE_REMINDER, days_before=14)

    event = invite(render_email(notification))
    assert event["sequence"] == joining["sequence"] + 1
    assert event.decoded("dtstart") == challenge.onsite_start
