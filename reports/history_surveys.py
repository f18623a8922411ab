"""survey_responses.csv (docs/import.md): one line per answer; the lines of one case's survey
of one respondent are one completed SurveyInvitation with its Answer rows, each answer checked
against its question's options as the survey's own form checks it (surveys/responding.py).
A line with no question and no completed date is a survey sent and never answered: an expired
invitation, so the response rates come back too."""

import datetime
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from reports import history_format as fmt
from reports.history_format import SURVEYS, CellError, Problem, Row, model_problems, read_cells
from reports.models import ImportedRecord
from surveys.models import (
    Answer,
    InvitationStatus,
    Question,
    QuestionKind,
    Questionnaire,
    Respondent,
    SurveyInvitation,
    SurveyKind,
)
from surveys.questions import EXCLUSIVE, MAX_TEXT, detail_option
from workflow.choices import REPORT_ISSUED_OR_LATER

if TYPE_CHECKING:
    from reports.history_import import _Run

NOON = datetime.time(12)  # a day's time: far from midnight, so the day is the same in London


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, NOON, tzinfo=timezone.get_current_timezone())


def survey_key(case_ref: str, kind: str, respondent: str) -> str:
    return f"{case_ref} :: {kind} :: {respondent}"


@dataclass
class _Survey:
    """The lines of one invitation, read."""

    first: Row
    case_ref: str
    kind: str
    respondent: str
    version: int | None
    sent_on: datetime.date | None
    completed_on: datetime.date | None
    answers: list[tuple[Row, dict[str, Any]]] = field(default_factory=list)


class SurveyImporter:
    def __init__(self, run: "_Run"):
        self.run = run
        self.questionnaires: dict[tuple[str, int | None], Questionnaire] = {}
        published = Questionnaire.objects.filter(published_at__isnull=False).order_by("version")
        for questionnaire in published.prefetch_related("questions"):
            self.questionnaires[(questionnaire.kind, questionnaire.version)] = questionnaire
            self.questionnaires[(questionnaire.kind, None)] = questionnaire  # the latest

    @property
    def problems(self) -> list[Problem]:
        return self.run.problems

    def rows(self, rows: list[Row]) -> None:
        surveys: dict[str, _Survey] = {}
        for done, row in enumerate(rows, start=1):
            self.run.tick(SURVEYS, done, len(rows))
            self._read(row, surveys)
        for key, survey in surveys.items():
            if key in self.run.imported[ImportedRecord.Kind.SURVEY_RESPONSE]:
                self.run.count(SURVEYS, new=False)
            else:
                self._write(key, survey)

    def _read(self, row: Row, surveys: dict[str, "_Survey"]) -> None:
        values, problems = read_cells(
            row,
            {
                "challenge_ref": lambda t: fmt.required(t, "the challenge's ref"),
                "survey": lambda t: fmt.choice(t, SurveyKind),
                "respondent": lambda t: fmt.choice(t, Respondent),
                "version": _version,
                "sent_on": fmt.date_or_none,
                "completed_on": fmt.date_or_none,
            },
        )
        if problems:
            self.problems.extend(problems)
            return
        key = survey_key(values["challenge_ref"], values["survey"], values["respondent"])
        survey = surveys.get(key)
        if survey is None:
            survey = surveys[key] = _Survey(
                first=row,
                case_ref=values["challenge_ref"],
                kind=values["survey"],
                respondent=values["respondent"],
                version=values["version"],
                sent_on=values["sent_on"],
                completed_on=values["completed_on"],
            )
        for column in ("version", "sent_on", "completed_on"):
            if values[column] != getattr(survey, column):
                self.problems.append(
                    row.problem(
                        column,
                        f"differs from line {survey.first.line}: one survey has one {column}",
                    )
                )
                return
        survey.answers.append((row, values))

    def _write(self, key: str, survey: _Survey) -> None:
        row = survey.first
        try:
            case = self.run.case(survey.case_ref)
        except CellError as error:
            self.problems.append(row.problem("challenge_ref", str(error)))
            return
        if case is None:
            return  # its own row is wrong, and says so
        questionnaire = self.questionnaires.get((survey.kind, survey.version))
        if questionnaire is None:
            self.problems.append(
                row.problem("version", f"no published {survey.kind} survey of that version")
            )
            return
        problems = self._case_problems(survey, case)
        unanswered = [r for r, _ in survey.answers if not r["question"]]
        if unanswered and (len(survey.answers) > 1 or survey.completed_on):
            problems.append(
                unanswered[0].problem(
                    "question", "a line with no question is a survey never answered: on its own"
                )
            )
        if not unanswered and survey.completed_on is None:
            problems.append(row.problem("completed_on", "give the day the survey was completed"))
        if unanswered and survey.sent_on is None:
            problems.append(row.problem("sent_on", "give the day the unanswered survey was sent"))
        questions = {q.key: q for q in questionnaire.questions.all()}
        answers: list[Answer] = []
        seen: dict[str, int] = {}
        for line, _ in survey.answers:
            if line["question"]:
                answer = self._answer(line, questions, seen)
                if answer is not None:
                    answers.append(answer)
        if problems or len(answers) < len(survey.answers) - len(unanswered):
            self.problems.extend(problems)
            return
        sent_on = survey.sent_on or survey.completed_on
        assert sent_on is not None
        invitation = SurveyInvitation(
            challenge=case,
            questionnaire=questionnaire,
            respondent=survey.respondent,
            status=InvitationStatus.EXPIRED if unanswered else InvitationStatus.COMPLETED,
            send_on=sent_on,
            sent_at=moment(sent_on),
            completed_at=moment(survey.completed_on) if survey.completed_on else None,
        )
        found = model_problems(
            row,
            partial(invitation.full_clean, exclude=["status"]),
            {"challenge": "challenge_ref", NON_FIELD_ERRORS: "respondent"},
        )
        if found:
            self.problems.extend(found)
            return
        invitation.save()
        for answer in answers:
            answer.invitation = invitation
        Answer.objects.bulk_create(answers)
        self.run.remember(ImportedRecord.Kind.SURVEY_RESPONSE, key, invitation.pk)
        self.run.count(SURVEYS, new=True)

    def _case_problems(self, survey: _Survey, case) -> list[Problem]:
        row, out = survey.first, []
        if not case.challenge_type.sends_surveys:
            out.append(row.problem("challenge_ref", f"a {case.challenge_type} sends no surveys"))
        if case.state not in REPORT_ISSUED_OR_LATER:
            out.append(
                row.problem(
                    "challenge_ref",
                    f"the case is {case.get_state_display().lower()}: surveys follow the report",
                )
            )
        today = timezone.localdate()
        for column in ("sent_on", "completed_on"):
            day = getattr(survey, column)
            if day and day > today:
                out.append(row.problem(column, "cannot be in the future"))
        sent, completed = survey.sent_on, survey.completed_on
        if sent and completed and completed < sent:
            out.append(row.problem("completed_on", f"is before it was sent ({sent})"))
        return out

    def _answer(self, row: Row, questions: dict[str, Question], seen: dict) -> Answer | None:
        key = row["question"]
        question = questions.get(key) or questions.get(key.upper())
        if question is None:
            known = ", ".join(questions)
            self.problems.append(row.problem("question", f"no question “{key}”: they are {known}"))
            return None
        if question.key in seen:
            self.problems.append(
                row.problem(
                    "question", f"{question.key} is already answered on line {seen[question.key]}"
                )
            )
            return None
        seen[question.key] = row.line
        try:
            fields = answer_fields(question, row["answer"], row["detail"])
        except CellError as error:
            self.problems.append(
                row.problem(error.args[1] if len(error.args) > 1 else "answer", str(error.args[0]))
            )
            return None
        return Answer(question=question, **fields)


