"""The audit row every write to a case leaves, and the helpers the writing services share."""

from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet

from workflow.models import CaseEvent
from workflow.reactions import run_reactions


def record_event(*, challenge, action, from_state, actor, reason="", data=None) -> CaseEvent:
    """Write the case's audit row and run the reactions listed for its action."""
    event = CaseEvent.objects.create(
        challenge=challenge,
        action=action,
        from_state=from_state,
        to_state=challenge.state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
        data=data or {},
    )
    run_reactions(event)
    return event


@contextmanager
def undone_on_error(instance):
    """If the write fails, reload the instance so the caller never holds a half-changed row.
    Enter it outside `transaction.atomic()`, so the reload reads the rolled-back state."""
    try:
        yield
    except Exception:
        instance.refresh_from_db()
        raise


def jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    """Changes as an audit row stores them: related rows by key, uploads by name."""
    out = {}
    for field, value in changes.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif hasattr(value, "name") and hasattr(value, "read"):  # uploaded file
            value = value.name
        out[field] = value
    return out


def redact_event(event: CaseEvent, *, reason: str, data: Any) -> None:
    """The one exception to the timeline's immutability: erasing a person's name from an
    event's words (UK GDPR's right to erasure). Only the reason and data change; what happened,
    when and by whom stay, and the erasure writes its own event on the case."""
    # A plain QuerySet: CaseEventQuerySet (the model's manager) refuses every bulk write.
    QuerySet(model=CaseEvent).filter(pk=event.pk).update(reason=reason, data=data)
