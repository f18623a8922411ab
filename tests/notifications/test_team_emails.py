"""The team's emails (notifications/team_emails.py): the invitation with a working signed link
that is nowhere in the outbox, the place confirmed with the visit's calendar invite, the
manager told of every answer, a withdrawn place told once."""

import datetime
import json

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client

from notifications.emails import render_email
from notifications.models import Notification
from tests.notifications.factories import programme_lead
from tests.workflow import factories as f
from workflow import team_services
from workflow.invitation_links import invitation_path, invitation_token
from workflow.models import Assignment, State
from workflow.services import challenge_transition, challenge_update

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Status = Assignment.Status
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _on_2_june_2025():
    """Dates in words are fixed: invited on Monday 2 June 2025, answer by the 16th."""
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def case():
    return f.PeerChallengeFactory(
        state=State.TEAM_ASSEMBLY,
        manager=f.manager(first_name="Amira", last_name="Khan", email="amira@lga.example.org"),
    )


@pytest.fixture
def delivered(eager_celery, django_capture_on_commit_callbacks):
    """Run a change and return the emails it sent, delivered through the outbox."""

    def run(change, *args, **kwargs) -> list:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change(*args, **kwargs)
        return list(mail.outbox)

    return run


def invite(case, **kwargs) -> Assignment:
    peer = f.PeerFactory(name="Sam Peer", email="sam@council.example.gov.uk")
    return team_services.assignment_add(
        challenge=case, peer=peer, actor=case.manager, role=Assignment.Role.LEAD_OFFICER, **kwargs
    )


def step(place, name, **inputs):
    return team_services.assignment_transition(
        assignment=place, name=name, actor=place.challenge.manager, **inputs
    )


def to(sent, email) -> list:
    """What `email` was sent, leaving out the reserve queue's news (its own tests)."""
    return [m for m in sent if email in m.to[0] and kind_of(m) != Kind.RESERVE_INVITED]


def kind_of(message) -> str:
    return Notification.objects.get(pk=message.extra_headers["X-Notification-Id"]).kind


def calendar_of(message) -> icalendar.Event:
    [(_, ics, mimetype)] = message.attachments
    calendar = icalendar.Calendar.from_ical(ics)
    assert mimetype == f"text/calendar; method={calendar['method']}"
    [event] = calendar.walk("VEVENT")
    event.method = str(calendar["method"])
    return event


# --- the invitation ---------------------------------------------------------------------------


def test_the_invitation_holds_a_working_link_that_is_nowhere_in_the_outbox(case, delivered):
    [sent] = delivered(invite, case)
    place = Assignment.objects.get()
    row = Notification.objects.get(kind=Kind.INVITATION)

    stored = json.dumps(row.context) + row.topic_key
    for secret in (invitation_token(place), place.link_nonce):
        assert secret not in stored
    assert row.context["assignment"] == place.pk
    assert sent.to == ["Sam Peer <sam@council.example.gov.uk>"]
    assert sent.subject == (
        "Invitation: join the peer team for the Corporate peer challenge at Adur"
        f" [{case.reference}]"
    )
    for fact in ("Your role: Lead officer peer", "Please answer by: Monday 16 June 2025"):
        assert fact in sent.body
    link = settings.SITE_URL.rstrip("/") + invitation_path(place)
    assert link in sent.body
    assert link in sent.alternatives[0][0]
    page = Client().get(link.removeprefix(settings.SITE_URL.rstrip("/")))
    assert page.status_code == 200
    assert "Will you join the peer team for the Corporate peer challenge at Adur?" in (
        page.content.decode()
    )


def test_a_managers_preview_of_the_invitation_holds_no_link(case, client):
    place = invite(case)
    row = Notification.objects.get(kind=Kind.INVITATION)
    client.force_login(case.manager)

    page = client.get(f"/cases/{case.pk}/emails/{row.pk}/").content.decode()

    assert "the peer&#x27;s own link, made only in the email they are sent" in page
    assert "/invitations/" not in page
    assert invitation_token(place) not in page
    assert invitation_path(place) in render_email(row).body  # the email itself has it


