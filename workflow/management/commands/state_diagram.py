"""Print docs/state-machine.md: the case state machine drawn from the model's own transitions
(with --team, docs/team-machine.md: a team place's).

django-fsm-2's `graph_transitions` needs the graphviz package and binaries; a Mermaid diagram
renders on GitHub with neither. tests/workflow/test_state_diagram.py fails when the committed
document no longer matches this output, so the picture cannot drift from the code.

    python manage.py state_diagram > docs/state-machine.md
    python manage.py state_diagram --team > docs/team-machine.md
"""

from django.core.management.base import BaseCommand
from django_fsm import FSMField

from workflow.choices import AssignmentStatus
from workflow.machine import Machine
from workflow.models import State
from workflow.team_transitions import TEAM
from workflow.transitions import CASE

# Where each machine starts and where it ends.
ENDS: dict[type, tuple[str, set[str]]] = {
    CASE.model: (State.ENQUIRY, {State.CLOSED, State.WITHDRAWN}),
    TEAM.model: (
        AssignmentStatus.RESERVE,
        {
            AssignmentStatus.DECLINED,
            AssignmentStatus.EXPIRED,
            AssignmentStatus.WITHDRAWN,
            AssignmentStatus.COMPLETED,
        },
    ),
}


def _field(machine: Machine) -> FSMField:
    field = machine.model._meta.get_field(machine.field)
    assert isinstance(field, FSMField)
    return field


def _states(machine: Machine) -> list[tuple[str, str]]:
    """(value, label) of each state, in the order the choices list them."""
    return [(str(value), str(label)) for value, label in _field(machine).choices or []]


def transitions(machine: Machine = CASE) -> list[tuple[str, str, str]]:
    """(source, target, transition name) for every edge, sorted by the states' order.
    A dynamic target (resume's RETURN_VALUE) becomes one edge per state it may return to."""
    states = [value for value, _ in _states(machine)]
    edges = []
    for t in _field(machine).get_all_transitions(machine.model):
        sources = states if t.source in ("*", "+") else [str(t.source)]
        targets = getattr(t.target, "allowed_states", None) or [t.target]
        edges += [(str(s), str(target), t.name) for s in sources for target in targets]
    order = {value: i for i, value in enumerate(states)}
    return sorted(edges, key=lambda e: (order[e[0]], order[e[1]], e[2]))


def mermaid(machine: Machine = CASE) -> str:
    start, ends = ENDS[machine.model]
    states = _states(machine)
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{label}" as {value}' for value, label in states]
    lines.append(f"    [*] --> {start}")
    edges = transitions(machine)
    lines += [f"    {source} --> {target} : {name}" for source, target, name in edges]
    lines += [f"    {value} --> [*]" for value, _ in states if value in ends]
    return "\n".join(lines)


def table(machine: Machine = CASE) -> str:
    rows = ["| transition | from | to | guard | input | event |", "|---|---|---|---|---|---|"]
    for source, target, name in transitions(machine):
        spec = machine.transitions[name]
        guard = f"`{spec.guard.__name__}`" if spec.guard else "—"
        inputs = ", ".join(f"`{i}`" for i in spec.inputs) or "—"
        rows.append(f"| `{name}` | {source} | {target} | {guard} | {inputs} | `{spec.action}` |")
    return "\n".join(rows)


def team_document() -> str:
    return f"""# A team place's state machine

Generated from `Assignment.status`'s transitions by `python manage.py state_diagram --team >
docs/team-machine.md`; a test fails when this file and the code disagree. Every edge is fired
by `workflow.team_services.assignment_transition`, the team's use of the one service path that
fires the case's (`workflow/machine.py`), from the transition's single declaration in
`workflow/team_transitions.py`. Each writes one `CaseEvent` on the case's timeline, with the
place, the peer and their role. On a closed case no place moves; on a withdrawn one a place can
only be withdrawn, which is what the case's withdrawal does to every open invitation and
accepted place (`workflow/reactions_team.py`).

```mermaid
{mermaid(TEAM)}
```

{table(TEAM)}
"""


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
    help = "Print the case state machine (or, with --team, a team place's) as Markdown."

    def add_arguments(self, parser):
        parser.add_argument("--team", action="store_true", help="a team place's machine")

    def handle(self, *args, **options):
        self.stdout.write(team_document() if options["team"] else document(), ending="")
