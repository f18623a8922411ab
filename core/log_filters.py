"""Keeps signed links' tokens out of the logs (DESIGN.md §5). Django logs every 4xx with its
path ("Not Found: /surveys/<token>/", "Forbidden (CSRF token missing.): ..."), so a used,
expired or mistyped link's token would be written to the logs; this filter writes `<token>`
in its place, in the message and its arguments, before any handler sees the record."""

import logging
import re

# A django.core.signing value (core/signed_links.py): payload:signature, or with a timestamp
# payload:timestamp:signature, each URL-safe base64 (the signature 27 characters or more).
SIGNED_VALUE = re.compile(r"[A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)?:[A-Za-z0-9_-]{27,}")
HIDDEN = "<token>"


def hide_tokens(value: object) -> object:
    if isinstance(value, str):
        return SIGNED_VALUE.sub(HIDDEN, value)
    return value


class HideSignedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = hide_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(hide_tokens(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: hide_tokens(arg) for key, arg in record.args.items()}
        return True
