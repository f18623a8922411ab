"""The peer pool as a CSV file: its columns, how each cell is written, and the export. The
import (workflow/peer_import.py) reads the same columns back, so an exported file imports with
nothing changed. The columns are described in the README ("Peer CSV")."""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

from workflow.models import Peer

COLUMNS = [
    "email",
    "name",
    "kind",
    "political_group",
    "officer_role",
    "job_title",
    "council",
    "former_councils",
    "specialisms",
    "accredited_on",
    "max_days_per_year",
    "active",
    "declared_interests",
    "username",
]
# Every other column may be left out of an imported file: a peer already in the pool then keeps
# what they have, a new one gets the default.
REQUIRED = ["email", "name", "kind"]
YES, NO = "yes", "no"

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (tab
# and carriage return too: some strip them first). The export puts a quote in front, as a
# spreadsheet does for text; the import takes it off again (so a value that already starts
# with quotes before one of these gets one more, and comes back as it was).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def spreadsheet_safe(text: str) -> str:
    return f"'{text}" if _formula_like(text) else text


def from_spreadsheet(text: str) -> str:
    """The value `spreadsheet_safe` protected."""
    return text[1:] if text.startswith("'") and _formula_like(text) else text


# --- cells holding several items: "ALL: 2023-03-31; CMA: 2019-05-02" -------------------------


def join_items(items: Iterable[str]) -> str:
    """Items separated by "; ". One that holds a ; or a " is written in double quotes, with its
    own double quotes doubled, as CSV does: so a note may say anything."""
    return "; ".join(_quoted(item) if ";" in item or '"' in item else item for item in items)


def _quoted(item: str) -> str:
    return '"' + item.replace('"', '""') + '"'


def split_items(text: str) -> list[str]:
    """The items of a cell written by `join_items` (or by hand: spaces around ; do not matter)."""
    if not text.strip():
        return []
    row = next(csv.reader([text], delimiter=";", skipinitialspace=True))
    return [item.strip() for item in row if item.strip()]


def code_and_text(item: str) -> tuple[str, str]:
    """ "ALL: 2023-03-31" -> ("ALL", "2023-03-31"); "SFK" -> ("SFK", "")."""
    code, _, text = item.partition(":")
    return code.strip(), text.strip()


# --- the export ---------------------------------------------------------------------------------


def peer_cells(peer: Peer) -> list[str]:
    """One peer as a row of COLUMNS (before formulas are neutralised)."""
    values = {
        "email": peer.email,
        "name": peer.name,
        "kind": peer.kind,
        "political_group": peer.get_political_group_display() if peer.political_group else "",
        "officer_role": peer.get_officer_role_display() if peer.officer_role else "",
        "job_title": peer.job_title,
        "council": peer.council.code if peer.council else "",
        "former_councils": join_items(
            f"{f.council.code}: {f.until.isoformat()}"
            for f in sorted(peer.former_councils.all(), key=lambda f: (f.until, f.council.code))
        ),
        "specialisms": join_items(s.name for s in peer.specialisms.all()),
        "accredited_on": peer.accredited_on.isoformat() if peer.accredited_on else "",
        "max_days_per_year": str(peer.max_days_per_year),
        "active": YES if peer.is_active else NO,
        "declared_interests": join_items(
            f"{i.council.code}: {i.note}" if i.note else i.council.code
            for i in peer.interests.all()
        ),
        "username": peer.user.get_username() if peer.user else "",
    }
    return [values[column] for column in COLUMNS]


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def write_peers(out: Writable, peers: Iterable[Peer] | None = None) -> int:
    """Write the header and a row per peer (every peer by default); return how many."""
    if peers is None:
        peers = Peer.objects.with_everything().order_by("name", "pk")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for peer in peers:
        writer.writerow([spreadsheet_safe(cell) for cell in peer_cells(peer)])
        count += 1
    return count
