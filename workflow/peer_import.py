"""Import of the peer pool from a CSV file (columns: workflow/peer_csv.py, README "Peer CSV").

Every row is read and checked before anything is written: a file with any problem writes
nothing and says what is wrong with each row, in words, with the row number a spreadsheet shows
(the header is row 1). A good file is written in one transaction. Peers are matched by email
address, in any case; a peer whose row says what they already have is left alone, so importing
the same file twice changes nothing the second time.

The rules are the models' own (Peer.clean, PeerFormerCouncil.clean, the constraints): the
import runs them on each row as the admin does on its forms.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from core.errors import InvalidInput
from workflow.dates import ISO_DATE, is_impossible_date
from workflow.models import Council, DeclaredInterest, Peer, PeerFormerCouncil, Specialism
from workflow.models.peers import DEFAULT_DAYS_PER_YEAR
from workflow.peer_csv import (
    COLUMNS,
    NO,
    REQUIRED,
    YES,
    code_and_text,
    from_spreadsheet,
    split_items,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_PROBLEMS = 200  # a file wrong throughout says so without a list as long as the file
TRUE_WORDS = {YES, "y", "true", "1", ""}  # blank: active, as a new peer is
FALSE_WORDS = {NO, "n", "false", "0"}
# The column each of the peer's own fields is read from (the other columns are its lists).
COLUMN_OF_FIELD = {
    "email": "email",
    "name": "name",
    "kind": "kind",
    "political_group": "political_group",
    "officer_role": "officer_role",
    "job_title": "job_title",
    "council": "council",
    "accredited_on": "accredited_on",
    "max_days_per_year": "max_days_per_year",
    "is_active": "active",
    "user": "username",
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    def __str__(self) -> str:
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return f"{counts} (a dry run: nothing written)" if self.dry_run else counts


def import_peers(data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Read, check and (unless `dry_run`) write the peers in `data`, a CSV file's bytes.
    Raises InvalidInput({"file": [problems]}) and writes nothing if anything is wrong."""
    header, records = _records(data)
    rows, problems = _Reader(header).rows(records)
    if problems:
        if len(problems) > MAX_PROBLEMS:
            problems = [*problems[:MAX_PROBLEMS], f"and {len(problems) - MAX_PROBLEMS} more"]
        raise InvalidInput({"file": problems})
    report = ImportReport(
        created=sum(row.is_new for row in rows),
        updated=sum(row.changed for row in rows),
        unchanged=sum(not (row.is_new or row.changed) for row in rows),
        dry_run=dry_run,
    )
    if not dry_run:
        with transaction.atomic():
            for row in rows:
                if row.is_new or row.changed:
                    row.write()
    return report


def read_upload(upload: IO[bytes]) -> bytes:
    """An uploaded file's bytes, refusing one too large to be a pool of peers."""
    data = upload.read(MAX_BYTES + 1)
    _refuse_large(data)
    return data


def _refuse_large(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise InvalidInput({"file": [f"the file is larger than {MAX_BYTES // 2**20} MB"]})


# --- the file -----------------------------------------------------------------------------------

Record = tuple[int, list[str]]  # row number, cells


def _records(data: bytes) -> tuple[list[str], list[Record]]:
    """The header's columns, and each row that is not blank with its number."""
    _refuse_large(data)
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        raise InvalidInput(
            {"file": ["the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8"]}
        ) from None
    if "\x00" in text:
        raise InvalidInput({"file": ["the file is not a CSV file (it holds binary data)"]})
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InvalidInput({"file": [f"the file is not readable as CSV: {error}"]}) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise InvalidInput({"file": ["the file is empty: its first row names the columns"]})
    header = [cell.strip().lower().replace(" ", "_") for cell in records[0]]
    _check_header(header)
    numbered = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    if not numbered:
        raise InvalidInput({"file": ["the file has no peers, only the row of column names"]})
    if len(numbered) > MAX_ROWS:
        raise InvalidInput({"file": [f"the file has more than {MAX_ROWS} peers: split it"]})
    return header, numbered


def _check_header(header: list[str]) -> None:
    problems = []
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        names = ", ".join(f"“{c}”" if c else "a blank one" for c in unknown)
        problems.append(f"unknown columns: {names}; the columns are {', '.join(COLUMNS)}")
    twice = sorted({c for c in header if c in COLUMNS and header.count(c) > 1})
    if twice:
        problems.append(f"columns named twice: {', '.join(twice)}")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)} (every file needs them)")
    if problems:
        raise InvalidInput({"file": problems})


