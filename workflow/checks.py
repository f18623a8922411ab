"""Start-up checks that the declarations agree: every transition of the case and of a team
place declared once and only once, and every key of the reactions table naming an event that
exists (a typo there would otherwise be a reaction that silently never runs)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import import_string
from django_fsm import FSMField

from workflow import actions
from workflow.machine import Machine
from workflow.team_transitions import TEAM
from workflow.transitions import CASE


@checks.register()
def transitions_declared_once(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for machine in (CASE, TEAM):
        errors += _declared_once(machine)
    return errors


def _declared_once(machine: Machine) -> list[checks.CheckMessage]:
    model, table = machine.model, machine.transitions
    name_of = model.__name__
    field = model._meta.get_field(machine.field)
    assert isinstance(field, FSMField)
    on_model = {t.name for t in field.get_all_transitions(model)}
    errors: list[checks.CheckMessage] = [
        checks.Error(f"{name_of}.{name} is not declared", id="workflow.E001")
        for name in sorted(on_model - set(table))
    ]
    errors += [
        checks.Error(
            f"transition {name!r} has no @transition method on {name_of}", id="workflow.E002"
        )
        for name in sorted(set(table) - on_model)
    ]
    for spec in table.values():
        if spec.action not in actions.ALL:
            errors.append(
                checks.Error(
                    f"{spec.name}: {spec.action!r} is not in workflow.actions", id="workflow.E003"
                )
            )
        for name in (*spec.fields, *filter(None, [spec.reason_field])):
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(
                    checks.Error(f"{spec.name}: no {name_of} field {name!r}", id="workflow.E004")
                )
    return errors


@checks.register()
def reactions_name_known_events(app_configs, **kwargs) -> list[checks.CheckMessage]:
    table = import_string(settings.CASE_EVENT_REACTIONS)
    return [
        checks.Error(
            f"{settings.CASE_EVENT_REACTIONS} lists reactions to {action!r}, "
            "which no case event records",
            hint="Key the table with the constants in workflow.actions.",
            id="workflow.E005",
        )
        for action in table
        if action not in actions.ALL
    ]


@checks.register()
def case_panels_exist(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for path in settings.CASE_PANELS:
        try:
            panel = import_string(path)
        except ImportError as missing:
            errors.append(checks.Error(f"CASE_PANELS: {missing}", id="workflow.E006"))
            continue
        if not callable(panel):
            errors.append(
                checks.Error(f"CASE_PANELS: {path} is not a function", id="workflow.E006")
            )
    return errors
