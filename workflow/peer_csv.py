"""The peer pool as a CSV file: its columns, how each cell is written, and the export. The
import (workflow/peer_import.py) reads the same columns back, so an exported file imports with
nothing changed. The columns are described in the README ("Peer CSV")."""

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Protocol

from workflow.models import DeclaredInterest, OfficerRole, Peer, PeerFormerCouncil, PoliticalGroup

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


def _cells(values: dict[str, Any]) -> list[str]:
    """A row of COLUMNS from the peer's plain values: choices as their labels, dates as ISO,
    the councils and specialisms as items (former councils by date then code)."""
    return [
        *(values[c] for c in ("email", "name", "kind")),
        POLITICAL_GROUPS.get(values["political_group"], "") if values["political_group"] else "",
        OFFICER_ROLES.get(values["officer_role"], "") if values["officer_role"] else "",
        values["job_title"],
        values["council"] or "",
        join_items(f"{code}: {until.isoformat()}" for until, code in sorted(values["former"])),
        join_items(values["specialisms"]),
        values["accredited_on"].isoformat() if values["accredited_on"] else "",
        str(values["max_days_per_year"]),
        YES if values["is_active"] else NO,
        join_items(f"{code}: {note}" if note else code for code, note in values["interests"]),
        values["username"] or "",
    ]


POLITICAL_GROUPS = dict(PoliticalGroup.choices)
OFFICER_ROLES = dict(OfficerRole.choices)
# Peers read per round of queries: the pool's rows as tuples, then their former councils,
# specialisms and interests for those peers. Model instances with prefetches took the export
# 2-3 s for 2,000 peers, most of it Django building a related manager per peer (issue 11, P3).
CHUNK = 500
# The columns read from the peer's own row (`active` is its is_active); the rest are related.
_RELATED = {"active", "council", "former_councils", "specialisms", "declared_interests", "username"}
_FIELDS = [*(column for column in COLUMNS if column not in _RELATED), "is_active"]


def peer_cells(peer: Peer) -> list[str]:
    """One peer as a row of COLUMNS (before formulas are neutralised)."""
    return _cells(
        {
            **{name: getattr(peer, name) for name in _FIELDS},
            "council": peer.council.code if peer.council else "",
            "former": [(f.until, f.council.code) for f in peer.former_councils.all()],
            "specialisms": [s.name for s in peer.specialisms.all()],
            "interests": [(i.council.code, i.note) for i in peer.interests.all()],
            "username": peer.user.get_username() if peer.user else "",
        }
    )


def _by_peer(rows: Iterable[tuple]) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for peer_id, *rest in rows:
        grouped.setdefault(peer_id, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


def _pool_rows() -> Iterator[list[str]]:
    """Every peer by name, read CHUNK at a time as tuples."""
    peers = (
        Peer.objects.order_by("name", "pk")
        .values_list("pk", "council__code", "user__username", *_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(islice(peers, CHUNK)):
        ids = [row[0] for row in chunk]
        former = _by_peer(
            PeerFormerCouncil.objects.filter(peer_id__in=ids).values_list(
                "peer_id", "until", "council__code"
            )
        )
        specialisms = _by_peer(
            Peer.specialisms.through.objects.filter(peer_id__in=ids)
            .order_by("specialism__name")
            .values_list("peer_id", "specialism__name")
        )
        interests = _by_peer(
            DeclaredInterest.objects.filter(peer_id__in=ids)
            .order_by("council__name")
            .values_list("peer_id", "council__code", "note")
        )
        for pk, council, username, *values in chunk:
            yield _cells(
                {
                    **dict(zip(_FIELDS, values, strict=True)),
                    "council": council,
                    "username": username,
                    "former": former.get(pk, []),
                    "specialisms": specialisms.get(pk, []),
                    "interests": interests.get(pk, []),
                }
            )


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def peer_rows(peers: Iterable[Peer] | None = None) -> Iterator[list[str]]:
    """A spreadsheet-safe row of COLUMNS per peer (every peer by default, read CHUNK at a
    time, so a streamed export stays flat in memory)."""
    rows = _pool_rows() if peers is None else (peer_cells(peer) for peer in peers)
    for row in rows:
        yield [spreadsheet_safe(cell) for cell in row]


def write_peers(out: Writable, peers: Iterable[Peer] | None = None) -> int:
    """Write the header and a row per peer (every peer by default); return how many."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for row in peer_rows(peers):
        writer.writerow(row)
        count += 1
    return count