# --- one row ------------------------------------------------------------------------------------


class _CellError(Exception):
    """What is wrong with one cell, in words, starting with its column."""


@dataclass
class _Row:
    peer: Peer  # an existing peer, or a new one; unsaved changes until `write`
    is_new: bool
    fields: dict[str, Any] = field(default_factory=dict)  # the peer's own fields
    # Lists, None where the file has no such column (the peer keeps theirs).
    specialisms: set[int] | None = None
    former: dict[int, datetime.date] | None = None  # council id -> served until
    interests: dict[int, str] | None = None  # council id -> note
    changed: bool = False

    def write(self) -> None:
        peer = self.peer
        peer.save()
        if self.specialisms is not None:
            peer.specialisms.set(self.specialisms)
        if self.former is not None:
            peer.former_councils.exclude(council_id__in=self.former).delete()
            for council_id, until in self.former.items():
                PeerFormerCouncil.objects.update_or_create(
                    peer=peer, council_id=council_id, defaults={"until": until}
                )
        if self.interests is not None:
            peer.interests.exclude(council_id__in=self.interests).delete()
            for council_id, note in self.interests.items():
                DeclaredInterest.objects.update_or_create(
                    peer=peer, council_id=council_id, defaults={"note": note}
                )


class _Reader:
    """Turns a file's records into checked rows. Every council, specialism, account and peer
    the file names is looked up once, before the rows are read."""

    def __init__(self, header: list[str]):
        self.header = header
        self.councils: dict[str, Council] = {}
        self.by_pk: dict[int, Council] = {}
        self.specialisms: dict[str, Specialism] = {}
        self.users: dict[str, Any] = {}
        self.peers: dict[str, Peer] = {}
        # column -> reads its text onto the row
        self.readers: dict[str, Callable[[_Row, str], None]] = {
            "email": self._field("email", _text),
            "name": self._field("name", _text),
            "kind": self._field("kind", _choice_of(Peer.Kind, required=True)),
            "political_group": self._field("political_group", _choice_of(Peer.PoliticalGroup)),
            "officer_role": self._field("officer_role", _choice_of(Peer.OfficerRole)),
            "job_title": self._field("job_title", _text),
            "council": self._field("council", self._council_or_none),
            "accredited_on": self._field("accredited_on", _date_or_none),
            "max_days_per_year": self._field("max_days_per_year", _days),
            "active": self._field("is_active", _yes_no),
            "username": self._field("user", self._user_or_none),
            "specialisms": self._read_specialisms,
            "former_councils": self._read_former_councils,
            "declared_interests": self._read_declared_interests,
        }

    def rows(self, records: list[Record]) -> tuple[list[_Row], list[str]]:
        cells = [
            {c: from_spreadsheet(v.strip()) for c, v in zip(self.header, values, strict=False)}
            for _, values in records
        ]
        self._look_up(cells)
        rows: list[_Row] = []
        problems: list[str] = []
        row_of_email: dict[str, int] = {}
        row_of_user: dict[int, int] = {}
        for (number, values), row_cells in zip(records, cells, strict=True):
            found = []
            if len(values) > len(self.header):
                found.append(f"{len(values)} cells in a file of {len(self.header)} columns")
            email = row_cells["email"].lower()
            if row_of_email.setdefault(email, number) != number:
                found.append(f"the same email address as row {row_of_email[email]}")
            row = None if found else self._row(row_cells, found)
            user = row.peer.user_id if row is not None else None
            if user is not None and row_of_user.setdefault(user, number) != number:
                found.append(f"username: the same account as row {row_of_user[user]}")
            problems += [f"row {number}: {problem}" for problem in found]
            if row is not None and not found:
                rows.append(row)
        return rows, problems

    def _look_up(self, cells: list[dict[str, str]]) -> None:
        codes = {c.get("council", "").upper() for c in cells}
        for row in cells:
            for column in ("former_councils", "declared_interests"):
                codes |= {code_and_text(i)[0].upper() for i in split_items(row.get(column, ""))}
        self.councils = {c.code.upper(): c for c in Council.objects.filter(code__in=codes)}
        self.by_pk = {c.pk: c for c in self.councils.values()}
        for specialism in Specialism.objects.all():
            self.specialisms[_words(specialism.name)] = specialism
            self.specialisms[specialism.slug] = specialism
        User = get_user_model()
        names = {c.get("username", "") for c in cells} - {""}
        by_name = {f"{User.USERNAME_FIELD}__in": names}
        self.users = {u.get_username(): u for u in User.objects.filter(**by_name)}
        emails = {c["email"].lower() for c in cells}
        peers = Peer.objects.with_everything().alias(lower=Lower("email"))
        self.peers = {p.email.lower(): p for p in peers.filter(lower__in=emails)}

    def _row(self, cells: dict[str, str], problems: list[str]) -> _Row | None:
        existing = self.peers.get(cells["email"].lower())
        row = _Row(peer=existing or Peer(), is_new=existing is None)
        for column, text in cells.items():
            try:
                self.readers[column](row, text)
            except _CellError as error:
                problems.append(str(error))
        if problems:
            return None
        before = {name: _stored(row.peer, name) for name in row.fields}
        for name, value in row.fields.items():
            setattr(row.peer, name, value)
        problems += self._rules(row)
        row.changed = not row.is_new and _differs(row, before)
        return None if problems else row

    # --- the columns ---------------------------------------------------------------------------

    def _field(self, name: str, read: Callable[[str, str], Any]) -> Callable[[_Row, str], None]:
        column = COLUMN_OF_FIELD[name]

        def read_onto(row: _Row, text: str) -> None:
            row.fields[name] = read(column, text)

        return read_onto

    def _council(self, column: str, code: str) -> Council:
        council = self.councils.get(code.upper())
        if council is None:
            # The home council's column goes without saying: "row 7: no council with code X".
            where = "" if column == "council" else f"{column}: "
            raise _CellError(f"{where}no council with code {code}")
        return council

    def _council_or_none(self, column: str, code: str) -> Council | None:
        return self._council(column, code) if code else None

    def _user_or_none(self, column: str, username: str):
        if not username:
            return None
        if username not in self.users:
            raise _CellError(f"{column}: no account with the username {username}")
        return self.users[username]

    def _read_specialisms(self, row: _Row, text: str) -> None:
        items = split_items(text)
        unknown = [i for i in items if _words(i) not in self.specialisms]
        if unknown:
            names = ", ".join(f"“{u}”" for u in unknown)
            raise _CellError(f"specialisms: not on the list (kept in the admin): {names}")
        row.specialisms = {self.specialisms[_words(i)].pk for i in items}

    def _read_former_councils(self, row: _Row, text: str) -> None:
        row.former = {}
        for item in split_items(text):
            code, until = code_and_text(item)
            if not until:
                raise _CellError(
                    f"former_councils: “{item}” has no date: write CODE: YYYY-MM-DD, the day "
                    "the peer left"
                )
            council = self._council("former_councils", code)
            if council.pk in row.former:
                raise _CellError(f"former_councils: {council} is listed twice")
            row.former[council.pk] = _date("former_councils", until)

    def _read_declared_interests(self, row: _Row, text: str) -> None:
        row.interests = {}
        for item in split_items(text):
            code, note = code_and_text(item)
            council = self._council("declared_interests", code)
            if council.pk in row.interests:
                raise _CellError(f"declared_interests: {council} is listed twice")
            row.interests[council.pk] = note

    # --- the models' rules ------------------------------------------------------------------

    def _rules(self, row: _Row) -> list[str]:
        peer = row.peer
        problems = _messages(peer.full_clean)
        for council_id, until in (row.former or {}).items():
            former = PeerFormerCouncil(peer=peer, council=self.by_pk[council_id], until=until)
            # Not `peer`: it may be unsaved, and the reader checks a council listed twice.
            problems += _messages(partial(former.full_clean, exclude=["peer"]), "former_councils")
        kept = row.former is None and not row.is_new
        if kept and any(f.council_id == peer.council_id for f in peer.former_councils.all()):
            problems.append(
                f"council: {peer.council} is one of the peer's former councils (give the "
                "former_councils column too)"
            )
        for council_id, note in (row.interests or {}).items():
            interest = DeclaredInterest(peer=peer, council=self.by_pk[council_id], note=note)
            check = partial(interest.full_clean, exclude=["peer"])
            problems += _messages(check, "declared_interests")
        return problems


