"""Domain errors. The API maps them in one place (workflow/api_errors.py)."""


class WorkflowError(Exception):
    """Base class for errors a user can act on."""


class TransitionRefused(WorkflowError):
    """A transition that cannot happen now; `unmet` says why in plain words."""

    def __init__(self, unmet: list[str]):
        self.unmet = unmet
        super().__init__("; ".join(unmet))


class InvalidInput(WorkflowError):
    """Input that fails a domain rule; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(str(errors))
