"""The date poll: a manager offers two to four ranges, the invited and accepted peers answer
yes / if need be / no for each (by link or signed in), and the case's timeline records both.
The services here; the API below; the pages in tests/pages/test_availability_pages.py."""

import datetime

import pytest
import time_machine

from core.errors import InvalidInput, Refused
from notifications.emails import render_email
from notifications.models import Notification
from tests.workflow.factories import (
    PeerChallengeFactory,
    api_client,
    council,
    manager,
    peer_user,
    place,
)
from workflow import actions
from workflow.availability_services import availability_answer, date_options_set
from workflow.invitation_links import invitation_token
from workflow.models import Assignment, AvailabilityAnswer, CaseEvent, DateOption, State

pytestmark = pytest.mark.django_db

D = datetime.date
Status = Assignment.Status
TODAY = D(2026, 5, 1)
# A week in June (Monday to Thursday), and one running over a weekend.
JUNE = (D(2026, 6, 8), D(2026, 6, 11))
OVER_A_WEEKEND = (D(2026, 6, 19), D(2026, 6, 22))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def case():
    return PeerChallengeFactory(state=State.TEAM_ASSEMBLY)


def offered(case) -> list[tuple[D, D]]:
    return [(o.start, o.end) for o in case.date_options.all()]


# --- offering dates -------------------------------------------------------------------------


def test_offering_dates_records_them_and_asks_the_invited_and_accepted_peers(case):
    invited = place(case, status=Status.INVITED)
    accepted = place(case, status=Status.ACCEPTED)
    place(case, status=Status.DECLINED)
    place(case, status=Status.RESERVE)
    boss = manager()

    date_options_set(challenge=case, ranges=[OVER_A_WEEKEND, JUNE], actor=boss)

    assert offered(case) == [JUNE, OVER_A_WEEKEND]
    event = case.events.get(action=actions.DATE_OPTIONS_SET)
    assert event.actor == boss
    assert event.data == {"dates": ["8 to 11 June 2026", "19 to 22 June 2026"]}
    polls = Notification.objects.filter(kind=Notification.Kind.AVAILABILITY_POLL)
    assert {n.recipient_email for n in polls} == {invited.peer.email, accepted.peer.email}
    assert all(n.context["assignment"] in (invited.pk, accepted.pk) for n in polls)


def test_the_poll_email_links_an_invited_peer_by_their_link_and_a_team_member_signed_in(case):
    invited = place(case, status=Status.INVITED)
    accepted = place(case, status=Status.ACCEPTED)
    date_options_set(challenge=case, ranges=[JUNE, OVER_A_WEEKEND], actor=manager())
    polls = Notification.objects.filter(kind=Notification.Kind.AVAILABILITY_POLL)

    to_invited = render_email(polls.get(recipient_email=invited.peer.email))
    assert to_invited.subject.startswith("Which dates can you make? Corporate peer challenge")
    assert f"/invitations/{invitation_token(invited)}/availability/" in to_invited.body
    assert "- 8 to 11 June 2026" in to_invited.body
    assert "Note: Saturday 20 June 2026 is a weekend day" in to_invited.body
    html = to_invited.alternatives[0][0]
    assert f"/invitations/{invitation_token(invited)}/availability/" in html

    to_accepted = render_email(polls.get(recipient_email=accepted.peer.email))
    assert f"/my/places/{accepted.pk}/availability/" in to_accepted.body
    # The link is signed when rendered: the outbox row holds no token.
    assert invitation_token(invited) not in str(
        polls.get(recipient_email=invited.peer.email).context
    )


def test_offering_the_same_dates_again_changes_nothing_and_sends_nothing(case):
    place(case, status=Status.INVITED)
    date_options_set(challenge=case, ranges=[JUNE, OVER_A_WEEKEND], actor=manager())
    events, emails = CaseEvent.objects.count(), Notification.objects.count()
    date_options_set(challenge=case, ranges=[OVER_A_WEEKEND, JUNE], actor=manager())
    assert (CaseEvent.objects.count(), Notification.objects.count()) == (events, emails)


