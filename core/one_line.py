"""Names and subjects that go into an email's headers (To, Subject) must be one line: a line
break there could add headers of the sender's choosing (header injection). The emails collapse
whitespace anyway (notifications.emails.one_line); this refuses it where it is typed, so the
person who typed it is told, and what is stored is what is sent."""

import re
from collections.abc import Iterable, Iterator
from typing import Any

# Every character Python's str.splitlines() breaks a line at, CR and LF first.
LINE_BREAK = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# The same, as the API schema states it (ECMA-262, which JSON Schema's `pattern` uses).
ONE_LINE_PATTERN = r"^[^\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]*$"
# API input fields that hold such a name (the models and services refuse a break in them).
ONE_LINE_FIELDS = frozenset({"chief_executive_name", "leader_name", "recipient_name", "subject"})
MESSAGE = "must be on one line (no line breaks): it is used in emails' headers"


def has_line_break(value: object) -> bool:
    return isinstance(value, str) and LINE_BREAK.search(value) is not None


def line_breaks(instance: Any, fields: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(field, message) for each of `fields` of `instance` that holds a line break."""
    for field in fields:
        if has_line_break(getattr(instance, field, "")):
            yield field, MESSAGE
