"""Start-up checks that the declarations agree: every case transition declared once and only
once, and every key of the reactions table naming an event that exists (a typo there would
otherwise be a reaction that silently never runs)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import import_string

from workflow import actions
from workflow.models import PeerChallenge
from workflow.transitions import TRANSITIONS


@checks.register()
def transitions_declared_once(app_configs, **kwargs) -> list[checks.CheckMessage]:
    state = PeerChallenge._meta.get_field("state")
    on_model = {t.name for t in state.get_all_transitions(PeerChallenge)}
    errors: list[checks.CheckMessage] = [
        checks.Error(
            f"PeerChallenge.{name} is not declared in workflow/transitions.py", id="workflow.E001"
        )
        for name in sorted(on_model - set(TRANSITIONS))
    ]
    errors += [
        checks.Error(
            f"transition {name!r} has no @transition method on PeerChallenge", id="workflow.E002"
        )
        for name in sorted(set(TRANSITIONS) - on_model)
    ]
    for spec in TRANSITIONS.values():
        if spec.action not in actions.ALL:
            errors.append(
                checks.Error(
                    f"{spec.name}: {spec.action!r} is not in workflow.actions", id="workflow.E003"
                )
            )
        for field in (*spec.fields, *filter(None, [spec.reason_field])):
            try:
                PeerChallenge._meta.get_field(field)
            except FieldDoesNotExist:
                errors.append(
                    checks.Error(f"{spec.name}: no case field {field!r}", id="workflow.E004")
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
