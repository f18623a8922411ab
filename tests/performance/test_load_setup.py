"""The load run's people and emails (bench/load/setup.py, bench/load/drain.py), checked at a
tiny scale on PostgreSQL: every simulated user is its own manager with open cases its writes
are allowed on, and the drain's rows are emails that render (a row that fails to render is
marked failed in milliseconds, which would make the drain rate meaningless)."""

import json

import pytest
from django.contrib.auth.models import User

from notifications.emails import render_email
from notifications.models import Notification
from tests.performance.test_bench import _load
from workflow import roles
from workflow.choices import AssignmentStatus, State
from workflow.models import PeerChallenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def load_users(postgresql_only, tmp_path, monkeypatch):
    _load("generate").Generator(scale=0.003, seed=3).run()
    out = tmp_path / "users.json"
    monkeypatch.setattr("sys.argv", ["setup.py", "--managers", "3", "--out", str(out)])
    _load("load/setup").main()
    return json.loads(out.read_text())


def test_each_user_is_its_own_manager_with_open_cases_in_team_assembly(load_users):
    accounts = load_users["managers"]
    assert len({a["username"] for a in accounts}) == 3
    for account in accounts:
        user = User.objects.get(username=account["username"])
        assert user.groups.filter(name=roles.MANAGER).exists()
        assert user.check_password(load_users["password"])
        opened = PeerChallenge.objects.filter(pk__in=account["open_cases"], manager=user)
        assert opened.count() == 2
        for case in opened:
            assert case.state == State.TEAM_ASSEMBLY
            assert case.assignments.filter(status=AssignmentStatus.INVITED).count() == 3
            # booked and invited through the services: their emails are in the outbox
            assert Notification.objects.filter(
                challenge=case, kind=Notification.Kind.BOOKING_CONFIRMATION
            ).exists()
        # the generated cases dealt out: each manager's own, none of them open
        closed = PeerChallenge.objects.filter(pk__in=account["closed_cases"])
        assert closed.exists()
        assert set(closed.values_list("manager", flat=True)) == {user.pk}


def test_the_drains_emails_render(load_users):
    ids = _load("load/drain").queue_rows(5)

    rows = Notification.objects.filter(pk__in=ids)
    assert rows.count() == 5
    for row in rows:
        message = render_email(row)  # raises PermanentEmailError on a row that cannot go
        assert "Your peer challenge" in message.subject
        assert message.to == [f"{row.recipient_name} <{row.recipient_email}>"]