def test_a_reserve_gets_no_invitation_until_invited(case, delivered):
    assert delivered(invite, case, invite=False) == []
    assert not Notification.objects.exists()


def test_sending_again_revokes_the_old_link_and_sends_a_new_one(case, delivered):
    delivered(invite, case)
    place = Assignment.objects.get()
    old = invitation_path(place)

    [again] = delivered(
        team_services.assignment_revoke_link, assignment=place, actor=case.manager, resend=True
    )

    place.refresh_from_db()
    assert Notification.objects.filter(kind=Kind.INVITATION).count() == 2
    assert again.subject.startswith("Your invitation again, with a new link")
    assert invitation_path(place) in again.body
    assert old not in again.body
    assert Client().get(old).status_code == 404


def test_revoking_without_sending_again_sends_nothing(case, delivered):
    delivered(invite, case)

    sent = delivered(
        team_services.assignment_revoke_link,
        assignment=Assignment.objects.get(),
        actor=case.manager,
    )

    assert sent == []


# --- the answers ------------------------------------------------------------------------------


def test_accepting_confirms_the_place_with_the_visit_and_tells_the_manager(case, delivered):
    place = invite(case)

    sent = delivered(step, place, "accept", interests="My sister works in Adur's planning team")

    [confirmed] = to(sent, "sam@council.example.gov.uk")
    [answered] = to(sent, "amira@lga.example.org")
    assert confirmed.subject.startswith("Your place is confirmed: Corporate peer challenge at Adur")
    event = calendar_of(confirmed)
    assert event.method == "PUBLISH"
    assert event["uid"] == f"challenge-{case.pk}-onsite@peerchallenge"
    assert event.decoded("dtstart") == case.onsite_start
    assert event.decoded("dtend") == case.onsite_end + DAY  # exclusive
    assert answered.subject.startswith("Sam Peer accepted: Corporate peer challenge at Adur")
    assert "My sister works in Adur's planning team" in answered.body
    assert not answered.attachments


def test_a_place_confirmed_before_the_dates_are_set_carries_no_calendar(delivered):
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY, onsite_start=None, onsite_end=None)
    place = invite(case)

    [confirmed] = to(delivered(step, place, "accept", interests="none"), "sam@")

    assert not confirmed.attachments
    assert "as soon as the dates are set" in confirmed.body


def test_a_late_place_on_a_confirmed_team_is_not_told_to_wait_for_confirmation(delivered):
    case = f.PeerChallengeFactory(state=State.PREPARATION)
    place = invite(case)

    [confirmed] = to(delivered(step, place, "accept", interests="none"), "sam@")

    assert "The team is already confirmed" in confirmed.body
    assert "once the whole team is confirmed" not in confirmed.body


def test_the_manager_hears_of_a_decline_with_its_reason(case, delivered):
    place = invite(case)

    sent = delivered(
        step, place, "decline", decline_reason="dates", decline_note="On leave that week"
    )

    [answered] = to(sent, "amira@lga.example.org")
    assert answered.subject.startswith("Sam Peer declined: Corporate peer challenge at Adur")
    assert "Reason: Not available on the dates" in answered.body
    assert "On leave that week" in answered.body
    assert not to(sent, "sam@council.example.gov.uk")


def test_the_manager_hears_of_a_lapsed_invitation(case, delivered):
    place = invite(case)

    with time_machine.travel(datetime.datetime(2025, 6, 17, 9, tzinfo=datetime.UTC), tick=False):
        sent = delivered(step, place, "expire")

    [answered] = to(sent, "amira@lga.example.org")
    assert answered.subject.startswith("Sam Peer did not answer")
    assert "by Monday 16 June 2025, so it has lapsed" in answered.body


