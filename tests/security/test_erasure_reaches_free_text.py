"""Anonymising a person (reports/data_protection.py) also removes their name and email from free
text that others wrote or that was copied from them (reports/free_text_erasure.py): event
reasons and data, a case's reasons, others' notes, findings, good practice, other people's
email contexts. The rest of the text stays; the erasure is on each case's timeline, without
the name. The subject-access export holds every kind of row about the person."""

import datetime
import json

import pytest
from django.utils import timezone

from notifications.models import Notification
from reports import actions
from reports.data_protection import anonymise_person, apply_retention, subject_access
from reports.models import Finding, GoodPractice, Theme
from surveys.models import Answer
from tests.notifications.factories import NotificationFactory
from tests.security.test_data_protection import SHORT_PERIODS
from tests.surveys.results_data import CE, answer, invitation
from tests.workflow import factories as f
from workflow.models import (
    Assignment,
    AvailabilityAnswer,
    CalendarFeed,
    CaseEvent,
    DateOption,
    PeerChallenge,
    PeerFormerCouncil,
    Specialism,
    State,
)

pytestmark = pytest.mark.django_db

PAT = "pat.jones@council.example.gov.uk"
CE_EMAIL = "chief.executive@adur.example.gov.uk"  # the factory's contact, "Chris Executive"


@pytest.fixture
def pat():
    user = f.peer_user(email=PAT, first_name="Patricia", last_name="Jones")
    type(user.peer).objects.filter(pk=user.peer.pk).update(name="Pat Jones")
    return user


def _event(case, reason="", **data):
    return CaseEvent.objects.create(
        challenge=case, action="workflow.test", to_state=case.state, reason=reason, data=data
    )


def _drawn_from(survey, text: str) -> GoodPractice:
    """A good practice candidate copied from the survey's one free-text answer, as the sweep
    makes it (reports/good_practice.py)."""
    answer(survey, {"FB12": text})
    return GoodPractice.objects.create(
        title="Panel",
        summary=text,
        council=survey.challenge.host,
        challenge=survey.challenge,
        source=GoodPractice.Source.SURVEY,
        survey_answer=Answer.objects.get(invitation=survey),
    )


def test_a_peers_name_goes_from_free_text_and_the_rest_stays(pat):
    case = f.PeerChallengeFactory(state=State.WITHDRAWN, withdrawn_reason="Pat Jones fell ill")
    f.place(case, peer=pat.peer, status=Assignment.Status.ACCEPTED)
    other_peer = f.place(case, status=Assignment.Status.ACCEPTED)
    Assignment.objects.filter(pk=other_peer.pk).update(override_reason="worked with PAT JONES")
    about_her = _event(case, "Pat  Jones left the team", replaces="Pat Jones", days=3)
    elsewhere = f.PeerChallengeFactory(state=State.CLOSED)
    mention = _event(elsewhere, "Asked patricia jones about dates")  # her account's name
    untouched = _event(elsewhere, "Patrick Jonesy and Pat Jonesborough")  # other people
    finding = Finding.objects.create(
        challenge=case,
        component="leadership",
        theme=Theme.objects.first(),
        polarity="strength",
        excerpt="Thanks to Pat Jones, the board meets monthly.",
    )
    practice = GoodPractice.objects.create(
        title="Monthly boards",
        summary="Led by Pat Jones (pat.jones@council.example.gov.uk): the board meets monthly.",
        council=case.host,
        challenge=case,
        source=GoodPractice.Source.MANAGER,
    )
    to_manager = NotificationFactory(
        challenge=case,
        recipient_email="manager@lga.example.org",
        context={"peer_name": "Pat Jones", "role": "member peer"},
    )

    changed = anonymise_person(email=PAT)

    case.refresh_from_db()
    assert case.withdrawn_reason == "[removed] fell ill"
    assert Assignment.objects.get(pk=other_peer.pk).override_reason == "worked with [removed]"
    about_her = CaseEvent.objects.get(pk=about_her.pk)
    assert (about_her.reason, about_her.data) == (
        "[removed] left the team",
        {"replaces": "[removed]", "days": 3},
    )
    assert CaseEvent.objects.get(pk=mention.pk).reason == "Asked [removed] about dates"
    assert CaseEvent.objects.get(pk=untouched.pk).reason == untouched.reason
    assert Finding.objects.get(pk=finding.pk).excerpt == (
        "Thanks to [removed], the board meets monthly."
    )
    assert GoodPractice.objects.get(pk=practice.pk).summary == (
        "Led by [removed] ([removed]): the board meets monthly."
    )
    assert Notification.objects.get(pk=to_manager.pk).context == {
        "peer_name": "[removed]",
        "role": "member peer",
    }
    assert changed["free text"] == 7
    erased = CaseEvent.objects.filter(action=actions.PERSON_ANONYMISED)
    on_case = erased.get(challenge=case).data["free text"]
    assert on_case == ["case", "case events", "emails", "findings", "good practice", "team places"]
    assert erased.get(challenge=elsewhere).data["free text"] == ["case events"]
    assert "jones" not in json.dumps(list(erased.values("data", "reason"))).lower()


