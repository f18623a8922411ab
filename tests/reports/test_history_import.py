"""The import of historic programme data (reports/history_import.py, docs/import.md) on the
example set in docs/import-example/ and on files made wrong one cell at a time."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from notifications.models import Notification
from reports.history_format import FILES, HistoryRefused
from reports.history_import import IMPORTED, import_history
from reports.models import ImportedRecord
from surveys.models import Answer, SurveyInvitation
from workflow.models import Assignment, CaseEvent, Peer, PeerChallenge, State

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example"


def example() -> dict[str, bytes]:
    return {name: (EXAMPLE / name).read_bytes() for name in FILES}


def test_the_example_set_imports():
    summary = import_history(example())
    assert summary.created == {
        "peers.csv": 4,
        "challenges.csv": 5,
        "assignments.csv": 8,
        "survey_responses.csv": 5,
    }
