"""Print docs/state-machine.md: the case state machine drawn from the model's own transitions.

django-fsm-2's `graph_transitions` needs the graphviz package and binaries; a Mermaid diagram
renders on GitHub with neither. tests/workflow/test_state_diagram.py fails when the committed
document no longer matches this output, so the picture cannot drift from the code.

    python manage.py state_diagram > docs/state-machine.md
"""

from django.core.management.base import BaseCommand

from workflow.models import PeerChallenge, State
from workflow.transitions import TRANSITIONS

TERMINAL_NOTE = {State.CLOSED, State.WITHDRAWN}


def transitions() -> list[tuple[str, str, str]]:
    """(source, target, transition name) for every edge, sorted by the states' order.
    A dynamic target (resume's RETURN_VALUE) becomes one edge per state it may return to."""
    field = PeerChallenge._meta.get_field("state")
    edges = []
    for t in field.get_all_transitions(PeerChallenge):
        sources = list(State) if t.source in ("*", "+") else [t.source]
        targets = getattr(t.target, "allowed_states", None) or [t.target]
        edges += [(str(s), str(target), t.name) for s in sources for target in targets]
    order = {s.value: i for i, s in enumerate(State)}
    return sorted(edges, key=lambda e: (order[e[0]], order[e[1]], e[2]))


def mermaid() -> str:
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{s.label}" as {s.value}' for s in State]
    lines.append(f"    [*] --> {State.ENQUIRY.value}")
    lines += [f"    {source} --> {target} : {name}" for source, target, name in transitions()]
    lines += [f"    {s.value} --> [*]" for s in State if s in TERMINAL_NOTE]
    return "\n".join(lines)


def table() -> str:
    rows = ["| transition | from | to | guard | input | event |", "|---|---|---|---|---|---|"]
    for source, target, name in transitions():
        spec = TRANSITIONS[name]
        guard = f"`{spec.guard.__name__}`" if spec.guard else "—"
        inputs = ", ".join(f"`{i}`" for i in spec.inputs) or "—"
        rows.append(f"| `{name}` | {source} | {target} | {guard} | {inputs} | `{spec.action}` |")
    return "\n".join(rows)


def document() -> str:
    return f"""# The case state machine

Generated from `PeerChallenge.state`'s transitions by `python manage.py state_diagram >
docs/state-machine.md`; a test fails when this file and the code disagree. Every edge is fired
by the one service path `workflow.services.challenge_transition`, from the transition's single
declaration in `workflow/transitions.py`: it checks the guard (`workflow/guards.py`; unmet is
a 409), validates the input against the model's rules (a 400), saves with a compare-and-swap on
the state and writes one `CaseEvent` with the declared action.

A postponed case resumes to exactly the state it left (the `resume` edges); closed and
withdrawn are terminal.

```mermaid
{mermaid()}
```

{table()}
"""


class Command(BaseCommand):
    help = "Print the case state machine as a Markdown document with a Mermaid diagram."

    def handle(self, *args, **options):
        self.stdout.write(document(), ending="")
