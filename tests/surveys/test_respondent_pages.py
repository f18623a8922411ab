"""The respondent's pages, from the signed link with no sign-in (surveys/pages.py): GET only
shows, POST saves or submits; any link that opens nothing gets one page."""

import datetime
import logging
import re

import pytest
import time_machine
from django.apps import apps
from django.core import serializers
from django.test import Client
from django.utils import timezone

from core.signed_links import make_token, new_nonce
from surveys.models import Answer, SurveyInvitation
from surveys.responding import answers_save
from tests.surveys.respondents import (
    OBJECTIVES,
    page_data,
    pages,
    sent_invitation,
    token,
    url,
)
from workflow.models import CaseEvent

pytestmark = pytest.mark.django_db


def state(invitation: SurveyInvitation) -> tuple:
    """Everything a page might change."""
    invitation.refresh_from_db()
    return (
        invitation.status,
        invitation.nonce,
        invitation.updated_at,
        list(Answer.objects.values_list("question__key", "choice", "choices", "text")),
        CaseEvent.objects.count(),
    )


def save_all(client, invitation: SurveyInvitation) -> None:
    for page in pages(invitation):
        response = client.post(url(invitation, page), page_data(invitation, page))
        assert response.status_code == 302, response.content.decode()


def text(response) -> str:
    return response.content.decode()


def test_the_start_page_shows_the_council_the_visit_and_the_survey_and_nothing_else(client):
    invitation = sent_invitation()
    case = invitation.challenge
    body = text(client.get(url(invitation)))
    assert case.host.name in body
    assert f"{case.onsite_start:%-d %B %Y} to {case.onsite_end:%-d %B %Y}" in body
    assert invitation.questionnaire.title in body
    assert invitation.questionnaire.introduction in body
    assert ">\n      Start" in body
    for private in (case.reference, case.chief_executive_email, case.manager.username):
        assert private not in body
    assert 'href="/surveys/' in body and "/1/" in body  # Start goes to page 1


def test_get_get_post_opening_changes_nothing_and_only_a_post_saves(client):
    invitation = sent_invitation()
    before = state(invitation)
    for _ in range(2):  # a link scanner, then the person
        for address in (url(invitation), url(invitation, 1), url(invitation, "check")):
            assert client.head(address).status_code == 200
            assert client.get(address).status_code == 200
    assert state(invitation) == before
    response = client.post(url(invitation, 1), {"FB1": "very_satisfied"})
    assert response.status_code == 302
    assert response["Location"] == url(invitation, 2)
    assert invitation.answers.get().choice == "very_satisfied"


def test_a_question_page_shows_the_exact_labels_in_order_and_the_objectives_prefilled(client):
    invitation = sent_invitation()
    body = text(client.get(url(invitation, 1)))
    labels = [o["label"] for o in invitation.questionnaire.questions.get(key="FB1").options]
    positions = [body.index(f">{label}</label>") for label in labels]
    assert positions == sorted(positions)
    assert "Page 1 of 12" in body
    objectives = text(client.get(url(invitation, 4)))
    assert "\n".join(OBJECTIVES) in objectives


def test_a_required_question_left_blank_gets_the_error_summary_and_nothing_is_saved(client):
    invitation = sent_invitation()
    response = client.post(url(invitation, 1), {})
    body = text(response)
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert "govuk-error-summary" in body
    assert '<a href="#FB1-0">Select how satisfied or dissatisfied you are</a>' in body
    assert not Answer.objects.exists()


def test_an_unknown_option_is_a_form_error_and_the_page_saves_nothing(client):
    invitation = sent_invitation()
    response = client.post(url(invitation, 6), {"FB6": "good", "FB7": "superb"})
    assert response.status_code == 200
    assert "Select one of the answers shown" in text(response)
    assert 'value="good" checked' in text(response)  # what was chosen is kept on the page
    assert not Answer.objects.exists()


