"""UK GDPR (reports/data_protection.py): erasing a person keeps every figure; a subject-access
export holds everything about them; retention removes what is past its period, once, and each
change is on the affected cases' timelines."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from reports import actions
from reports.data_protection import anonymise_person, apply_retention, subject_access
from surveys.models import Answer
from tests.notifications.factories import NotificationFactory
from tests.surveys.results_data import CE, answer, invitation
from tests.workflow import factories as f
from workflow.models import Assignment, CaseEvent, PeerChallenge, State

pytestmark = pytest.mark.django_db

CE_EMAIL = "chief.executive@adur.example.gov.uk"  # the factory's contact
SHORT_PERIODS = {"SURVEY_FREE_TEXT_DAYS": 100, "CONTACT_DETAILS_DAYS": 200, "OUTBOX_DAYS": 300}


@pytest.fixture
def peer_on_two_cases():
    user = f.peer_user(email="pat@council.example.gov.uk")
    cases = [f.PeerChallengeFactory(state=State.CLOSED) for _ in range(2)]
    for case in cases:
        f.place(case, peer=user.peer, status=Assignment.Status.COMPLETED, decline_note="")
    Assignment.objects.filter(peer=user.peer).update(interests="Pat's husband works there")
    NotificationFactory(challenge=cases[0], recipient_email=user.email, recipient_name="Pat")
    return user, cases


def _days(peer_pk):
    return sum(a.days for a in Assignment.objects.filter(peer_id=peer_pk))


def test_anonymising_a_peer_keeps_their_places_and_days(peer_on_two_cases):
    user, cases = peer_on_two_cases
    peer_pk = user.peer.pk

    changed = anonymise_person(email="PAT@council.example.gov.uk")  # any case

    peer = type(user.peer).objects.get(pk=peer_pk)
    assert peer.name == f"Anonymised peer {peer_pk}"
    assert "pat" not in peer.email
    assert _days(peer_pk) == Decimal("7.0")  # 2 x 3.5: the figures stay
    assert set(Assignment.objects.filter(peer=peer).values_list("interests", flat=True)) == {
        "Anonymised"
    }
    user.refresh_from_db()
    assert (user.is_active, user.email, user.has_usable_password()) == (False, "", False)
    email = Notification.objects.get(challenge=cases[0])
    assert (email.recipient_name, email.context) == ("", {})
    assert "pat" not in email.recipient_email
    assert changed == {
        "team places": 2,
        "peers": 1,
        "case contacts": 0,
        "survey answers": 0,
        "survey invitations": 0,
        "emails": 1,
        "sign-in records": 0,
        "free text": 0,  # their own notes were cleared above; nobody else named them
    }
    events = CaseEvent.objects.filter(action=actions.PERSON_ANONYMISED)
    assert sorted(events.values_list("challenge_id", flat=True)) == sorted(c.pk for c in cases)
    assert "pat" not in json.dumps(list(events.values("data", "reason"))).lower()


def test_anonymising_a_chief_executive_keeps_their_survey_choices():
    case = f.PeerChallengeFactory(state=State.CLOSED)
    survey = invitation(case, "feedback", CE)
    survey.recipient_name, survey.recipient_email = "Chris Executive", CE_EMAIL
    survey.save(update_fields=["recipient_name", "recipient_email"])
    answer(survey, {"FB1": "very_satisfied", "FB12": "As chief executive of Adur I, Chris, ..."})
    other = f.PeerChallengeFactory(chief_executive_email="someone.else@example.org")

    anonymise_person(email=CE_EMAIL)

    case.refresh_from_db()
    survey.refresh_from_db()
    assert (case.chief_executive_name, case.chief_executive_email) == ("Anonymised", "")
    assert (case.leader_name, case.leader_email) == ("Lee Leader", "leader@adur.example.gov.uk")
    assert (survey.recipient_name, survey.recipient_email) == ("", "")
    answers = dict(Answer.objects.filter(invitation=survey).values_list("question__key", "choice"))
    assert answers["FB1"] == "very_satisfied"
    assert Answer.objects.get(invitation=survey, question__key="FB12").text == ""
    other.refresh_from_db()
    assert other.chief_executive_name == "Chris Executive"  # someone else's case: untouched
    assert CaseEvent.objects.filter(action=actions.PERSON_ANONYMISED).count() == 1


def test_anonymising_an_unknown_email_changes_nothing(peer_on_two_cases):
    assert not any(anonymise_person(email="nobody@example.org").values())
    assert not CaseEvent.objects.filter(action=actions.PERSON_ANONYMISED).exists()


def test_subject_access_export_holds_everything_about_the_person(peer_on_two_cases):
    user, cases = peer_on_two_cases
    out = StringIO()

    call_command("subject_access", user.email, stdout=out)

    data = json.loads(out.getvalue())
    assert [a["username"] for a in data["accounts"]] == [user.username]
    assert [p["email"] for p in data["peer_records"]] == [user.email]
    assert sorted(p["challenge_id"] for p in data["team_places"]) == sorted(c.pk for c in cases)
    assert {p["interests"] for p in data["team_places"]} == {"Pat's husband works there"}
    assert [e["recipient_name"] for e in data["emails"]] == ["Pat"]
    assert "context" not in data["emails"][0]  # other people's data and link secrets


def test_subject_access_for_a_council_contact_lists_cases_and_answers():
    case = f.PeerChallengeFactory(state=State.CLOSED)
    survey = invitation(case, "feedback", CE)
    survey.recipient_email = CE_EMAIL
    survey.save(update_fields=["recipient_email"])
    answer(survey, {"FB1": "very_satisfied", "FB12": "Good"})

    data = subject_access(email=CE_EMAIL)

    assert [c["id"] for c in data["case_contacts"]] == [case.pk]
    answers = {a["question__key"]: a for a in data["survey_invitations"][0]["answers"]}
    assert (answers["FB1"]["choice"], answers["FB12"]["text"]) == ("very_satisfied", "Good")
    assert data["accounts"] == [] and data["peer_records"] == []


def _aged(when: datetime.datetime):
    return time_machine.travel(when, tick=False)


def test_retention_removes_only_what_is_past_its_period(settings):
    settings.RETENTION = SHORT_PERIODS
    now = timezone.now()
    with _aged(now - datetime.timedelta(days=400)):
        old_case = f.PeerChallengeFactory(state=State.CLOSED)
        CaseEvent.objects.create(challenge=old_case, action="x", to_state="closed")
        old_email = NotificationFactory(challenge=old_case, status=Notification.Status.SENT)
        queued = NotificationFactory(challenge=old_case, status=Notification.Status.QUEUED)
    open_case = f.PeerChallengeFactory(state=State.REPORTING)
    old_survey = invitation(
        open_case,
        "feedback",
        CE,
        completed=(now - datetime.timedelta(days=150)).date(),
        sent=(now - datetime.timedelta(days=155)).date(),
    )
    answer(old_survey, {"FB1": "very_satisfied", "FB12": "Too candid to keep"})
    new_email = NotificationFactory(challenge=open_case, status=Notification.Status.SENT)

    removed = apply_retention()

    assert removed == {
        "survey free text": 1,
        "good practice drafts": 0,
        "case contacts": 1,
        "survey recipients": 0,
        "emails": 1,
    }
    old_case.refresh_from_db()
    assert (old_case.chief_executive_email, old_case.leader_name) == ("", "")
    assert Answer.objects.get(invitation=old_survey, question__key="FB1").choice
    assert Answer.objects.get(invitation=old_survey, question__key="FB12").text == ""
    assert not Notification.objects.filter(pk=old_email.pk).exists()
    # Not sent yet, or not old enough: kept.
    assert Notification.objects.filter(pk__in=[queued.pk, new_email.pk]).count() == 2
    assert PeerChallenge.objects.get(pk=open_case.pk).chief_executive_email == CE_EMAIL
    audited = CaseEvent.objects.filter(action=actions.RETENTION_APPLIED)
    assert {e.challenge_id: sorted(e.data["removed"]) for e in audited} == {
        old_case.pk: ["contact details", "emails"],
        open_case.pk: ["survey free text"],
    }
    # A second run finds nothing and records nothing more.
    assert not any(apply_retention().values())
    assert audited.count() == 2


def test_retention_runs_daily_from_beat_and_as_a_command(settings):
    assert settings.CELERY_BEAT_SCHEDULE["apply-retention"]["task"] == (
        "reports.tasks.apply_retention"
    )
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "emails: 0 removed" in out.getvalue()
