"""Firing a step from its page's form, for a case's steps and a team place's alike: the form's
values go to the service; bad input comes back onto the form, a refusal as its unmet
conditions, a lost race as one of them."""

from collections.abc import Callable
from typing import Any

from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from workflow.transition_forms import TransitionForm

CHANGED = "this case changed while you were editing: reload the case and try again"


def fire_step(form: TransitionForm, fire: Callable[..., Any]) -> tuple[bool, list[str]]:
    """`fire(**the form's values)` once the form is valid: (True, []) when the step happened,
    else (False, what refused it), with bad input on the form as its fields' errors."""
    if not form.is_valid():
        return False, []
    try:
        fire(**form.service_inputs())
    except InvalidInput as invalid:
        form.add_service_errors(invalid)
    except Refused as refused:
        return False, refused.unmet
    except ConcurrentTransition:
        return False, [CHANGED]
    else:
        return True, []
    return False, []