def test_the_words_of_a_describe_option_are_shown_again_with_it(client):
    invitation = sent_invitation()
    client.post(url(invitation, 9), {"FB10": "yes", "FB10-detail": "Our family hubs"})
    body = text(client.get(url(invitation, 9)))
    assert "Our family hubs</textarea>" in body
    assert 'value="yes" checked' in body


def test_save_and_come_back_the_start_page_continues_at_the_first_page_not_done(client):
    invitation = sent_invitation()
    for page in (1, 2, 4):
        client.post(url(invitation, page), page_data(invitation, page))
    body = text(Client().get(url(invitation)))  # another day, another browser
    assert "You have answered 3 of 12 pages" in body
    assert ">\n      Continue" in body
    assert f'href="{url(invitation, 3)}"' in body
    statuses = re.findall(r'id="page-(\d+)-status">(Completed|<strong[^>]*>Not yet answered)', body)
    assert [(int(n), "Completed" in status) for n, status in statuses] == [
        (n, n in (1, 2, 4)) for n in range(1, 13)
    ]
    assert 'value="fairly_likely" checked' in text(client.get(url(invitation, 2)))


def test_the_last_page_leads_to_check_your_answers_with_change_links(client):
    invitation = sent_invitation()
    save_all(client, invitation)
    body = text(client.get(url(invitation, "check")))
    assert "Check your answers before you submit" in body
    assert "Fairly satisfied" in body  # FB1's answer, by its label
    assert f'href="{url(invitation, 6)}?change=1"' in body
    changed = client.post(f"{url(invitation, 6)}?change=1", {"FB6": "poor", "FB7": "good"})
    assert changed["Location"] == url(invitation, "check")


def test_submit_once_then_the_link_is_the_one_invalid_page(client):
    invitation = sent_invitation()
    save_all(client, invitation)
    response = client.post(url(invitation, "check"))
    assert response.status_code == 200
    assert "Survey submitted" in text(response)
    invitation.refresh_from_db()
    assert invitation.status == SurveyInvitation.Status.COMPLETED
    events = CaseEvent.objects.count()
    after = state(invitation)

    again = client.post(url(invitation, "check"))
    assert again.status_code == 404
    assert "This survey link does not work" in text(again)
    assert client.post(url(invitation, 1), {"FB1": "very_dissatisfied"}).status_code == 404
    assert client.get(url(invitation)).status_code == 404
    assert state(invitation) == after
    assert CaseEvent.objects.count() == events


def test_submit_with_a_required_question_unanswered_names_it(client):
    invitation = sent_invitation()
    save_all(client, invitation)
    invitation.answers.filter(question__key="FB5").delete()
    response = client.post(url(invitation, "check"))
    body = text(response)
    assert "Answer these questions before you submit" in body
    assert f'<a href="{url(invitation, 5)}?change=1">Answer FB5:' in body
    invitation.refresh_from_db()
    assert invitation.status == SurveyInvitation.Status.SENT


def invalid_links() -> dict[str, str]:
    """One link of each kind that must open nothing, made in the order they go bad."""
    good = sent_invitation()
    links = {
        "not a token": "not-a-token",
        "another purpose's": make_token("assignment-invitation", good.pk, good.nonce),
    }
    raw = token(good)
    links["tampered"] = raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")
    revoked = sent_invitation(respondent="leader", challenge=good.challenge)
    links["revoked"] = token(revoked)
    SurveyInvitation.objects.filter(pk=revoked.pk).update(nonce=new_nonce())
    completed = sent_invitation("impact", host="BST")
    SurveyInvitation.objects.filter(pk=completed.pk).update(
        status=SurveyInvitation.Status.COMPLETED, completed_at=timezone.now()
    )
    links["completed"] = token(completed)
    scheduled = sent_invitation("impact", respondent="leader", challenge=completed.challenge)
    SurveyInvitation.objects.filter(pk=scheduled.pk).update(
        status=SurveyInvitation.Status.SCHEDULED, sent_at=None
    )
    links["not sent yet"] = token(scheduled)
    return links


