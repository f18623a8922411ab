import datetime

import pytest
import time_machine

from tests.workflow import factories as f


@pytest.fixture
def on_2_june_2025():
    """The clock stopped at 10:00 UTC on Monday 2 June 2025, so dates in words are fixed."""
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, tzinfo=datetime.UTC), tick=False):
        yield datetime.date(2025, 6, 2)


@pytest.fixture
def actor():
    """A challenge manager, acting."""
    return f.manager()
