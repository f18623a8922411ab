"""The demo programme: every state, real people and follow-ups, all built through the services,
history recorded rather than mailed, a login that works for every role, and a second run that
changes nothing."""

import datetime
from collections import Counter
from dataclasses import dataclass
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from notifications import services
from notifications.models import Notification
from notifications.tasks import send_notification_task
from tests.workflow.spec import ACTIONS, SPEC
from tests.workflow.test_team_transitions import DESIGN as TEAM_DESIGN
from workflow import actions, roles
from workflow.management.commands.demo_data import LOGINS, MANAGERS, PASSWORD
from workflow.models import Assignment, CaseEvent, Peer, PeerChallenge, State
from workflow.team_transitions import TEAM_TRANSITIONS

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 29, 9, tzinfo=datetime.UTC)
TRANSITION_OF = {action: name for name, action in ACTIONS.items()}
delivery_task = send_notification_task.delay
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@dataclass
class Run:
    output: str
    # What the load left to run once it commits: an email is mailed only from there.
    on_commit: list


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """Load once for the module (it takes seconds), rolled back when the module is done."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TODAY),
        override_settings(PASSWORD_HASHERS=FAST_HASHING),  # as tests/conftest.py, module-wide
        transaction.atomic(),
    ):
        output = demo_data()
        yield Run(output, [func for _, func, _ in connection.run_on_commit])
        transaction.set_rollback(True)


def test_every_state_is_present(first_run):
    states = Counter(PeerChallenge.objects.values_list("state", flat=True))
    assert set(states) == set(State), f"missing: {set(State) - set(states)}"
    assert 55 <= sum(states.values()) <= 70


def test_cases_span_financial_years_2023_to_2026(first_run):
    dates = PeerChallenge.objects.values_list("onsite_start", flat=True)
    assert min(dates) < datetime.date(2023, 7, 1)
    assert max(dates) > datetime.date(2027, 1, 1)


def test_staff_and_peers_have_their_roles(first_run):
    def in_group(name):
        return User.objects.filter(username__startswith="demo-", groups__name=name).count()

    assert (in_group(roles.MANAGER), in_group(roles.PROGRAMME_LEAD)) == (4, 1)
    assert User.objects.get(username="demo-admin").is_superuser
    assert Peer.objects.count() >= 40
    assert set(Peer.objects.values_list("kind", flat=True)) == {"member", "officer"}
    assert Peer.objects.filter(kind="member").exclude(political_group="").exists()
    assert in_group(roles.PEER) == Peer.objects.filter(user__isnull=False).count() >= 1


def test_follow_ups_link_to_their_parent_and_keep_its_team(first_run):
    follow_ups = PeerChallenge.objects.filter(challenge_type__slug="follow-up")
    assert follow_ups.exists()
    for case in follow_ups:
        assert case.parent.host_id == case.host_id
        parent_team = case.parent.assignments.filter(status__in=Assignment.ON_TEAM)
        parent_peers = set(parent_team.values_list("peer", flat=True))
        assert set(case.assignments.values_list("peer", flat=True)) == parent_peers


def test_every_case_was_built_through_the_services(first_run):
    """The timeline of each case replays the design's machine from "created" to its state."""
    for case in PeerChallenge.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].action == actions.CASE_CREATED
        state = State.ENQUIRY
        for event in [e for e in events[1:] if e.action in TRANSITION_OF]:
            sources, target = SPEC[TRANSITION_OF[event.action]]
            assert event.from_state == state and state in sources, (case.reference, event)
            assert event.to_state == target, (case.reference, event)
            state = event.to_state
        assert state == case.state, case.reference


def test_teams_meet_the_composition_rules_once_confirmed(first_run):
    confirmed = PeerChallenge.objects.exclude(
        state__in=[State.ENQUIRY, State.BOOKED, State.TEAM_ASSEMBLY, State.WITHDRAWN]
    ).exclude(state=State.POSTPONED)
    for case in confirmed:
        team = case.assignments.filter(status__in=Assignment.ON_TEAM)
        ctype = case.challenge_type
        assert ctype.min_peers <= team.count() <= ctype.max_peers, case.reference
        assert not team.filter(peer__council=case.host).exists(), "a peer on their own council"


def test_every_team_place_was_written_by_the_team_services(first_run):
    """Each place has its "added" event, and its team events replay the assignment machine
    from reserve to the status it holds: nothing was written behind the services' back."""
    target_of = {TEAM_TRANSITIONS[name].action: target for name, (_, target) in TEAM_DESIGN.items()}
    for assignment in Assignment.objects.select_related("challenge"):
        events = CaseEvent.objects.filter(
            challenge=assignment.challenge, data__assignment=assignment.pk
        ).order_by("pk")
        assert events.filter(action=actions.ASSIGNMENT_ADDED).count() == 1
        status = Assignment.Status.RESERVE
        for event in events.filter(action__in=target_of):
            assert event.data["from_status"] == status, (assignment, event)
            status = target_of[event.action]
        assert status == assignment.status, assignment