def test_every_link_that_opens_nothing_gets_the_same_page_and_status(client):
    links = invalid_links()
    expiring = sent_invitation(expires_in=0, host="LDS")
    answers = {}
    for name, raw in links.items():
        for suffix in ("", "1/", "check/"):
            response = client.get(f"/surveys/{raw}/{suffix}")
            answers[(name, suffix)] = (response.status_code, response.content)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        for suffix in ("", "1/", "check/"):
            response = client.get(f"/surveys/{token(expiring)}/{suffix}")
            answers[("expired", suffix)] = (response.status_code, response.content)
    assert {status for status, _ in answers.values()} == {404}
    assert len({body for _, body in answers.values()}) == 1, "the page must never say which"
    assert b"This survey link does not work" in next(iter(answers.values()))[1]


def test_a_submit_after_the_survey_expired_on_the_check_page_is_the_invalid_page(client):
    invitation = sent_invitation(expires_in=0)
    client.post(url(invitation, 1), page_data(invitation, 1))
    client.get(url(invitation, "check"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        response = client.post(url(invitation, "check"))
    assert response.status_code == 404
    assert "This survey link does not work" in text(response)


def test_a_link_still_works_on_its_last_day():
    invitation = sent_invitation(expires_in=3)
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    with time_machine.travel(datetime.datetime.combine(last_day, datetime.time(23, 0))):
        assert Client().get(url(invitation)).status_code == 200


def test_a_page_the_survey_does_not_have_is_the_same_invalid_page(client):
    invitation = sent_invitation()
    nothing = client.get("/surveys/not-a-token/")
    for page in (0, 13, 99, -1, "one", "1/2", "check/1"):
        response = client.get(url(invitation, page))
        assert (response.status_code, response.content) == (404, nothing.content)
        assert client.post(url(invitation, page), {}).status_code == 404


def test_an_anonymous_respondent_posts_with_csrf_protection():
    invitation = sent_invitation()
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(url(invitation, 1), {"FB1": "neither"}).status_code == 403
    browser.get(url(invitation, 1))
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(url(invitation, 1), {"FB1": "neither", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert invitation.answers.get().choice == "neither"


def test_a_save_after_the_survey_closed_in_another_tab_is_the_invalid_page(client):
    invitation = sent_invitation()
    for page in pages(invitation):
        answers_save(invitation=invitation, page=page, data=page_data(invitation, page))
    first = Client()
    first.get(url(invitation, "check"))
    assert "Survey submitted" in text(first.post(url(invitation, "check")))
    assert client.post(url(invitation, 1), {"FB1": "neither"}).status_code == 404


def every_rows_text() -> str:
    return "\n".join(
        serializers.serialize("json", model._default_manager.all())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    )


def test_no_raw_token_in_the_database_or_the_logs_across_a_whole_survey(client, caplog):
    caplog.set_level(logging.DEBUG)
    invitation = sent_invitation()
    raw = token(invitation)
    client.get(url(invitation))
    client.post(url(invitation, 1), {})  # an error
    client.post(url(invitation, 6), {"FB6": "superb"})  # an unknown option
    save_all(client, invitation)
    client.get(url(invitation, "check"))
    client.post(url(invitation, "check"))
    client.get(url(invitation))  # used: 404, which Django logs with the path
    client.post(url(invitation, "check"))
    Client(enforce_csrf_checks=True).post(url(invitation, 1))  # a CSRF refusal, logged too
    assert caplog.records, "the 404s and the CSRF refusal are logged"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "<token>" in logged
    signature = raw.rsplit(":", 1)[1]
    for secret in (raw, signature):
        assert secret not in logged
        assert secret not in every_rows_text()


def test_runservers_access_log_writes_a_token_as_token(caplog):
    invitation = sent_invitation()
    raw = token(invitation)
    caplog.set_level(logging.INFO)
    logging.getLogger("django.server").info('"GET %s HTTP/1.1" 200 1234', url(invitation))
    [record] = [r for r in caplog.records if r.name == "django.server"]
    assert record.getMessage() == '"GET /surveys/<token>/ HTTP/1.1" 200 1234'
    assert raw not in caplog.text
