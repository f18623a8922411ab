"""Recording history: the demo loader (and, later, imports of past cases) runs the real
services, so cases get real timelines, but what it records happened in the past. Apps whose
reactions reach the outside world ask `is_recording_history()` and record instead of acting
(notifications: an email for a past event is written as sent, never mailed).

A context variable rather than an argument: the flag has to cross the workflow services and the
reactions table, which must not know about it (workflow imports none of the apps that react).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_recording = ContextVar("recording_history", default=False)


@contextmanager
def recording_history() -> Iterator[None]:
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


def is_recording_history() -> bool:
    return _recording.get()