def test_history_is_recorded_as_sent_and_nothing_is_mailed(first_run):
    """Loading the demo mails nothing: every email its events caused is on record as sent,
    and nothing is left to deliver once the load commits, nor for the sweep to pick up."""
    rows = Notification.objects.all()
    assert rows.count() > 100
    assert set(rows.values_list("status", flat=True)) == {Notification.Status.SENT}
    assert not rows.filter(sent_at__isnull=True).exists()
    assert not rows.filter(dispatched_at__isnull=False).exists()
    kinds = set(rows.values_list("kind", flat=True))
    assert {
        Notification.Kind.BOOKING_CONFIRMATION,
        Notification.Kind.JOINING_INSTRUCTIONS,
        Notification.Kind.VISIT_POSTPONED,
    } <= kinds
    deliveries = [f for f in first_run.on_commit if getattr(f, "func", None) == delivery_task]
    assert deliveries == []
    assert services.sweep_outbox()["dispatched"] == 0


def test_each_login_works_for_its_role(first_run, client):
    """Staff reach the admin (its login page, as a person would) and the API; peers the API,
    where they see the cases they are on."""
    for username, _ in LOGINS:
        user = User.objects.get(username=username)
        if user.is_staff:
            signed_in = client.post(
                "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
            )
            assert (signed_in.status_code, signed_in.get("Location")) == (302, "/admin/")
            assert client.get("/admin/workflow/peerchallenge/").status_code == 200, username
            assert_admin_fits_role(client, user)
        else:
            assert client.login(username=username, password=PASSWORD), username
        cases = client.get("/api/challenges/", HTTP_ACCEPT="application/json")
        assert cases.status_code == 200, username
        assert cases.json()["count"] > 0, username
        client.logout()
    staff = User.objects.filter(username__startswith="demo-", is_staff=True)
    assert set(staff.values_list("username", flat=True)) == {
        "demo-admin",
        "demo-lead",
        *(username for username, _, _ in MANAGERS),
    }


def assert_admin_fits_role(client, user) -> None:
    """On a case being assembled, managers may put peers on the team; leads only look."""
    case = PeerChallenge.objects.filter(state=State.TEAM_ASSEMBLY).first()
    page = client.get(f"/admin/workflow/peerchallenge/{case.pk}/change/")
    assert page.status_code == 200, user.username
    team, adding = [f for f in page.context["inline_admin_formsets"] if f.opts.model is Assignment]
    may_change = not user.groups.filter(name=roles.PROGRAMME_LEAD).exists()
    assert team.formset.queryset.exists(), user.username
    assert (page.context["has_change_permission"], adding.has_add_permission) == (
        may_change,
        may_change,
    ), user.username


def test_past_visits_log_peer_days(first_run):
    closed = Assignment.objects.filter(challenge__state=State.CLOSED)
    done = closed.filter(status=Assignment.Status.COMPLETED)
    assert done.exists()
    assert not done.filter(days__isnull=True).exists()
    assert not closed.filter(status__in=Assignment.OPEN_PLACES).exists()


def test_teams_show_the_whole_assignment_machine(first_run):
    """Reserves, declines with a reason, open invitations on cases being assembled, the team of
    a withdrawn case withdrawn with it."""
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert {"reserve", "invited", "accepted", "declined", "completed", "withdrawn"} <= statuses
    withdrawn = Assignment.objects.filter(challenge__state=State.WITHDRAWN)
    assert withdrawn.filter(status=Assignment.Status.WITHDRAWN).exists()
    assert not withdrawn.filter(status__in=Assignment.OPEN_PLACES).exists()
    assembling = Assignment.objects.filter(challenge__state=State.TEAM_ASSEMBLY)
    assert assembling.filter(status=Assignment.Status.INVITED).exists()
    declined = Assignment.objects.filter(status=Assignment.Status.DECLINED)
    assert not declined.filter(decline_reason="").exists()


def test_logins_are_printed(first_run):
    assert f"password for all: {PASSWORD}" in first_run.output
    for username, _ in LOGINS:
        assert username in first_run.output


def test_each_login_says_the_page_it_lands_on(first_run, client):
    for username, says in LOGINS:
        signed_in = client.post("/sign-in/", {"username": username, "password": PASSWORD})
        landed = client.get(signed_in["Location"], follow=True).redirect_chain[-1][0]
        assert landed in says, username
        client.logout()


def test_running_twice_changes_nothing(first_run):
    counts = (PeerChallenge.objects.count(), CaseEvent.objects.count(), Peer.objects.count())

    again = demo_data()

    assert again.startswith("Demo data is already loaded; nothing changed.")
    assert "demo-manager-1" in again
    assert (PeerChallenge.objects.count(), CaseEvent.objects.count(), Peer.objects.count()) == (
        counts
    )
