"""The files of historic programme data (docs/import.md): their names, their columns, how a
file's bytes become numbered rows and how a cell is read. The import (reports/history_import.py)
and the export (reports/history_export.py) share them, so an exported set imports unchanged."""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from workflow.dates import ISO_DATE, is_impossible_date
from workflow.peer_csv import from_spreadsheet

PEERS = "peers.csv"
CHALLENGES = "challenges.csv"
ASSIGNMENTS = "assignments.csv"
SURVEYS = "survey_responses.csv"
# In the order they are read: each file's rows may name rows of the files before it.
FILES = (PEERS, CHALLENGES, ASSIGNMENTS, SURVEYS)

# A case's columns the files carry as they are: its dates (ISO days) and its plain texts.
CASE_DATES = (
    "onsite_start",
    "onsite_end",
    "feedback_date",
    "report_issued_on",
    "published_on",
    "action_plan_published_on",
)
CASE_TEXTS = (
    "report_url",
    "publication_url",
    "action_plan_url",
    "chief_executive_name",
    "chief_executive_email",
    "leader_name",
    "leader_email",
    "postponed_reason",
    "withdrawn_reason",
    "closed_reason",
)
COLUMNS: dict[str, list[str]] = {
    PEERS: [
        "peer_ref",
        "name",
        "email",
        "kind",
        "council",
        "political_group",
        "officer_role",
        "job_title",
    ],
    CHALLENGES: [
        "external_ref",
        "council",
        "type",
        "state",
        "onsite_start",
        "onsite_end",
        "feedback_date",
        "report_issued_on",
        "report_url",
        "report_file",
        "published_on",
        "publication_url",
        "action_plan_published_on",
        "action_plan_url",
        "parent_ref",
        "scope_components",
        "chief_executive_name",
        "chief_executive_email",
        "leader_name",
        "leader_email",
        "local_objectives",
        "manager",
        "postponed_from",
        "postponed_reason",
        "withdrawn_reason",
        "closed_reason",
    ],
    ASSIGNMENTS: ["challenge_ref", "peer_ref", "role", "status", "days", "interests"],
    SURVEYS: [
        "challenge_ref",
        "survey",
        "respondent",
        "version",
        "sent_on",
        "completed_on",
        "question",
        "answer",
        "detail",
    ],
}
REQUIRED: dict[str, list[str]] = {
    PEERS: ["peer_ref", "name", "email", "kind"],
    CHALLENGES: ["external_ref", "council", "type", "onsite_start", "onsite_end"],
    ASSIGNMENTS: ["challenge_ref", "peer_ref", "role"],
    SURVEYS: ["challenge_ref", "survey", "respondent", "completed_on", "question", "answer"],
}
MAX_BYTES = 20 * 1024 * 1024  # a file; the programme's whole history is a few MB
MAX_REF = 100  # ImportedRecord.external_ref


@dataclass(frozen=True)
class Problem:
    """What is wrong, in words, and where: line 1 is the header (a spreadsheet's row number);
    line 0 and no column is the file as a whole."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.line:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class HistoryRefused(Exception):
    """The files have problems: nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


class CellError(Exception):
    """What is wrong with one cell (the reader knows where it is)."""


@dataclass
class Row:
    file: str
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def problem(self, column: str, message: str) -> Problem:
        return Problem(self.file, self.line, column, message)


def read_table(name: str, data: bytes) -> tuple[list[Row], list[Problem]]:
    """The file's rows that are not blank, each numbered as a spreadsheet shows it."""

    def refused(message: str) -> tuple[list[Row], list[Problem]]:
        return [], [Problem(name, 0, "", message)]

    if len(data) > MAX_BYTES:
        return refused(f"the file is larger than {MAX_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        return refused("the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8")
    if "\x00" in text:
        return refused("the file is not a CSV file (it holds binary data)")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return refused(f"the file is not readable as CSV: {error}")
    if not records or not any(cell.strip() for cell in records[0]):
        return refused("the file is empty: its first line names the columns")
    header = [cell.strip().lower().replace(" ", "_") for cell in records[0]]
    problems = _header_problems(name, header)
    if problems:
        return [], problems
    rows = []
    for line, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(name, line, "", f"{len(cells)} cells in a file of {len(header)} columns")
            )
            continue
        values = {c: from_spreadsheet(v.strip()) for c, v in zip(header, cells, strict=False)}
        rows.append(Row(name, line, values))
    return rows, problems


def _header_problems(name: str, header: list[str]) -> list[Problem]:
    known = COLUMNS[name]
    problems = []
    unknown = [c for c in header if c not in known]
    if unknown:
        names = ", ".join(f"“{c}”" if c else "a blank one" for c in unknown)
        problems.append(f"unknown columns: {names}; the columns are {', '.join(known)}")
    twice = sorted({c for c in header if c in known and header.count(c) > 1})
    if twice:
        problems.append(f"columns named twice: {', '.join(twice)}")
    missing = [c for c in REQUIRED[name] if c not in header]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    return [Problem(name, 1, "", p) for p in problems]


# --- cells ------------------------------------------------------------------------------------


def words(text: str) -> str:
    """As people write a name: any case, any spacing."""
    return " ".join(text.replace("\u2019", "'").lower().split())


def required(text: str, what: str) -> str:
    if not text:
        raise CellError(f"give {what}")
    return text


def ref(text: str, what: str) -> str:
    required(text, what)
    if len(text) > MAX_REF:
        raise CellError(f"a reference is at most {MAX_REF} characters")
    return text


def date_or_none(text: str) -> datetime.date | None:
    if not text:
        return None
    if not ISO_DATE.fullmatch(text):
        raise CellError(f"“{text}” is not a date written YYYY-MM-DD")
    if is_impossible_date(text):
        raise CellError(f"{text} is not a real date")
    return datetime.date.fromisoformat(text)


def choice(text: str, choices, *, blank_ok: bool = False) -> str:
    """A TextChoices value written as its value or its label, in any case."""
    wanted = words(text)
    for value, label in choices.choices:
        if wanted and wanted in (value, words(label)):
            return value
    if not wanted and blank_ok:
        return ""
    allowed = ", ".join(value for value, _ in choices.choices)
    given = f"“{text}” is not one of" if text else "give one of"
    raise CellError(f"{given}: {allowed}")


def days_or_none(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{text}” is not a number of days (e.g. 3.5)") from None
    if not value.is_finite():
        raise CellError(f"“{text}” is not a number of days (e.g. 3.5)")
    return value


def items(text: str) -> list[str]:
    """A cell holding several values: separated by semicolons."""
    return [item.strip() for item in text.split(";") if item.strip()]


def model_problems(row: Row, check: Callable[[], None], columns: dict[str, str]) -> list[Problem]:
    """A model's ValidationError as problems, each in the column its field is read from
    (`columns` maps a field, or NON_FIELD_ERRORS, to its column where the names differ)."""
    try:
        check()
    except ValidationError as invalid:
        return [
            row.problem(columns.get(name, "" if name == NON_FIELD_ERRORS else name), message)
            for name, messages in invalid.message_dict.items()
            for message in messages
        ]
    return []


def read_cells(row: Row, readers: dict[str, Callable[[str], Any]]) -> tuple[dict, list[Problem]]:
    """Each column's value by its reader; a problem for each cell that cannot be read."""
    values, problems = {}, []
    for column, read in readers.items():
        try:
            values[column] = read(row[column])
        except CellError as error:
            problems.append(row.problem(column, str(error)))
    return values, problems
