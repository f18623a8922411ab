"""The two errors a user can act on, raised by every app's services and mapped to HTTP (and to
page messages) in one place each: core/api_errors.py for the API."""


class Refused(Exception):
    """What was asked cannot happen now (HTTP 409); `unmet` says why, in plain words."""

    def __init__(self, unmet: list[str]):
        self.unmet = unmet
        super().__init__("; ".join(unmet))


class InvalidInput(Exception):
    """Input that breaks a rule (HTTP 400); `errors` maps field names to their messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{f}: {m}" for f, messages in errors.items() for m in messages))
