"""The import of historic programme data (docs/import.md): peers, challenges, their teams and
their survey responses from the CSV files of reports/history_format.py.

* Every row is checked by the models' own rules (full_clean: clean(), validators, constraints)
  and the history's rules below, and each problem is reported with its file, line and column,
  in words. The rows are written as they pass, inside one transaction, so the model rules see
  the real rows a later row names; any problem anywhere rolls the whole run back: a run with
  a problem writes nothing of any file.
* A case lands directly in its final state: the protected FSM field is set at creation (no
  transition fires, no service runs), so no reaction runs and no email is queued. Each case
  gets one CaseEvent, IMPORTED, saying where it came from.
* Each row's key (its ref; a team place's case and peer; a survey's case, kind and
  respondent) is kept as an ImportedRecord: a key imported before is skipped, so importing the
  same files again changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from reports import history_case_rules as case_rules
from reports import history_format as fmt
from reports.history_format import (
    ASSIGNMENTS,
    CHALLENGES,
    PEERS,
    SURVEYS,
    CellError,
    Problem,
    Row,
    model_problems,
    read_cells,
)
from reports.history_surveys import SurveyImporter
from reports.history_team import TeamImporter
from reports.models import ImportedRecord
from workflow import roles
from workflow.models import (
    CaseEvent,
    ChallengeType,
    Council,
    Peer,
    PeerChallenge,
    State,
)
from workflow.models.challenges import REPORT_EXTENSIONS, REPORT_FILE_VALIDATORS
from workflow.peer_csv import split_items

IMPORTED = "reports.history.imported"  # the one CaseEvent of an imported case
WORDS = {IMPORTED: "Imported from the programme's history"}
Kind = ImportedRecord.Kind
Progress = Callable[[str, int, int], None]  # file, rows done, rows in the file


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def lines(self) -> list[str]:
        out = [
            f"{name}: {self.created.get(name, 0)} new, {self.unchanged.get(name, 0)} unchanged"
            for name in fmt.FILES
            if name in self.created or name in self.unchanged
        ]
        return [*out, "A dry run: nothing written."] if self.dry_run else out


class _Undo(Exception):
    """Rolls the run's transaction back."""


