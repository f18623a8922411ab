"""The respondent's services: a page's answers saved all or nothing, and the survey submitted
once (surveys/responding.py)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.errors import InvalidInput, Refused
from surveys import actions
from surveys.models import Answer, SurveyInvitation
from surveys.responding import answers_save, survey_submit
from tests.surveys.respondents import page_data, pages, sent_invitation
from workflow.models import State
from workflow.timeline import timeline

pytestmark = pytest.mark.django_db


def answer_all(invitation: SurveyInvitation) -> None:
    for page in pages(invitation):
        answers_save(invitation=invitation, page=page, data=page_data(invitation, page))


def saved(invitation: SurveyInvitation) -> dict[str, tuple]:
    return {
        a.question.key: (a.choice, a.choices, a.text)
        for a in invitation.answers.select_related("question")
    }


def test_a_page_is_saved_as_answer_rows_and_saving_again_updates_them():
    invitation = sent_invitation()
    answers_save(invitation=invitation, page=6, data={"FB6": "good", "FB7": "very_good"})
    answers_save(invitation=invitation, page=6, data={"FB6": "poor", "FB7": "very_good"})
    assert saved(invitation) == {"FB6": ("poor", [], ""), "FB7": ("very_good", [], "")}
    assert Answer.objects.count() == 2


def test_an_unknown_option_is_refused_and_nothing_on_the_page_is_saved():
    invitation = sent_invitation()
    with pytest.raises(InvalidInput) as refused:
        answers_save(invitation=invitation, page=6, data={"FB6": "good", "FB7": "excellent"})
    assert refused.value.errors == {"FB7": ["Select one of the answers shown"]}
    assert not Answer.objects.exists()  # FB6 was valid, but the page saves all or nothing


def test_a_required_question_left_blank_says_what_to_select():
    invitation = sent_invitation()
    with pytest.raises(InvalidInput) as refused:
        answers_save(invitation=invitation, page=1, data={"FB1": ""})
    assert refused.value.errors == {"FB1": ["Select how satisfied or dissatisfied you are"]}


def test_an_optional_question_left_blank_is_saved_so_its_page_counts_as_done():
    invitation = sent_invitation()
    answers_save(invitation=invitation, page=11, data={"FB12": "   "})
    assert saved(invitation) == {"FB12": ("", [], "")}


@pytest.mark.parametrize(("length", "ok"), [(5000, True), (5001, False)])
def test_text_is_limited_to_5000_characters(length, ok):
    invitation = sent_invitation()
    data = {"FB12": "x" * length}
    if ok:
        answers_save(invitation=invitation, page=11, data=data)
        assert len(invitation.answers.get().text) == 5000
    else:
        with pytest.raises(InvalidInput) as refused:
            answers_save(invitation=invitation, page=11, data=data)
        assert refused.value.errors["FB12"] == [
            "Enter 5,000 characters or fewer (you entered 5,001)"
        ]
        assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["mentoring", "mentoring"], "Select from the answers shown, each once"),
        (["mentoring", "bribes"], "Select from the answers shown, each once"),
        (["none", "mentoring"], "Select none on its own, or the answers that apply"),
        ("mentoring", "Select from the answers shown"),
        ([], "Select the support the peer challenge triggered, or select none"),
    ],
)
def test_a_multiple_answer_takes_known_options_once_with_none_on_its_own(values, message):
    invitation = sent_invitation("impact")
    with pytest.raises(InvalidInput) as refused:
        answers_save(invitation=invitation, page=3, data={"IM7": values})
    assert refused.value.errors == {"IM7": [message]}


def test_a_multiple_answer_is_kept_in_the_scales_order():
    invitation = sent_invitation("impact")
    answers_save(
        invitation=invitation, page=3, data={"IM7": ["mentoring", "leadership_programmes"]}
    )
    assert invitation.answers.get().choices == ["leadership_programmes", "mentoring"]


def test_the_words_of_an_option_are_kept_only_while_it_is_chosen():
    invitation = sent_invitation()
    answers_save(invitation=invitation, page=9, data={"FB10": "yes", "FB10-detail": "Our hub"})
    assert saved(invitation)["FB10"] == ("yes", [], "Our hub")
    answers_save(invitation=invitation, page=9, data={"FB10": "no", "FB10-detail": "Our hub"})
    assert saved(invitation)["FB10"] == ("no", [], "")


def test_a_field_not_on_the_page_and_a_page_not_in_the_survey_are_refused():
    invitation = sent_invitation()
    with pytest.raises(InvalidInput) as refused:
        answers_save(invitation=invitation, page=1, data={"FB1": "neither", "FB2": "dont_know"})
    assert refused.value.errors == {"FB2": ["Not a question on this page"]}
    with pytest.raises(InvalidInput) as refused:
        answers_save(invitation=invitation, page=13, data={})
    assert refused.value.errors == {"page": ["The survey has no page 13"]}
    assert not Answer.objects.exists()


def test_submit_is_refused_naming_each_required_question_unanswered():
    invitation = sent_invitation()
    for page in pages(invitation)[1:]:
        if page != 7:
            answers_save(invitation=invitation, page=page, data=page_data(invitation, page))
    with pytest.raises(Refused) as refused:
        survey_submit(invitation=invitation)
    assert [reason.split(":")[0] for reason in refused.value.unmet] == [
        "Answer FB1",
        *(f"Answer FB8{letter}" for letter in "abcde"),
    ]
    invitation.refresh_from_db()
    assert invitation.status == SurveyInvitation.Status.SENT
    assert invitation.completed_at is None


def test_submit_completes_the_invitation_once_with_its_audit_row():
    invitation = sent_invitation()
    answer_all(invitation)
    survey_submit(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == SurveyInvitation.Status.COMPLETED
    assert invitation.completed_at is not None
    event = invitation.challenge.events.get(action=actions.SURVEY_COMPLETED)
    assert event.data["respondent"] == "Chief executive"
    assert event.actor is None
    assert [e.what for e in timeline(invitation.challenge)] == ["Survey completed"]

    with pytest.raises(Refused):
        survey_submit(invitation=invitation)
    assert invitation.challenge.events.filter(action=actions.SURVEY_COMPLETED).count() == 1


def test_a_completed_invitations_answers_cannot_change():
    invitation = sent_invitation()
    answer_all(invitation)
    survey_submit(invitation=invitation)
    before = saved(invitation)
    with pytest.raises(Refused):
        answers_save(invitation=invitation, page=1, data={"FB1": "very_dissatisfied"})
    assert saved(invitation) == before


def test_an_expired_survey_neither_saves_nor_submits():
    invitation = sent_invitation(expires_in=28)
    answer_all(invitation)
    last_day = timezone.localdate() + datetime.timedelta(days=28)
    with time_machine.travel(last_day + datetime.timedelta(days=1)):
        with pytest.raises(Refused):
            answers_save(invitation=invitation, page=1, data={"FB1": "neither"})
        with pytest.raises(Refused):
            survey_submit(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == SurveyInvitation.Status.SENT


def test_both_impact_surveys_submitted_close_the_case():
    ce = sent_invitation("impact")
    leader = sent_invitation("impact", respondent="leader", challenge=ce.challenge)
    for invitation in (ce, leader):
        answer_all(invitation)
    survey_submit(invitation=ce)
    ce.challenge.refresh_from_db()
    assert ce.challenge.state == State.POST_CHALLENGE  # the leader has yet to answer
    survey_submit(invitation=leader)
    ce.challenge.refresh_from_db()
    assert ce.challenge.state == State.CLOSED
