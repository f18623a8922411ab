"""The survey results are kept a short while (core/snapshots.py, issue 11): with keeping on,
the page and the API serve the figures as they were computed, and say when that was."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.surveys.results_data import CE, respond
from tests.surveys.test_results import board_feedback_returns
from tests.workflow.factories import api_client, manager, programme_lead

pytestmark = pytest.mark.django_db

FIRST_HALF_2017 = {"year": "2017", "part": "H1"}


def test_the_page_and_the_api_serve_the_kept_figures_and_say_when_they_were_computed(
    client, keeping_figures
):
    board_feedback_returns()
    computed = datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)
    with time_machine.travel(computed, tick=False):
        client.force_login(manager())
        first = client.get("/surveys/results/", FIRST_HALF_2017).content.decode()
        api = api_client(programme_lead()).get(
            "/api/surveys/results/", {"kind": "feedback", **FIRST_HALF_2017}
        )
    # A return made after the figures were computed: not in them until they are refreshed.
    respond("feedback", CE, {"FB1": "very_satisfied"}, completed=datetime.date(2017, 7, 4))

    with time_machine.travel(computed + datetime.timedelta(seconds=30), tick=False):
        again = client.get("/surveys/results/", FIRST_HALF_2017).content.decode()
        api_again = api_client(programme_lead()).get(
            "/api/surveys/results/", {"kind": "feedback", **FIRST_HALF_2017}
        )

    assert "29 (15 from chief executives, 14 from leaders)" in first
    assert "29 (15 from chief executives, 14 from leaders)" in again
    assert 'data-figures-as-at="2026-11-30T09:15:00+00:00"' in again
    local = timezone.localtime(computed)
    assert f"Figures as at {local:%H:%M} on 30 November 2026" in again
    assert api_again.json()["responses"]["all"] == 29
    assert api.json()["figures_as_at"] == api_again.json()["figures_as_at"]
    assert datetime.datetime.fromisoformat(api_again.json()["figures_as_at"]) == computed


def test_without_keeping_each_read_counts_the_latest_returns(client):
    board_feedback_returns()
    client.force_login(manager())
    client.get("/surveys/results/", FIRST_HALF_2017)
    respond("feedback", CE, {"FB1": "very_satisfied"}, completed=datetime.date(2017, 7, 4))

    body = api_client(manager()).get("/api/surveys/results/", {"kind": "feedback", "year": 2017})

    assert body.json()["responses"]["all"] == 30
