"""Every return of a period (feedback) or cohort (impact) as a CSV file, one row an invitation:
the case, the council, who answered, when, and every answer in words, free text included.

For managers only (DESIGN.md §5: per-council answers are theirs to read); the page and the API
both serve this file. Free text is the respondent's, so every cell is spreadsheet-safe: a cell
that a spreadsheet would take for a formula gets the leading quote workflow/peer_csv.py gives
the peer export.
"""

import csv

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone

from surveys.answer_words import chosen_labels
from surveys.models import Answer, Question
from surveys.periods import Period
from surveys.results import returns, wordings
from workflow.peer_csv import spreadsheet_safe

CASE_COLUMNS = [
    "Case reference",
    "Council",
    "Council code",
    "Respondent",
    "Questionnaire version",
    "Completed on",
]


def _columns(kind: str) -> list[tuple[str, str, bool]]:
    """(question key, header, whether it is the key's free-text column), in the newest
    version's order; a key asked in several wordings is one column (its version is a column)."""
    keys: dict[str, tuple[str, bool]] = {}
    for wording in wordings(kind):
        has_detail = any(option.get("detail") for option in wording.options)
        keys.setdefault(wording.key, (wording.text, has_detail))
    columns = []
    for key, (text, has_detail) in keys.items():
        columns.append((key, f"{key}. {text}", False))
        if has_detail:
            columns.append((key, f"{key}. Details", True))
    return columns


def _cells(invitation, columns: list[tuple[str, str, bool]]) -> list[str]:
    answers = {answer.question.key: answer for answer in invitation.answers.all()}
    cells = [
        invitation.challenge.reference,
        invitation.challenge.host.name,
        invitation.challenge.host.code,
        invitation.get_respondent_display(),
        str(invitation.questionnaire.version),
        timezone.localdate(invitation.completed_at).isoformat() if invitation.completed_at else "",
    ]
    for key, _, is_detail in columns:
        answer = answers.get(key)
        if answer is None:
            cells.append("")
        elif is_detail or answer.question.kind == Question.Kind.TEXT:
            cells.append(answer.text)
        else:
            cells.append("; ".join(chosen_labels(answer.question, answer)))
    return [spreadsheet_safe(cell) for cell in cells]


def responses_csv(*, kind: str, period: Period) -> HttpResponse:
    columns = _columns(kind)
    invitations = (
        returns(kind, period)
        .select_related("challenge__host", "questionnaire")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .order_by("completed_at", "pk")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{kind}-survey-responses-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The byte order mark makes Excel read the file as UTF-8 (names and answers have accents).
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([*CASE_COLUMNS, *(header for _, header, _ in columns)])
    for invitation in invitations.iterator(chunk_size=200):
        writer.writerow(_cells(invitation, columns))
    return response
