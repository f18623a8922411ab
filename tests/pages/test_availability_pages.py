"""The date poll's pages: the manager offers ranges and uses one; a peer answers by the
invitation's link (no sign-in) or signed in; the case page warns of its dates' clashes."""

import datetime

import pytest

from tests.workflow import test_availability as services_tests
from tests.workflow.factories import PeerChallengeFactory, manager, peer_user, place
from workflow import actions
from workflow.availability_services import date_options_set
from workflow.invitation_links import invitation_token
from workflow.models import Assignment, AvailabilityAnswer, CaseEvent, State
from workflow.timeline import timeline

pytestmark = pytest.mark.django_db
Status = Assignment.Status
# The services' tests' fixtures: today fixed, a case in team assembly, two ranges offered.
_today, case, poll = services_tests._today, services_tests.case, services_tests.poll


def offer(case, *starts: datetime.date) -> None:
    """Offer a four-day range from each start."""
    ranges = [(start, start + datetime.timedelta(days=3)) for start in starts]
    date_options_set(challenge=case, ranges=ranges, actor=None)


def date_fields(number: int, start: datetime.date, end: datetime.date) -> dict[str, str]:
    fields = {}
    for part, day in (("start", start), ("end", end)):
        name = f"option_{number}_{part}"
        fields |= {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}
    return fields


def test_a_manager_offers_dates_on_the_page(client, case):
    client.force_login(manager())
    page = client.get(f"/cases/{case.pk}/availability/")
    assert page.status_code == 200
    assert "No dates have been offered yet." in page.content.decode()
    response = client.post(
        f"/cases/{case.pk}/availability/",
        {
            "offer": "1",
            **date_fields(1, datetime.date(2026, 6, 8), datetime.date(2026, 6, 11)),
            **date_fields(2, datetime.date(2026, 6, 19), datetime.date(2026, 6, 22)),
        },
    )
    assert response.status_code == 302
    assert [str(o) for o in case.date_options.all()] == ["8 to 11 June 2026", "19 to 22 June 2026"]
    shown = client.get(f"/cases/{case.pk}/availability/").content.decode()
    assert "Saturday 20 June 2026 is a weekend day" in shown


def test_the_offer_forms_errors_are_said_on_the_page_and_nothing_is_offered(client, case):
    client.force_login(manager())
    half = {"option_1_start_day": "8", "option_1_start_month": "6", "option_1_start_year": "2026"}
    page = client.post(f"/cases/{case.pk}/availability/", {"offer": "1", **half})
    assert page.status_code == 200
    assert "Enter the last day of option 1" in page.content.decode()
    one = date_fields(1, datetime.date(2026, 6, 8), datetime.date(2026, 6, 11))
    page = client.post(f"/cases/{case.pk}/availability/", {"offer": "1", **one})
    assert "Offer 2 to 4 date ranges to choose from, not 1" in page.content.decode()
    assert not case.date_options.exists()


