"""Every return of a period (feedback) or cohort (impact) as a CSV file, one row an invitation:
the case, the council, who answered, when, and every answer in words, free text included.

For managers only (DESIGN.md §5: per-council answers are theirs to read); the page and the API
both serve this file. Free text is the respondent's, so every cell is spreadsheet-safe: a cell
that a spreadsheet would take for a formula gets the leading quote workflow/peer_csv.py gives
the peer export.
"""

import json
from collections.abc import Iterator
from itertools import islice

from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone

from core.csv_stream import streaming_csv
from surveys.answer_words import labels_of
from surveys.models import Answer, Question, Respondent
from surveys.periods import Period
from surveys.results import returns, wordings
from workflow.models import PeerChallenge
from workflow.peer_csv import spreadsheet_safe

# Invitations read per answers query. A year's feedback at 100,000 cases is ~4,400 returns and
# ~70,000 answers: a model instance of each (and of its question, JSON options decoded) took
# 13-19 s; tuples take about 1 s (bench/RESULTS.md).
CHUNK = 500

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


def _rows(kind: str, period: Period, columns: list[tuple[str, str, bool]]) -> Iterator[list[str]]:
    """A row per return, oldest first: the case's cells, then each column's answer in words."""
    questions = {q.pk: q for q in Question.objects.filter(questionnaire__kind=kind)}
    respondents = dict(Respondent.choices)
    invitations = (
        returns(kind, period)
        .order_by("completed_at", "pk")
        .values_list(
            "pk",
            "challenge_id",
            "challenge__host__name",
            "challenge__host__code",
            "respondent",
            "questionnaire__version",
            "completed_at",
        )
    )
    rows = invitations.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        answers: dict[int, dict[str, tuple[Question, str, list[str], str]]] = {}
        # `choices` as text, decoded only where there is no single choice: most answers are
        # a CHOICE's, and decoding every row's "[]" was a quarter of the export's time.
        for invitation_id, question_id, choice, raw, text in (
            Answer.objects.filter(invitation_id__in=[row[0] for row in chunk])
            .annotate(raw=Cast("choices", TextField()))
            .values_list("invitation_id", "question_id", "choice", "raw", "text")
        ):
            question = questions[question_id]
            choices = [] if choice or raw == "[]" else json.loads(raw)
            answers.setdefault(invitation_id, {})[question.key] = (question, choice, choices, text)
        for pk, case_id, council, code, respondent, version, completed_at in chunk:
            cells = [
                PeerChallenge.reference_of(case_id),
                council,
                code,
                respondents.get(respondent, respondent),
                str(version),
                timezone.localdate(completed_at).isoformat() if completed_at else "",
            ]
            given = answers.get(pk, {})
            for key, _, is_detail in columns:
                answer = given.get(key)
                if answer is None:
                    cells.append("")
                    continue
                question, choice, choices, text = answer
                if is_detail or question.kind == Question.Kind.TEXT:
                    cells.append(text)
                else:
                    cells.append("; ".join(labels_of(question, choice, choices)))
            yield [spreadsheet_safe(cell) for cell in cells]


def responses_csv(*, kind: str, period: Period) -> StreamingHttpResponse:
    columns = _columns(kind)
    return streaming_csv(
        filename=f"{kind}-survey-responses-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv",
        header=[*CASE_COLUMNS, *(header for _, header, _ in columns)],
        rows=_rows(kind, period, columns),
    )