def _differs(row: _Row, before: dict[str, Any]) -> bool:
    peer = row.peer
    return (
        any(before[name] != _stored(peer, name) for name in row.fields)
        or (
            row.specialisms is not None
            and row.specialisms != {s.pk for s in peer.specialisms.all()}
        )
        or (
            row.former is not None
            and row.former != {f.council_id: f.until for f in peer.former_councils.all()}
        )
        or (
            row.interests is not None
            and row.interests != {i.council_id: i.note for i in peer.interests.all()}
        )
    )


def _stored(peer: Peer, name: str) -> Any:
    """A field's value as the database holds it: a link by its id."""
    return getattr(peer, f"{name}_id" if name in ("council", "user") else name)


def _messages(check: Callable[[], None], column: str = "") -> list[str]:
    """The messages of a model's ValidationError, each after its column (`column`, or the
    field's own)."""
    try:
        check()
    except ValidationError as invalid:
        out = []
        for name, messages in invalid.message_dict.items():
            where = column or ("" if name == NON_FIELD_ERRORS else COLUMN_OF_FIELD.get(name, name))
            out += [f"{where}: {message}" if where else message for message in messages]
        return out
    return []


# --- reading a cell -----------------------------------------------------------------------------


def _words(text: str) -> str:
    """As people write a name: any case, any spacing, a typographic apostrophe."""
    return " ".join(text.replace("\u2019", "'").lower().split())