def test_the_grid_shows_who_can_make_which_and_a_manager_uses_a_range(client, case):
    yes, no = place(case, status=Status.ACCEPTED), place(case, status=Status.INVITED)
    offer(case, datetime.date(2026, 6, 8), datetime.date(2026, 6, 15))
    first, second = case.date_options.all()
    AvailabilityAnswer.objects.create(option=first, assignment=yes, answer="yes")
    AvailabilityAnswer.objects.create(option=first, assignment=no, answer="no")
    client.force_login(manager())
    page = client.get(f"/cases/{case.pk}/availability/").content.decode()
    grid = page[page.index('id="availability-grid"') :]
    assert str(yes.peer) in grid and str(no.peer) in grid
    assert "1 can, 0 if need be, 1 cannot" in grid
    assert "0 can, 0 if need be, 0 cannot, 2 not answered" in grid

    response = client.post(f"/cases/{case.pk}/availability/", {"use": second.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.onsite_start, case.onsite_end) == (second.start, second.end)
    assert case.events.filter(action=actions.CASE_UPDATED).exists()
    # A range no longer offered is refused in words, not a 500.
    gone = client.post(f"/cases/{case.pk}/availability/", {"use": "999999"})
    assert "those dates are no longer offered" in gone.content.decode()


def test_a_programme_lead_sees_the_grid_without_forms(client, case):
    from tests.workflow.factories import programme_lead

    client.force_login(programme_lead())
    page = client.get(f"/cases/{case.pk}/availability/").content.decode()
    assert "Offer these dates" not in page
    assert client.post(f"/cases/{case.pk}/availability/", {"use": "1"}).status_code == 403


def test_an_invited_peer_answers_by_their_link_without_signing_in(client, case, poll):
    invited = place(case, status=Status.INVITED)
    link = f"/invitations/{invitation_token(invited)}/availability/"
    page = client.get(link)
    assert page.status_code == 200
    assert "Saturday 20 June 2026 is a weekend day" in page.content.decode()  # the hint
    assert not AvailabilityAnswer.objects.exists()  # a GET changes nothing
    first, second = poll
    response = client.post(link, {f"option_{first.pk}": "yes", f"option_{second.pk}": "no"})
    assert response.status_code == 302
    assert dict(AvailabilityAnswer.objects.values_list("option", "answer")) == {
        first.pk: "yes",
        second.pk: "no",
    }
    event = CaseEvent.objects.get(action=actions.AVAILABILITY_ANSWERED)
    assert event.data["peer"] == invited.peer_id
    # The peer has no account: the timeline names them, by their link.
    [entry] = [e for e in timeline(case) if e.event == event]
    assert entry.who == invited.peer.name
    assert entry.what == f"{invited.peer.name}: said which dates they can make"


def test_a_missing_answer_is_said_and_a_bad_link_is_the_one_invalid_page(client, case, poll):
    invited = place(case, status=Status.INVITED)
    link = f"/invitations/{invitation_token(invited)}/availability/"
    first, _ = poll
    page = client.post(link, {f"option_{first.pk}": "yes"})
    assert "Say whether you can make 19 to 22 June 2026" in page.content.decode()
    assert not AvailabilityAnswer.objects.exists()
    bad = client.get(f"/invitations/{invitation_token(invited)}x/availability/")
    assert bad.status_code == 404
    assert "This link does not work" in bad.content.decode()


def test_a_signed_in_peer_answers_for_their_own_place_only(client, case, poll):
    user = peer_user()
    mine = place(case, peer=user.peer, status=Status.ACCEPTED)
    theirs = place(case, status=Status.ACCEPTED)
    client.force_login(user)
    first, second = poll
    answers = {f"option_{first.pk}": "if_need_be", f"option_{second.pk}": "yes"}
    assert client.post(f"/my/places/{mine.pk}/availability/", answers).status_code == 302
    assert AvailabilityAnswer.objects.filter(assignment=mine).count() == 2
    assert client.post(f"/my/places/{theirs.pk}/availability/", answers).status_code == 404
    assert not AvailabilityAnswer.objects.filter(assignment=theirs).exists()
    again = client.get(f"/my/places/{mine.pk}/availability/").content.decode()
    # The answers given are shown again, to be changed.
    assert f'name="option_{first.pk}" value="if_need_be"' in again
    assert 'value="if_need_be" id="id_option_' in again
    checked = [line for line in again.splitlines() if "checked" in line]
    assert len(checked) == 2 and "if_need_be" in checked[0] and 'value="yes"' in checked[1]


def test_the_case_page_warns_of_its_dates_and_links_the_poll(client):
    case = PeerChallengeFactory(
        state=State.BOOKED,
        onsite_start=datetime.date(2027, 5, 5),
        onsite_end=datetime.date(2027, 5, 8),
    )
    client.force_login(manager())
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Saturday 8 May 2027 is a weekend day" in page
    assert "5 to 8 May 2027 runs into the pre-election period for Local elections, May 2027" in page
    assert "Ask the team which dates they can make" in page


def test_a_peers_my_challenges_page_links_their_calendar(client):
    client.force_login(peer_user())
    page = client.get("/my/challenges/").content.decode()
    assert 'href="/my/calendar/">Calendar: add your visits to the calendar you use</a>' in page


def test_the_case_pages_timeline_tells_the_offer_and_the_answers(client, case, poll):
    invited = place(case, status=Status.INVITED)
    first, second = poll
    client.post(
        f"/invitations/{invitation_token(invited)}/availability/",
        {f"option_{first.pk}": "yes", f"option_{second.pk}": "if_need_be"},
    )
    client.force_login(manager())
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Dates offered to the team" in page
    assert "Dates: 8 to 11 June 2026; 19 to 22 June 2026" in page
    assert f"{invited.peer.name}: said which dates they can make" in page
    assert "19 to 22 June 2026: I could, if need be" in page


def test_an_invitation_leads_to_the_poll_once_dates_are_offered(client, case):
    user = peer_user()
    invited = place(case, peer=user.peer, status=Status.INVITED)
    link = f"/invitations/{invitation_token(invited)}/"
    assert "Say which of the offered onsite dates" not in client.get(link).content.decode()
    offer(case, datetime.date(2026, 6, 8), datetime.date(2026, 6, 19))
    page = client.get(link).content.decode()
    assert f'href="{link}availability/">Say which of the offered onsite dates' in page
    client.force_login(user)
    mine = client.get("/my/invitations/").content.decode()
    assert f'href="/my/places/{invited.pk}/availability/">Say which' in mine
