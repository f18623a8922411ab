"""The respondent's pages, opened from the emailed link with no sign-in (DESIGN.md §5): the
start page, one page per question or short group, "Check your answers", and the confirmation.

GET only shows (a link scanner opening every link changes nothing); POST saves a page or
submits. A link that opens no survey - bad, tampered, completed, expired, revoked - and a page
number the survey does not have get one page, with one status, that never says which."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import InvalidInput, Refused
from surveys.links import open_survey
from surveys.models import Answer, Question, QuestionKind, SurveyInvitation
from surveys.questions import (
    EXCLUSIVE,
    MAX_TEXT,
    OBJECTIVES_QUESTION,
    answered_pages,
    first_questions,
    page_numbers,
    questions_on,
)
from surveys.responding import answers_save, detail_field, survey_submit, unanswered

NOT_OPEN = "surveys/link_not_open.html"


def _not_open(request: HttpRequest) -> HttpResponse:
    return render(request, NOT_OPEN, status=404)


@never_cache
@sensitive_variables("token")
def nothing_here(request: HttpRequest, token: str, rest: str) -> HttpResponse:
    return _not_open(request)


@dataclass
class Asked:
    """One question as its page draws it: what is saved or was just posted, and its errors."""

    question: Question
    value: str = ""  # a CHOICE's option or a TEXT's words
    values: list[str] = field(default_factory=list)  # a MULTIPLE's options
    detail: str = ""
    error: str = ""
    detail_error: str = ""

    @property
    def name(self) -> str:
        return self.question.key

    @property
    def detail_name(self) -> str:
        return detail_field(self.question)

    @property
    def component(self) -> str:
        """The GOV.UK component the question is drawn with."""
        return {QuestionKind.CHOICE: "radios", QuestionKind.MULTIPLE: "checkboxes"}.get(
            QuestionKind(self.question.kind), "textarea"
        )

    @property
    def exclusive(self) -> str:
        return EXCLUSIVE if self.question.kind == QuestionKind.MULTIPLE else ""

    @property
    def anchor(self) -> str:
        """Where the error summary's link goes: the first box of a group, else the field."""
        if self.error:
            return f"{self.name}-0" if self.question.kind != QuestionKind.TEXT else self.name
        return self.detail_name


def _saved(question: Question, answer: Answer | None, invitation: SurveyInvitation) -> Asked:
    if answer is None:
        # The objectives agreed at scoping, to change if theirs were different.
        prefill = ""
        if question.key == OBJECTIVES_QUESTION:
            prefill = "\n".join(invitation.challenge.local_objectives or [])
        return Asked(question, value=prefill)
    if question.kind == QuestionKind.TEXT:
        return Asked(question, value=answer.text)
    return Asked(question, value=answer.choice, values=list(answer.choices), detail=answer.text)


def _posted(question: Question, post) -> tuple[Any, Asked]:
    """The value the service gets, and the question redrawn as posted."""
    if question.kind == QuestionKind.MULTIPLE:
        value: Any = post.getlist(question.key)
        asked = Asked(question, values=value)
    else:
        value = post.get(question.key, "")
        asked = Asked(question, value=value)
    asked.detail = post.get(detail_field(question), "")
    return value, asked


@dataclass
class Survey:
    """An open invitation and the parts of it every page shows."""

    invitation: SurveyInvitation
    pages: list[int]

    @property
    def context(self) -> dict:
        case = self.invitation.challenge
        return {
            "invitation": self.invitation,
            "questionnaire": self.invitation.questionnaire,
            "council": case.host.name,
            "onsite_start": case.onsite_start,
            "onsite_end": case.onsite_end,
            "page_count": len(self.pages),
        }


def _open(token: str) -> Survey | None:
    invitation = open_survey(token)
    if invitation is None:
        return None
    return Survey(invitation, page_numbers(invitation.questionnaire))


def _next_url(token: str, survey: Survey, done: set[int], after: int | None = None) -> str:
    """The first page not done (after `after`, when given), else Check your answers."""
    for page in survey.pages:
        if page not in done and (after is None or page > after):
            return reverse("survey-page", kwargs={"token": token, "page": page})
    return reverse("survey-check", kwargs={"token": token})