def test_a_range_kept_keeps_its_answers_and_a_range_dropped_loses_them(case):
    peer = place(case, status=Status.INVITED)
    date_options_set(challenge=case, ranges=[JUNE, OVER_A_WEEKEND], actor=manager())
    june, weekend = case.date_options.all()
    availability_answer(
        assignment=peer, answers={june.pk: "yes", weekend.pk: "no"}, actor=peer.peer.user
    )
    later = (D(2026, 7, 6), D(2026, 7, 9))
    date_options_set(challenge=case, ranges=[JUNE, later], actor=manager())
    assert offered(case) == [JUNE, later]
    assert list(AvailabilityAnswer.objects.values_list("option", "answer")) == [(june.pk, "yes")]
    # A new offer is a new email.
    assert Notification.objects.filter(kind=Notification.Kind.AVAILABILITY_POLL).count() == 2


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ([JUNE], "offer 2 to 4 date ranges to choose from, not 1"),
        ([JUNE] * 0, "offer 2 to 4 date ranges to choose from, not 0"),
        (
            [
                JUNE,
                OVER_A_WEEKEND,
                (D(2026, 7, 1), D(2026, 7, 2)),
                (D(2026, 7, 6), D(2026, 7, 7)),
                (D(2026, 7, 13), D(2026, 7, 14)),
            ],
            "offer 2 to 4 date ranges to choose from, not 5",
        ),
        (
            [JUNE, (D(2026, 6, 5), D(2026, 6, 3))],
            "option 2 ends (3 June 2026) before it starts (5 June 2026)",
        ),
        ([(D(2026, 4, 28), D(2026, 5, 2)), JUNE], "option 1 starts in the past (28 April 2026)"),
        ([JUNE, OVER_A_WEEKEND, JUNE], "option 3 is the same as option 1"),
    ],
)
def test_bad_ranges_are_refused_in_words_and_nothing_is_written(case, ranges, message):
    with pytest.raises(InvalidInput) as invalid:
        date_options_set(challenge=case, ranges=ranges, actor=manager())
    assert message in invalid.value.errors["options"]
    assert not DateOption.objects.exists()
    assert not case.events.filter(action=actions.DATE_OPTIONS_SET).exists()


@pytest.mark.parametrize("state", [State.ONSITE, State.REPORTING, State.CLOSED, State.WITHDRAWN])
def test_too_late_to_poll_is_refused(state):
    case = PeerChallengeFactory(state=state)
    with pytest.raises(Refused) as refused:
        date_options_set(challenge=case, ranges=[JUNE, OVER_A_WEEKEND], actor=manager())
    label = State(state).label.lower()
    assert refused.value.unmet == [
        f"the onsite dates are no longer being chosen: the case is {label}"
    ]


@pytest.mark.parametrize("state", [State.ENQUIRY, State.PREPARATION, State.POSTPONED])
def test_a_poll_is_taken_before_the_visit_and_while_postponed(state):
    case = PeerChallengeFactory(state=state)
    date_options_set(challenge=case, ranges=[JUNE, OVER_A_WEEKEND], actor=manager())
    assert offered(case) == [JUNE, OVER_A_WEEKEND]


# --- answering ------------------------------------------------------------------------------


@pytest.fixture
def poll(case):
    date_options_set(challenge=case, ranges=[JUNE, OVER_A_WEEKEND], actor=manager())
    return list(case.date_options.all())


def test_an_answer_is_saved_replaced_and_on_the_timeline(case, poll):
    peer = place(case, status=Status.ACCEPTED)
    june, weekend = poll
    availability_answer(
        assignment=peer, answers={june.pk: "yes", weekend.pk: "if_need_be"}, actor=None
    )
    availability_answer(assignment=peer, answers={june.pk: "no", weekend.pk: "yes"}, actor=None)
    assert dict(AvailabilityAnswer.objects.values_list("option", "answer")) == {
        june.pk: "no",
        weekend.pk: "yes",
    }
    last = case.events.filter(action=actions.AVAILABILITY_ANSWERED).last()
    assert last.data["dates"] == [
        "8 to 11 June 2026: I cannot make these dates",
        "19 to 22 June 2026: I can make these dates",
    ]
    assert last.data["peer"] == peer.peer_id


def test_every_range_must_be_answered_with_a_known_answer(case, poll):
    peer = place(case, status=Status.INVITED)
    june, _ = poll
    with pytest.raises(InvalidInput) as invalid:
        availability_answer(assignment=peer, answers={june.pk: "maybe", 99999: "yes"}, actor=None)
    assert invalid.value.errors["answers"] == [
        "99999 is not one of the dates offered",
        "“maybe” is not an answer for 8 to 11 June 2026: give one of yes, if_need_be, no",
        "say whether you can make 19 to 22 June 2026",
    ]
    assert not AvailabilityAnswer.objects.exists()