def test_a_contacts_name_goes_from_good_practice_drawn_from_their_answer():
    case = f.PeerChallengeFactory(state=State.CLOSED, closed_reason="Chris Executive agreed")
    survey = invitation(case, "feedback", CE)
    survey.recipient_name, survey.recipient_email = "Chris Executive", CE_EMAIL
    survey.save(update_fields=["recipient_name", "recipient_email"])
    practice = _drawn_from(survey, "I, Chris Executive, started a residents' panel.")

    anonymise_person(email=CE_EMAIL)

    # The council's good practice stays; the name in it does not.
    assert GoodPractice.objects.get(pk=practice.pk).summary == (
        "I, [removed], started a residents' panel."
    )
    assert PeerChallenge.objects.get(pk=case.pk).closed_reason == "[removed] agreed"


def test_subject_access_holds_every_kind_of_row_about_a_peer(pat):
    from axes.models import AccessAttempt, AccessLog

    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    place = f.place(case, peer=pat.peer, status=Assignment.Status.ACCEPTED)
    option = DateOption.objects.create(challenge=case, start=case.onsite_start, end=case.onsite_end)
    AvailabilityAnswer.objects.create(option=option, assignment=place, answer="yes")
    PeerFormerCouncil.objects.create(peer=pat.peer, council=f.council("IPS"), until="2020-03-31")
    pat.peer.specialisms.add(Specialism.objects.get(slug="finance"))
    feed = CalendarFeed.objects.create(user=pat)
    seen = {"ip_address": "203.0.113.9", "user_agent": "Firefox", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(
        username=pat.username, failures_since_start=2, post_data="password=********", **seen
    )
    AccessLog.objects.create(username=pat.username, session_hash="secret-hash", **seen)
    NotificationFactory(challenge=case, recipient_email=PAT, recipient_name="Pat Jones")

    data = subject_access(email=PAT)

    assert [a["answer"] for a in data["availability_answers"]] == ["yes"]
    assert data["availability_answers"][0]["assignment__challenge_id"] == case.pk
    assert [c["council__name"] for c in data["former_councils"]] == ["Ipswich"]
    assert data["specialisms"] == [Specialism.objects.get(slug="finance").name]
    assert len(data["calendar_feeds"]) == 1
    records = data["sign_in_records"]
    assert [r["failures_since_start"] for r in records["failed_attempts"]] == [2]
    assert [r["ip_address"] for r in records["sign_ins"]] == ["203.0.113.9"]
    exported = json.dumps(data, default=str)
    assert feed.nonce not in exported  # the feed's secret is not personal data to hand out
    assert "secret-hash" not in exported and "password=" not in exported
    assert [e["recipient_name"] for e in data["emails"]] == ["Pat Jones"]


def test_subject_access_for_a_contact_lists_good_practice_drawn_from_their_answers():
    case = f.PeerChallengeFactory(state=State.CLOSED)
    survey = invitation(case, "feedback", CE)
    survey.recipient_email = CE_EMAIL
    survey.save(update_fields=["recipient_email"])
    _drawn_from(survey, "Our residents' panel")

    data = subject_access(email=CE_EMAIL)

    assert [g["summary"] for g in data["good_practice_from_their_answers"]] == [
        "Our residents' panel"
    ]


def test_anonymising_removes_their_sign_in_records(pat):
    from axes.models import AccessAttempt, AccessFailureLog

    seen = {"ip_address": "203.0.113.9", "user_agent": "Firefox", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(username=pat.username, failures_since_start=1, **seen)
    AccessFailureLog.objects.create(username=PAT.upper(), **seen)
    AccessAttempt.objects.create(username="someone-else", failures_since_start=1, **seen)

    changed = anonymise_person(email=PAT)

    assert changed["sign-in records"] == 2
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone-else"]
    assert not AccessFailureLog.objects.exists()


def test_retention_removes_unreviewed_good_practice_copied_from_old_answers(settings):
    settings.RETENTION = SHORT_PERIODS
    today = timezone.localdate()

    def drawn_from(completed: datetime.date, status: str) -> GoodPractice:
        case = f.PeerChallengeFactory(state=State.CLOSED)
        survey = invitation(case, "feedback", CE, completed=completed, sent=completed)
        practice = _drawn_from(survey, "Our residents' panel")
        GoodPractice.objects.filter(pk=practice.pk).update(status=status)
        return practice

    old_draft = drawn_from(today - datetime.timedelta(days=150), "draft")
    old_published = drawn_from(today - datetime.timedelta(days=150), "published")
    new_draft = drawn_from(today - datetime.timedelta(days=10), "draft")

    removed = apply_retention()

    assert removed["good practice drafts"] == 1
    assert set(GoodPractice.objects.values_list("pk", flat=True)) == {
        old_published.pk,
        new_draft.pk,
    }
    event = CaseEvent.objects.get(
        challenge_id=old_draft.challenge_id, action=actions.RETENTION_APPLIED
    )
    assert sorted(event.data["removed"]) == ["good practice drafts", "survey free text"]
    assert not apply_retention()["good practice drafts"]  # once
