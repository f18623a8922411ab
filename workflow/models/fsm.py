"""What every model with a state machine shares (the case, a team place)."""

import threading

from django_fsm import ConcurrentTransitionMixin

# django-fsm's FSMModelMixin.refresh_from_db un-protects the state field by flipping a flag on
# the field object that every instance and thread shares: two threads refreshing at once
# re-protect it under each other and one fails with "Direct state modification is not allowed"
# (seen in tests/workflow/test_race.py). Refreshes are serialised on this lock.
_REFRESH_LOCK = threading.Lock()


class StateMachineMixin(ConcurrentTransitionMixin):
    """A protected FSMField saved with a compare-and-swap on its state (a lost race raises
    ConcurrentTransition: HTTP 409), refreshed safely across threads."""

    def refresh_from_db(self, *args, **kwargs) -> None:
        with _REFRESH_LOCK:
            super().refresh_from_db(*args, **kwargs)