def _text(column: str, text: str) -> str:
    if column in REQUIRED and not text:
        raise _CellError(f"{column}: give the peer's {column}")
    return text


def _choice_of(choices, *, required: bool = False) -> Callable[[str, str], str]:
    """A reader of a choice written as its value or its label, in any case."""

    def read(column: str, text: str) -> str:
        wanted = _words(text)
        for value, label in choices.choices:
            if wanted and wanted in (value, _words(label)):
                return value
        if not wanted and not required:
            return ""
        allowed = "; ".join(f"{label} ({value})" for value, label in choices.choices)
        given = f"“{text}” is not one of" if text else "give one of"
        raise _CellError(f"{column}: {given}: {allowed}")

    return read


def _date(column: str, text: str) -> datetime.date:
    if not ISO_DATE.fullmatch(text):
        raise _CellError(f"{column}: “{text}” is not a date written YYYY-MM-DD")
    if is_impossible_date(text):
        raise _CellError(f"{column}: {text} is not a real date")
    return datetime.date.fromisoformat(text)


def _date_or_none(column: str, text: str) -> datetime.date | None:
    return _date(column, text) if text else None


def _days(column: str, text: str) -> int:
    if not text:
        return DEFAULT_DAYS_PER_YEAR
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise _CellError(f"{column}: “{text}” is not a whole number of days")
    return int(text)


def _yes_no(column: str, text: str) -> bool:
    word = text.lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise _CellError(f"{column}: “{text}” is not {YES} or {NO}")
    return word in TRUE_WORDS
