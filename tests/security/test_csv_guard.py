"""Every CSV the service writes passes its cells through the one formula guard
(workflow.peer_csv.spreadsheet_safe, or reports.csv_cells.csv_cell over it, or peer_rows, whose
rows are guarded): a module that writes CSV, or streams it through core.csv_stream, without
naming the guard fails here, so a new export cannot forget it. The streaming helper itself is
not scanned: it writes what its callers hand it, and they are."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from workflow.pages.lists import spreadsheet_safe

APPS = ("core", "workflow", "notifications", "surveys", "reports", "peerchallenge")
GUARDS = ("spreadsheet_safe(", "csv_cell(", "peer_rows(")
STREAMER = Path("core/csv_stream.py")


def _writers() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        and path != root / STREAMER
        and re.search(
            r"csv\.(writer|DictWriter)\(|streaming_csv\(", path.read_text(encoding="utf-8")
        )
    )


def test_the_exports_are_found():
    assert len(_writers()) >= 8  # peers, cases, responses, history, four report pages


@pytest.mark.parametrize("path", _writers(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_module_writing_csv_guards_its_cells(path):
    text = path.read_text(encoding="utf-8")
    assert any(guard in text for guard in GUARDS), f"{path}: cells written without the guard"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("'=1+1", "''=1+1"),  # already quoted: one more, so the import gives it back as it was
        ("\r=cmd", "'\r=cmd"),
        ("-", "'-"),
    ],
)
def test_the_case_lists_guard_is_the_peer_exports(value, safe):
    assert spreadsheet_safe(value) == safe
