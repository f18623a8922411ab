"""A person's private calendar feed: a peer's visits (tentative while invited, cancelled when
their place or the visit is off), a manager's visits and deadlines; the same UID and SEQUENCE as
the emailed invites; a new link kills the old URL."""

import datetime
import re

import icalendar
import pytest
import time_machine

from core.signed_links import make_token
from notifications.emails import visit_invite
from notifications.snapshot import case_facts, readable
from tests.workflow.factories import PeerChallengeFactory, council, manager, peer_user, place
from workflow.calendar import visit_uid
from workflow.models import Assignment, CalendarFeed, State
from workflow.services import challenge_update

pytestmark = pytest.mark.django_db
Status = Assignment.Status
D = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


def feed_url(client, user) -> str:
    client.force_login(user)
    page = client.get("/my/calendar/").content.decode()
    [url] = re.findall(r'value="(http[^"]+\.ics)"', page)
    client.logout()
    return url[url.index("/calendar/") :]


def events_of(client, user) -> dict[str, icalendar.Event]:
    response = client.get(feed_url(client, user))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def dates(event) -> tuple[D, D]:
    return event.decoded("dtstart"), event.decoded("dtend")


def test_a_peers_feed_holds_their_visits_each_as_their_place_stands(client):
    user = peer_user()
    invited = PeerChallengeFactory(state=State.TEAM_ASSEMBLY, onsite_start=D(2026, 6, 8))
    on_team = PeerChallengeFactory(
        state=State.PREPARATION, host=council("BIR"), onsite_start=D(2026, 7, 6)
    )
    withdrawn = PeerChallengeFactory(state=State.TEAM_ASSEMBLY, host=council("CAM"))
    postponed = PeerChallengeFactory(state=State.POSTPONED, host=council("DUR"))
    declined = PeerChallengeFactory(state=State.TEAM_ASSEMBLY, host=council("ARU"))
    someone_elses = PeerChallengeFactory(state=State.PREPARATION, host=council("SAL"))
    place(invited, peer=user.peer, status=Status.INVITED)
    place(on_team, peer=user.peer, status=Status.ACCEPTED)
    place(withdrawn, peer=user.peer, status=Status.WITHDRAWN)
    place(postponed, peer=user.peer, status=Status.ACCEPTED)
    place(declined, peer=user.peer, status=Status.DECLINED)
    place(someone_elses, status=Status.ACCEPTED)

    events = events_of(client, user)

    assert set(events) == {visit_uid(c.pk) for c in (invited, on_team, withdrawn, postponed)}
    status = {uid: str(e["status"]) for uid, e in events.items()}
    assert status == {
        visit_uid(invited.pk): "TENTATIVE",
        visit_uid(on_team.pk): "CONFIRMED",
        visit_uid(withdrawn.pk): "CANCELLED",
        visit_uid(postponed.pk): "CANCELLED",
    }
    # All day, the last day included: DTEND is the day after.
    assert dates(events[visit_uid(on_team.pk)]) == (D(2026, 7, 6), D(2026, 7, 10))
    assert str(events[visit_uid(on_team.pk)]["summary"]) == "Corporate peer challenge: Birmingham"


def test_the_feed_and_the_emailed_invite_are_one_event_with_one_sequence(client):
    user = peer_user()
    case = PeerChallengeFactory(state=State.PREPARATION, onsite_start=D(2026, 6, 8))
    place(case, peer=user.peer, status=Status.ACCEPTED)
    boss = case.manager
    challenge_update(challenge=case, actor=boss, changes={"onsite_start": D(2026, 6, 9)})
    challenge_update(challenge=case, actor=boss, changes={"onsite_end": D(2026, 6, 12)})

    [emailed] = icalendar.Calendar.from_ical(
        visit_invite(case.pk, readable(case_facts(case)))
    ).walk("VEVENT")
    fed = events_of(client, user)[visit_uid(case.pk)]

    assert str(fed["uid"]) == str(emailed["uid"]) == f"challenge-{case.pk}-onsite@peerchallenge"
    assert fed["sequence"] == emailed["sequence"] == 2
    assert dates(fed) == dates(emailed) == (D(2026, 6, 9), D(2026, 6, 13))


def visited(boss, host: str, state: str, start: D, report_issued_on: D | None = None):
    """A case of `boss`'s whose four-day visit began on `start`, feedback on its last day."""
    end = start + datetime.timedelta(days=3)
    return PeerChallengeFactory(
        state=state,
        manager=boss,
        host=council(host),
        onsite_start=start,
        onsite_end=end,
        feedback_date=end,
        report_issued_on=report_issued_on,
    )


def test_a_managers_feed_holds_their_cases_visits_and_deadlines(client):
    boss = manager()
    visit = PeerChallengeFactory(state=State.BOOKED, manager=boss, onsite_start=D(2026, 6, 8))
    reporting = visited(boss, "BIR", State.REPORTING, D(2026, 4, 13))
    issued = visited(boss, "CAM", State.REPORT_ISSUED, D(2026, 3, 2), D(2026, 4, 20))
    not_theirs = PeerChallengeFactory(state=State.REPORTING, host=council("DUR"))

    events = events_of(client, boss)

    report_due = events[f"challenge-{reporting.pk}-report-due@peerchallenge"]
    assert dates(report_due) == (D(2026, 5, 14), D(2026, 5, 15))  # feedback + 28 days
    assert str(report_due["summary"]) == (
        f"Report due: Corporate peer challenge at Birmingham ({reporting.reference})"
    )
    publication_due = events[f"challenge-{issued.pk}-publication-due@peerchallenge"]
    assert dates(publication_due) == (D(2026, 7, 20), D(2026, 7, 21))  # report + 3 months
    assert f"challenge-{issued.pk}-report-due@peerchallenge" not in events  # issued already
    assert str(events[visit_uid(visit.pk)]["status"]) == "CONFIRMED"
    assert not [uid for uid in events if f"challenge-{not_theirs.pk}-" in uid]


def test_a_new_link_kills_the_old_url_and_a_bad_token_is_a_404(client):
    user = peer_user()
    old = feed_url(client, user)
    assert client.get(old).status_code == 200
    assert feed_url(client, user) == old  # the same link until a new one is made

    client.force_login(user)
    assert client.post("/my/calendar/").status_code == 302
    client.logout()
    new = feed_url(client, user)

    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(new.replace(".ics", "x.ics")).status_code == 404
    feed = CalendarFeed.objects.get(user=user)
    # Signed for another purpose (an invitation link's), the same id and nonce open nothing.
    other = make_token("assignment-invitation", feed.pk, feed.nonce)
    assert client.get(f"/calendar/{other}.ics").status_code == 404
    feed.revoked_at = datetime.datetime.now(datetime.UTC)
    feed.save()
    assert client.get(new).status_code == 404