def test_a_declined_peer_or_a_case_without_a_poll_cannot_answer(case, poll):
    declined = place(case, status=Status.DECLINED)
    with pytest.raises(Refused) as refused:
        availability_answer(assignment=declined, answers={}, actor=None)
    assert refused.value.unmet == [
        "only invited or accepted peers say which dates they can make, not declined"
    ]
    other = PeerChallengeFactory(state=State.BOOKED, host=council("BIR"))
    invited = place(other, status=Status.INVITED)
    with pytest.raises(Refused) as refused:
        availability_answer(assignment=invited, answers={}, actor=None)
    assert refused.value.unmet == ["no dates have been offered to choose from"]


# --- the API --------------------------------------------------------------------------------


def url(case) -> str:
    return f"/api/challenges/{case.pk}/date-options/"


def test_a_manager_offers_dates_by_the_api_and_reads_each_ones_warnings(case):
    body = {
        "options": [
            {"start": "2026-06-08", "end": "2026-06-11"},
            {"start": "2026-06-19", "end": "2026-06-22"},
        ]
    }
    response = api_client(manager()).put(url(case), body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["can_change"] is True
    assert [o["dates"] for o in data["options"]] == ["8 to 11 June 2026", "19 to 22 June 2026"]
    assert data["options"][1]["warnings"] == [
        "Saturday 20 June 2026 is a weekend day",
        "Sunday 21 June 2026 is a weekend day",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"options": [{"start": "2026-06-08"}, {"start": "2026-06-19", "end": "2026-06-22"}]},
            "options",
        ),
        ({"options": [{"start": "2026-06-08", "end": "2026-06-11"}]}, "options"),
        ({}, "options"),
    ],
)
def test_bad_options_by_the_api_are_a_400_naming_the_field(case, body, field):
    response = api_client(manager()).put(url(case), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not DateOption.objects.exists()


def test_the_api_refuses_a_poll_once_the_visit_has_begun_and_a_peer_may_not_offer_dates():
    case = PeerChallengeFactory(state=State.ONSITE)
    body = {
        "options": [
            {"start": "2026-06-08", "end": "2026-06-11"},
            {"start": "2026-06-19", "end": "2026-06-22"},
        ]
    }
    response = api_client(manager()).put(url(case), body, format="json")
    assert response.status_code == 409
    assert response.json()["unmet"] == [
        "the onsite dates are no longer being chosen: the case is onsite"
    ]
    user = peer_user()
    place(case, peer=user.peer)
    assert api_client(user).put(url(case), body, format="json").status_code == 403


def test_a_peer_answers_for_their_own_place_only_and_sees_only_their_answers(case, poll):
    mine, theirs = peer_user(), peer_user()
    my_place = place(case, peer=mine.peer, status=Status.INVITED)
    their_place = place(case, peer=theirs.peer)
    june, weekend = poll
    answers = {
        "answers": [{"option": june.pk, "answer": "yes"}, {"option": weekend.pk, "answer": "no"}]
    }
    base = f"/api/challenges/{case.pk}/team"
    response = api_client(mine).put(f"{base}/{my_place.pk}/availability/", answers, format="json")
    assert response.status_code == 200, response.json()
    assert [a["answer"] for a in response.json()["answers"]] == ["yes", "no"]
    elsewhere = api_client(mine).put(
        f"{base}/{their_place.pk}/availability/", answers, format="json"
    )
    assert elsewhere.status_code == 404
    api_client(manager()).put(f"{base}/{their_place.pk}/availability/", answers, format="json")
    seen = api_client(mine).get(url(case)).json()["options"][0]["answers"]
    assert [a["assignment"] for a in seen] == [my_place.pk]
    assert len(api_client(manager()).get(url(case)).json()["options"][0]["answers"]) == 2


def test_answers_by_the_api_twice_for_one_option_or_unknown_are_a_400(case, poll):
    user = peer_user()
    mine = place(case, peer=user.peer, status=Status.INVITED)
    june, _ = poll
    at = f"/api/challenges/{case.pk}/team/{mine.pk}/availability/"
    twice = {"answers": [{"option": june.pk, "answer": "yes"}, {"option": june.pk, "answer": "no"}]}
    assert api_client(user).put(at, twice, format="json").status_code == 400
    unknown = {"answers": [{"option": june.pk, "answer": "perhaps"}]}
    assert "answers" in api_client(user).put(at, unknown, format="json").json()
    partial = {"answers": [{"option": june.pk, "answer": "yes"}]}
    response = api_client(user).put(at, partial, format="json")
    assert response.status_code == 400
    assert response.json() == {"answers": ["say whether you can make 19 to 22 June 2026"]}
    assert not AvailabilityAnswer.objects.exists()