def import_history(
    files: dict[str, bytes],
    *,
    actor=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Check and write the files (named as fmt.FILES; any may be left out). Raises
    HistoryRefused listing every problem, having written nothing, if any row is wrong."""
    problems = [
        Problem(name, 0, "", f"not a file of the history: the files are {', '.join(fmt.FILES)}")
        for name in files
        if name not in fmt.FILES
    ]
    tables: dict[str, list[Row]] = {}
    for name in fmt.FILES:
        if name in files:
            tables[name], found = fmt.read_table(name, files[name])
            problems += found
    if not files:
        problems.append(Problem("", 0, "", f"no files: give any of {', '.join(fmt.FILES)}"))
    if problems:
        raise fmt.HistoryRefused(problems)
    run = _Run(actor=actor, progress=progress or (lambda *_: None))
    try:
        with transaction.atomic():
            run.all(tables)
            if run.problems or dry_run:
                raise _Undo
    except _Undo:
        pass
    except IntegrityError:
        # Every row passed the models' rules: what the database refused is another writer's
        # row committed meanwhile (two imports of the same files at once, say).
        raise fmt.HistoryRefused(
            [
                Problem(
                    "",
                    0,
                    "",
                    "the database changed during the import: nothing was imported; "
                    "import the files again",
                )
            ]
        ) from None
    if run.problems:
        raise fmt.HistoryRefused(run.problems)
    run.summary.dry_run = dry_run
    return run.summary


class _Run:
    def __init__(self, *, actor, progress: Progress):
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.progress = progress
        self.problems: list[Problem] = []
        self.summary = ImportSummary()
        self.peers: dict[str, Peer | None] = {}  # ref -> peer (None: its row was wrong)
        self.cases: dict[str, PeerChallenge | None] = {}
        self.imported: dict[str, dict[str, int]] = {
            kind: {} for kind in Kind.values
        }  # kind -> {ref: object id}
        for kind, ref, pk in ImportedRecord.objects.values_list(
            "kind", "external_ref", "object_id"
        ):
            self.imported[kind][ref] = pk
        self.councils: dict[str, Council] = {}
        for council in Council.objects.all():
            self.councils[council.code.upper()] = council
            if council.gss_code:
                self.councils.setdefault(council.gss_code.upper(), council)
        self.managers: dict[str, Any] = {}
        self.types: dict[str, ChallengeType] = {}
        for challenge_type in ChallengeType.objects.all():
            self.types[challenge_type.slug] = challenge_type
            self.types[fmt.words(challenge_type.name)] = challenge_type

    def all(self, tables: dict[str, list[Row]]) -> None:
        for name in tables:  # a file of only its header is counted too: 0 new, 0 unchanged
            self.summary.created[name] = self.summary.unchanged[name] = 0
        steps = [
            (PEERS, self.peer_rows),
            (CHALLENGES, self.challenge_rows),
            (ASSIGNMENTS, TeamImporter(self).rows),
        ]
        for name, step in steps:
            if name in tables:
                step(tables[name])
        if SURVEYS in tables:
            surveys = SurveyImporter(self)
            surveys.rows(tables[SURVEYS])

    def tick(self, name: str, done: int, total: int) -> None:
        self.progress(name, done, total)

    def count(self, name: str, *, new: bool) -> None:
        counts = self.summary.created if new else self.summary.unchanged
        counts[name] += 1

    def remember(self, kind: str, ref: str, pk: int) -> None:
        ImportedRecord.objects.create(kind=kind, external_ref=ref, object_id=pk)
        self.imported[kind][ref] = pk

    def first_seen(
        self, row: Row, column: str, key: str, seen: dict[str, int], what: str = ""
    ) -> bool:
        """False (with a problem) when the key is on an earlier line of the file."""
        if key in seen:
            what = what or f"“{key}”"
            self.problems.append(
                row.problem(column, f"{what} is already on line {seen[key]} of this file")
            )
            return False
        seen[key] = row.line
        return True

    # --- lookups ---------------------------------------------------------------------------

    def council(self, text: str) -> Council:
        fmt.required(text, "the council's register code or GSS code")
        council = self.councils.get(text.upper())
        if council is None:
            raise CellError(f"no council has the register code or GSS code “{text}”")
        return council

    def council_or_none(self, text: str) -> Council | None:
        return self.council(text) if text else None

    def manager(self, username: str):
        """The case's manager, by username: someone who may manage cases (workflow.roles)."""
        if not username:
            return None
        if username not in self.managers:
            User = get_user_model()
            user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
            if user is None or not roles.can_manage(user):
                raise CellError(f"no manager has the username “{username}”")
            self.managers[username] = user
        return self.managers[username]

    def challenge_type(self, text: str) -> ChallengeType:
        fmt.required(text, "the challenge type")
        found = self.types.get(fmt.words(text))
        if found is None:
            known = ", ".join(sorted(t.slug for t in set(self.types.values())))
            raise CellError(f"no challenge type “{text}”: the types are {known}")
        return found

    def peer(self, ref: str) -> Peer | None:
        """The peer of a ref: of this run, or imported before. None: its row was wrong."""
        if ref not in self.peers:
            pk = self.imported[Kind.PEER].get(ref)
            if pk is None:
                raise CellError(f"no peer “{ref}” in {PEERS} or imported before")
            self.peers[ref] = Peer.objects.filter(pk=pk).first()
            if self.peers[ref] is None:
                raise CellError(f"the peer “{ref}” was imported before and has been deleted since")
        return self.peers[ref]

    def case(self, ref: str) -> PeerChallenge | None:
        if ref not in self.cases:
            pk = self.imported[Kind.CHALLENGE].get(ref)
            if pk is None:
                raise CellError(f"no challenge “{ref}” in {CHALLENGES} or imported before")
            cases = PeerChallenge.objects.select_related("challenge_type")
            self.cases[ref] = cases.filter(pk=pk).first()
            if self.cases[ref] is None:
                raise CellError(f"the challenge “{ref}” was imported before and deleted since")
        return self.cases[ref]

    # --- peers.csv ---------------------------------------------------------------------------

    def peer_rows(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        emails: dict[str, int] = {}
        for done, row in enumerate(rows, start=1):
            self.tick(PEERS, done, len(rows))
            ref = row["peer_ref"]
            if not self._ref_ok(row, "peer_ref", ref) or not self.first_seen(
                row, "peer_ref", ref, seen
            ):
                continue
            email = row["email"].lower()
            if email and not self.first_seen(row, "email", email, emails):
                self.peers[ref] = None
                continue
            if ref in self.imported[Kind.PEER]:
                self.count(PEERS, new=False)
                continue
            self.peers[ref] = self._peer(row, ref)

    def _ref_ok(self, row: Row, column: str, ref: str) -> bool:
        try:
            fmt.ref(ref, f"the row's {column}")
        except CellError as error:
            self.problems.append(row.problem(column, str(error)))
            return False
        return True

    def _peer(self, row: Row, ref: str) -> Peer | None:
        values, problems = read_cells(
            row,
            {
                "name": lambda t: fmt.required(t, "the peer's name"),
                "email": lambda t: fmt.required(t, "the peer's email address"),
                "kind": lambda t: fmt.choice(t, Peer.Kind),
                "council": self.council_or_none,
                "political_group": lambda t: fmt.choice(t, Peer.PoliticalGroup, blank_ok=True),
                "officer_role": lambda t: fmt.choice(t, Peer.OfficerRole, blank_ok=True),
                "job_title": str,
            },
        )
        if problems:
            self.problems += problems
            return None
        # A peer already in the pool (by email) is the same person: linked, not duplicated.
        existing = Peer.objects.filter(email__iexact=values["email"]).first()
        if existing is not None:
            self.remember(Kind.PEER, ref, existing.pk)
            self.count(PEERS, new=True)
            return existing
        peer = Peer(**values)
        found = model_problems(row, peer.full_clean, {})
        if found:
            self.problems += found
            return None
        peer.save()
        self.remember(Kind.PEER, ref, peer.pk)
        self.count(PEERS, new=True)
        return peer

    # --- challenges.csv ------------------------------------------------------------------------

    def challenge_rows(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        fresh: list[Row] = []
        for row in rows:
            ref = row["external_ref"]
            if self._ref_ok(row, "external_ref", ref) and self.first_seen(
                row, "external_ref", ref, seen
            ):
                if ref in self.imported[Kind.CHALLENGE]:
                    self.count(CHALLENGES, new=False)
                else:
                    fresh.append(row)
        for done, row in enumerate(case_rules.parents_first(fresh, self.problems), start=1):
            self.tick(CHALLENGES, done, len(fresh))
            self.cases[row["external_ref"]] = self._case(row)

    def _case(self, row: Row) -> PeerChallenge | None:
        values, problems = read_cells(
            row,
            {
                "council": self.council,
                "type": self.challenge_type,
                "state": lambda t: fmt.choice(t, State, blank_ok=True),
                "postponed_from": lambda t: fmt.choice(t, State, blank_ok=True),
                "scope_components": fmt.items,
                "report_file": stored_report,
                "local_objectives": split_items,
                "manager": self.manager,
                **{name: fmt.date_or_none for name in fmt.CASE_DATES},
            },
        )
        parent = self._parent(row, problems)
        if problems or (row["parent_ref"] and parent is None):
            self.problems += problems
            return None
        host, kind = values.pop("council"), values.pop("type")
        state = values.pop("state") or case_rules.derived_state(values, kind)
        case = PeerChallenge(
            host=host,
            challenge_type=kind,
            parent=parent,
            state=state,
            **values,
            **{name: row[name] for name in fmt.CASE_TEXTS},
        )
        problems = [row.problem(*problem) for problem in case_rules.case_problems(case)]
        # The model's own rules (clean(), validators, constraints), as every writer runs them;
        # the protected state is read above (cleaning it would re-assign it, which FSM refuses).
        found = model_problems(row, partial(case.full_clean, exclude=["state"]), CASE_COLUMNS)
        if any(p.column == "council" and "open" in p.message for p in problems):
            found = [p for p in found if p.column]  # the open-case constraint, said already
        problems += found
        if problems:
            self.problems += problems
            return None
        case.save()
        CaseEvent.objects.create(
            challenge=case,
            action=IMPORTED,
            to_state=case.state,
            actor=self.actor,
            data={
                "imported": True,
                "source": CHALLENGES,
                "line": row.line,
                "external_ref": row["external_ref"],
            },
        )
        self.remember(Kind.CHALLENGE, row["external_ref"], case.pk)
        self.count(CHALLENGES, new=True)
        return case

    def _parent(self, row: Row, problems: list[Problem]) -> PeerChallenge | None:
        ref = row["parent_ref"]
        if not ref:
            return None
        try:
            parent = self.case(ref)
        except CellError as error:
            problems.append(row.problem("parent_ref", str(error)))
            return None
        return parent  # None: the parent's own row is wrong, and says so


def stored_report(name: str) -> str:
    """A report file already in this site's storage, by the name the export wrote."""
    if not name:
        return ""
    extension = name.rpartition(".")[2].lower()
    if extension not in REPORT_EXTENSIONS:
        raise CellError(f"a report file is one of: {', '.join(REPORT_EXTENSIONS)}")
    try:
        found = default_storage.exists(name)
    except SuspiciousOperation:
        found = False
    if not found:
        raise CellError(f"no file “{name}” in this site's storage: copy the media files too")
    # The same checks as an upload (size, then content): a file copied into storage by hand
    # is no more trusted than one sent through a form.
    with default_storage.open(name, "rb") as stored:
        for validate in REPORT_FILE_VALIDATORS:
            try:
                validate(stored)
            except ValidationError as invalid:
                raise CellError(f"“{name}”: {'; '.join(invalid.messages)}") from None
    return name


CASE_COLUMNS = {
    "host": "council",
    "challenge_type": "type",
    "parent": "parent_ref",
}
