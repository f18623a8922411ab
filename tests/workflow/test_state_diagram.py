"""docs/state-machine.md is the output of `manage.py state_diagram`: regenerate it when the
machine changes (python manage.py state_diagram > docs/state-machine.md)."""

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tests.workflow.spec import PRE_ONSITE, SPEC, TERMINAL

DOC = Path(settings.BASE_DIR) / "docs" / "state-machine.md"


def state_diagram() -> str:
    out = StringIO()
    call_command("state_diagram", stdout=out)
    return out.getvalue()


def test_committed_state_diagram_matches_the_code():
    assert DOC.read_text(encoding="utf-8") == state_diagram(), (
        "docs/state-machine.md is stale: run `python manage.py state_diagram > "
        "docs/state-machine.md`"
    )


def test_state_diagram_draws_exactly_the_designed_edges():
    designed = {
        (source, target, name)
        for name, (sources, to) in SPEC.items()
        for source in sources
        for target in ([to] if to else PRE_ONSITE)  # resume: back to the state it left
    }
    drawn = {
        (source, target, name)
        for line in state_diagram().splitlines()
        if " : " in line
        for (source, _, target), name in [(line.split(" : ")[0].split(), line.split(" : ")[1])]
    }
    assert drawn == designed


def test_state_diagram_ends_in_the_terminal_states():
    diagram = state_diagram()
    assert [s for s in TERMINAL if f"    {s} --> [*]" in diagram] == list(TERMINAL)
