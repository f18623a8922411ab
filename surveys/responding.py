"""A respondent answering their survey (DESIGN.md §5): a page's answers saved (so they may
leave and come back), then the whole survey submitted, once.

Both run under a row lock on the invitation, so a submit racing a save (two tabs, a double
click) sees either all of the page or none of it, and answers never change after completion.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput, Refused
from surveys import actions, lifecycle
from surveys.models import Answer, Question, QuestionKind, SurveyInvitation
from surveys.questions import (
    EXCLUSIVE,
    MAX_TEXT,
    blank_message,
    detail_option,
    page_numbers,
    questions_on,
)
from workflow.audit import record_event

# The field that carries the words of an option with "detail": true ("Yes (describe)").
DETAIL = "-detail"
CLOSED = "This survey is closed: its answers can no longer change"


def detail_field(question: Question) -> str:
    return f"{question.key}{DETAIL}"


def _locked_open(invitation: SurveyInvitation) -> SurveyInvitation:
    """The invitation's row, locked for this transaction, if its survey is still open."""
    locked = (
        SurveyInvitation.objects.select_for_update()
        .select_related("questionnaire", "challenge")
        .get(pk=invitation.pk)
    )
    expired = locked.expires_on is not None and locked.expires_on < timezone.localdate()
    if locked.status != SurveyInvitation.Status.SENT or expired:
        raise Refused([CLOSED])
    return locked


def _text(value: Any, field: str, errors: dict[str, list[str]]) -> str:
    if not isinstance(value, str):
        errors[field] = ["Enter words"]
        return ""
    value = value.replace("\r\n", "\n").strip()
    if len(value) > MAX_TEXT:
        errors[field] = [f"Enter {MAX_TEXT:,} characters or fewer (you entered {len(value):,})"]
    return value


def _clean(question: Question, data: dict[str, Any], errors: dict[str, list[str]]) -> dict:
    """The Answer fields for one question from the page's data; problems go into `errors`."""
    key = question.key
    value = data.get(key)
    values = question.values
    detail_value = detail_option(question)
    fields: dict[str, Any] = {"choice": "", "choices": [], "text": ""}
    if question.kind == QuestionKind.TEXT:
        fields["text"] = _text(value if value is not None else "", key, errors)
        if question.required and not fields["text"] and key not in errors:
            errors[key] = [blank_message(question)]
        return fields
    if question.kind == QuestionKind.CHOICE:
        value = value if value is not None else ""
        if not isinstance(value, str) or (value and value not in values):
            errors[key] = ["Select one of the answers shown"]
        elif not value and question.required:
            errors[key] = [blank_message(question)]
        else:
            fields["choice"] = value
        chosen = [fields["choice"]]
    else:  # MULTIPLE
        value = value if value is not None else []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[key] = ["Select from the answers shown"]
            value = []
        elif set(value) - set(values) or len(set(value)) != len(value):
            errors[key] = ["Select from the answers shown, each once"]
        elif EXCLUSIVE in value and len(value) > 1:
            errors[key] = ["Select none on its own, or the answers that apply"]
        elif not value and question.required:
            errors[key] = [blank_message(question)]
        else:
            fields["choices"] = [v for v in values if v in value]  # in the scale's order
        chosen = fields["choices"]
    # The words go with their option only: typed, then the option unticked, they are dropped.
    if detail_value is not None and detail_value in chosen:
        fields["text"] = _text(data.get(detail_field(question), ""), detail_field(question), errors)
    return fields


def answers_save(*, invitation: SurveyInvitation, page: int, data: dict[str, Any]) -> None:
    """Save one page's answers, all or none: `data` maps a question's key to its value (a
    CHOICE's option value, a MULTIPLE's list of values, a TEXT's words) and `<key>-detail` to
    the words asked with an option. A blank optional answer is saved too (the page is done).
    Raises InvalidInput naming each field, or Refused once the survey is closed."""
    if page not in page_numbers(invitation.questionnaire):
        raise InvalidInput({"page": [f"The survey has no page {page}"]})
    questions = questions_on(invitation.questionnaire, page)
    known = {q.key for q in questions} | {detail_field(q) for q in questions}
    errors: dict[str, list[str]] = {
        field: ["Not a question on this page"] for field in data if field not in known
    }
    cleaned = {question: _clean(question, data, errors) for question in questions}
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = _locked_open(invitation)
        for question, fields in cleaned.items():
            Answer.objects.update_or_create(invitation=locked, question=question, defaults=fields)


def _answered(question: Question, answer: Answer | None) -> bool:
    if answer is None:
        return False
    return bool(answer.choice or answer.choices or answer.text.strip())


def unanswered(invitation: SurveyInvitation) -> list[Question]:
    """The required questions without an answer, in the questionnaire's order."""
    answers = {a.question_id: a for a in invitation.answers.all()}
    return [
        question
        for question in invitation.questionnaire.questions.order_by("position")
        if question.required and not _answered(question, answers.get(question.pk))
    ]


def survey_submit(*, invitation: SurveyInvitation) -> SurveyInvitation:
    """Complete the invitation, once: refused while a required question is unanswered (each
    named) or when the survey is closed. The case's consequences are surveys.lifecycle's,
    in this transaction, so a failure there undoes the submit."""
    with transaction.atomic():
        locked = _locked_open(invitation)
        missing = unanswered(locked)
        if missing:
            raise Refused([f"Answer {q.key}: {q.text}" for q in missing])
        locked.complete()
        locked.completed_at = timezone.now()
        locked.save()
        case = locked.challenge
        record_event(
            challenge=case,
            action=actions.SURVEY_COMPLETED,
            from_state=case.state,
            actor=None,
            data={
                "survey_invitation": locked.pk,
                "survey": locked.questionnaire.get_kind_display(),
                "respondent": locked.get_respondent_display(),
            },
        )
        # The case's consequences (an impact survey done by both closes the case).
        lifecycle.survey_completed(locked)
    return locked