def test_without_a_manager_the_programme_leads_hear_of_the_answer(delivered):
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY, manager=None)
    lead = programme_lead(email="lead@lga.example.org")
    place = invite(case)

    [answered] = to(delivered(step, place, "accept", interests="none"), lead.email)

    assert "This case has no active challenge manager" in answered.body


def test_an_answer_by_link_says_so_to_the_manager(case, delivered):
    place = invite(case)
    path = invitation_path(place)

    sent = delivered(Client().post, path, {"answer": "accept", "accept-interests": "none"})

    [answered] = to(sent, "amira@lga.example.org")
    assert "(from the link in their invitation)" in answered.body


# --- withdrawals ------------------------------------------------------------------------------


def test_a_withdrawn_place_is_told_and_its_visit_cancelled(case, delivered):
    place = invite(case)
    step(place, "accept", interests="none")

    [told] = delivered(step, place, "withdraw", reason="The team is too large")

    assert told.subject.startswith("Your place is withdrawn")
    assert "Reason: The team is too large" in told.body
    event = calendar_of(told)
    assert (event.method, str(event["status"])) == ("CANCEL", "CANCELLED")
    assert event["uid"] == f"challenge-{case.pk}-onsite@peerchallenge"


def test_a_withdrawn_invitation_is_told_without_a_calendar(case, delivered):
    place = invite(case)

    [told] = delivered(step, place, "withdraw")

    assert told.subject.startswith("Your invitation is withdrawn")
    assert "its link no longer works" in told.body
    assert not told.attachments


def test_a_withdrawn_case_tells_each_peer_once(case, delivered):
    accepted = f.place(case, peer=f.PeerFactory(email="on@council.example.gov.uk"))
    invited = f.place(
        case, status=Status.INVITED, peer=f.PeerFactory(email="asked@council.example.gov.uk")
    )

    sent = delivered(
        challenge_transition, challenge=case, name="withdraw", actor=None, reason="Elections"
    )

    [on_team] = to(sent, accepted.peer.email)
    [asked] = to(sent, invited.peer.email)
    assert on_team.subject.startswith("Withdrawn: Corporate peer challenge at Adur")
    assert asked.subject.startswith("Your invitation is withdrawn")
    assert "has been withdrawn and will not go ahead" in asked.body
    assert not asked.attachments
    assert Notification.objects.filter(kind=Kind.PLACE_WITHDRAWN).count() == 1


# --- the visit moving while the team is assembled ---------------------------------------------


def test_a_team_still_assembling_hears_of_new_dates_and_is_asked_to_confirm(case, delivered):
    place = invite(case)
    step(place, "accept", interests="none")
    start = case.onsite_start + 7 * DAY

    sent = delivered(
        challenge_update,
        challenge=case,
        actor=case.manager,
        changes={"onsite_start": start, "onsite_end": start + 3 * DAY},
    )

    [told] = sent  # the peer; the council hears when the team is confirmed
    assert "sam@council.example.gov.uk" in told.to[0]
    assert "confirm that you can make these dates" in told.body
    assert calendar_of(told).decoded("dtstart") == start


def test_a_postponed_team_resuming_is_asked_to_confirm_the_dates(case, delivered):
    place = invite(case)
    step(place, "accept", interests="none")
    challenge_transition(challenge=case, name="postpone", actor=None, reason="Elections")

    sent = delivered(challenge_transition, challenge=case, name="resume", actor=None)

    [told] = to(sent, "sam@council.example.gov.uk")
    assert told.subject.startswith("Going ahead: onsite visit to Adur")
    assert "confirm that you can make these dates" in told.body
    assert calendar_of(told).method == "PUBLISH"


def test_every_team_row_renders(case):
    place = invite(case)
    step(place, "accept", interests="none")
    step(place, "withdraw")

    for row in Notification.objects.all():
        render_email(row)  # raises on a template error