def answer_fields(question: Question, answer: str, detail: str) -> dict[str, Any]:
    """An answer's fields from its cells, checked as the survey's form checks them."""
    fields: dict[str, Any] = {"choice": "", "choices": [], "text": ""}
    values = question.values
    if len(answer) > MAX_TEXT or len(detail) > MAX_TEXT:
        raise CellError(f"at most {MAX_TEXT} characters")
    if question.kind == QuestionKind.TEXT:
        if detail:
            raise CellError(f"{question.key} is answered in words: leave detail blank", "detail")
        fields["text"] = answer
        return fields
    if question.kind == QuestionKind.CHOICE:
        if answer not in values:
            raise CellError(
                f"“{answer}” is not an answer to {question.key}: one of {', '.join(values)}"
            )
        fields["choice"] = answer
        chosen = [answer]
    else:
        given = fmt.items(answer)
        wrong = [v for v in given if v not in values]
        if wrong or not given or len(set(given)) != len(given):
            raise CellError(
                f"{question.key} takes one or more of {', '.join(values)} (each "
                "once, separated by ;)"
            )
        if EXCLUSIVE in given and len(given) > 1:
            raise CellError(f"{EXCLUSIVE} is an answer on its own")
        fields["choices"] = chosen = [v for v in values if v in given]
    detail_value = detail_option(question)
    if detail and (detail_value is None or detail_value not in chosen):
        raise CellError("only an answer that asks for words has detail", "detail")
    fields["text"] = detail
    return fields


def _version(text: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise CellError(f"“{text}” is not a version number")
    return int(text)
