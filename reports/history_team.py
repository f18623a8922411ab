"""assignments.csv (docs/import.md): a case's team places, each checked by the place's own
rules (Assignment.clean: a role that fits the peer, days in half days once completed, a
declaration once accepted) and written in the status it ended in, with no step fired."""

from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS

from reports import history_format as fmt
from reports.history_case_rules import VISITED
from reports.history_format import ASSIGNMENTS, CellError, Row, model_problems, read_cells
from reports.models import ImportedRecord
from workflow.choices import AssignmentRole, AssignmentStatus
from workflow.models import Assignment

if TYPE_CHECKING:
    from reports.history_import import _Run

Kind = ImportedRecord.Kind
# The statuses a historic team place may have (an open invitation is not history).
PLACE_STATUSES = [
    AssignmentStatus.COMPLETED,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.DECLINED,
    AssignmentStatus.EXPIRED,
    AssignmentStatus.WITHDRAWN,
]
NO_DECLARATION = "None recorded (imported history)"
ON_TEAM_STATUSES = (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)
PLACE_COLUMNS = {"challenge": "challenge_ref", "peer": "peer_ref", NON_FIELD_ERRORS: "peer_ref"}


class TeamImporter:
    def __init__(self, run: "_Run"):
        self.run = run

    def rows(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for done, row in enumerate(rows, start=1):
            self.run.tick(ASSIGNMENTS, done, len(rows))
            case_ref, peer_ref = row["challenge_ref"], row["peer_ref"]
            key = f"{case_ref} :: {peer_ref}"
            if not self.run.first_seen(row, "peer_ref", key, seen, f"{peer_ref} on {case_ref}"):
                continue
            if key in self.run.imported[Kind.ASSIGNMENT]:
                self.run.count(ASSIGNMENTS, new=False)
                continue
            self._place(row, key)

    def _place(self, row: Row, key: str) -> None:
        values, problems = read_cells(
            row,
            {
                "challenge_ref": lambda t: self.run.case(fmt.required(t, "the challenge's ref")),
                "peer_ref": lambda t: self.run.peer(fmt.required(t, "the peer's ref")),
                "role": lambda t: fmt.choice(t, AssignmentRole),
                "status": _place_status,
                "days": fmt.days_or_none,
            },
        )
        if problems:
            self.run.problems += problems
            return
        case, peer = values["challenge_ref"], values["peer_ref"]
        if case is None or peer is None:
            return  # their own rows are wrong, and say so
        status = values["status"]
        interests = row["interests"] or (NO_DECLARATION if status in (ON_TEAM_STATUSES) else "")
        place = Assignment(
            challenge=case,
            peer=peer,
            role=values["role"],
            status=status,
            days=values["days"],
            interests=interests,
        )
        if status == AssignmentStatus.COMPLETED and case.state not in VISITED:
            problems.append(
                row.problem(
                    "status",
                    f"a place is completed once the visit happened: the case "
                    f"is {case.get_state_display().lower()}",
                )
            )
        problems += model_problems(
            row, partial(place.full_clean, exclude=["status"]), PLACE_COLUMNS
        )
        if problems:
            self.run.problems += problems
            return
        place.save()
        self.run.remember(Kind.ASSIGNMENT, key, place.pk)
        self.run.count(ASSIGNMENTS, new=True)


def _place_status(text: str) -> str:
    if not text:
        return AssignmentStatus.COMPLETED
    status = fmt.choice(text, AssignmentStatus)
    if status not in PLACE_STATUSES:
        raise CellError(f"a historic place is one of: {', '.join(PLACE_STATUSES)}")
    return status