@never_cache
@require_safe  # GET and HEAD: link scanners may ask either
@sensitive_variables("token")
def start(request: HttpRequest, token: str) -> HttpResponse:
    survey = _open(token)
    if survey is None:
        return _not_open(request)
    done = answered_pages(survey.invitation)
    firsts = first_questions(survey.invitation.questionnaire)
    return render(
        request,
        "surveys/start.html",
        {
            **survey.context,
            "done_count": len(done & set(survey.pages)),
            "continue_url": _next_url(token, survey, done),
            # Each page by its first question, done or not: where they left off
            "pages": [
                {
                    "number": number,
                    "first": firsts[page],
                    "done": page in done,
                    "url": reverse("survey-page", kwargs={"token": token, "page": page}),
                }
                for number, page in enumerate(survey.pages, start=1)
            ],
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_variables("token")
def question_page(request: HttpRequest, token: str, page: int) -> HttpResponse:
    survey = _open(token)
    if survey is None or page not in survey.pages:
        return _not_open(request)
    invitation = survey.invitation
    questions = questions_on(invitation.questionnaire, page)
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        data: dict[str, Any] = {}
        asked = []
        for question in questions:
            data[question.key], shown = _posted(question, request.POST)
            if detail_field(question) in request.POST:
                data[detail_field(question)] = shown.detail
            asked.append(shown)
        try:
            answers_save(invitation=invitation, page=page, data=data)
        except Refused:  # submitted or closed meanwhile (another tab)
            return _not_open(request)
        except InvalidInput as invalid:
            for shown in asked:
                shown.error = " ".join(invalid.errors.get(shown.name, []))
                shown.detail_error = " ".join(invalid.errors.get(shown.detail_name, []))
        else:
            if changing:
                return redirect("survey-check", token=token)
            done = answered_pages(invitation)
            return redirect(_next_url(token, survey, done, after=page))
    else:
        answers = {a.question_id: a for a in invitation.answers.filter(question__in=questions)}
        asked = [_saved(q, answers.get(q.pk), invitation) for q in questions]
    position = survey.pages.index(page)
    back = (
        reverse("survey-check", kwargs={"token": token})
        if changing
        else reverse("survey-page", kwargs={"token": token, "page": survey.pages[position - 1]})
        if position
        else reverse("survey", kwargs={"token": token})
    )
    return render(
        request,
        "surveys/question_page.html",
        {
            **survey.context,
            "asked": asked,
            "errors": [a for a in asked if a.error or a.detail_error],
            "page_number": position + 1,
            "back_url": back,
            "changing": changing,
            "max_text": MAX_TEXT,
        },
    )


@dataclass
class Row:
    """One line of Check your answers."""

    question: Question
    answer: list[str]  # the answer's lines, in words; empty when not answered
    change_url: str


def _in_words(question: Question, answer: Answer | None) -> list[str]:
    if answer is None:
        return []
    labels = {o["value"]: o["label"] for o in question.options}
    if question.kind == QuestionKind.TEXT:
        return [answer.text] if answer.text else []
    chosen = [answer.choice] if answer.choice else answer.choices
    lines = [labels.get(value, value) for value in chosen]
    if answer.text:
        lines.append(answer.text)
    return lines


def _rows(token: str, invitation: SurveyInvitation) -> list[Row]:
    answers = {a.question_id: a for a in invitation.answers.all()}
    return [
        Row(
            question=q,
            answer=_in_words(q, answers.get(q.pk)),
            change_url=reverse("survey-page", kwargs={"token": token, "page": q.page})
            + "?change=1",
        )
        for q in invitation.questionnaire.questions.order_by("position")
    ]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_variables("token")
def check_answers(request: HttpRequest, token: str) -> HttpResponse:
    survey = _open(token)
    if survey is None:
        return _not_open(request)
    invitation = survey.invitation
    refused: list[str] = []
    if request.method == "POST":
        try:
            survey_submit(invitation=invitation)
        except Refused as refusal:
            if open_survey(token) is None:  # submitted or closed meanwhile, not incomplete
                return _not_open(request)
            refused = refusal.unmet
        else:
            return render(request, "surveys/submitted.html", survey.context)
    missing = {q.pk for q in unanswered(invitation)}
    return render(
        request,
        "surveys/check_answers.html",
        {
            **survey.context,
            "rows": _rows(token, invitation),
            "missing": missing,
            "refused": refused,
            "back_url": reverse("survey-page", kwargs={"token": token, "page": survey.pages[-1]}),
        },
    )
