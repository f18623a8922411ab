"""The benchmark's data and its list of reads (bench/generate.py, bench/measure.py), checked at a
tiny scale on PostgreSQL (the generator writes by COPY): rows consistent with each case's state,
and every routed GET given real ids, so a new page or parameter is measured or named here."""

import importlib.util
import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from surveys.models import Answer, SurveyInvitation
from workflow.choices import HOLDS_A_PLACE, AssignmentStatus, State
from workflow.models import Assignment, Peer, PeerChallenge

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated(postgresql_only):
    _load("generate").Generator(scale=0.003, seed=3).run()


def test_the_generated_teams_fit_their_cases_states(generated):
    assert PeerChallenge.objects.count() == 300
    assert Peer.objects.count() >= 20
    assert Assignment.objects.count() > 300
    # A closed case's team completed with days; a withdrawn one's never served.
    closed = Assignment.objects.filter(challenge__state=State.CLOSED)
    assert not closed.exclude(
        status__in=[AssignmentStatus.COMPLETED, AssignmentStatus.DECLINED]
    ).exists()
    assert not closed.filter(status=AssignmentStatus.COMPLETED, days__isnull=True).exists()
    assert not Assignment.objects.filter(
        challenge__state=State.WITHDRAWN, status=AssignmentStatus.COMPLETED
    ).exists()
    # Some cases are open, one per host and type (the database rule holds them to it).
    assert PeerChallenge.objects.filter(HOLDS_A_PLACE).exists()


def test_most_closed_cpcs_have_a_follow_up_visit_a_year_or_two_later(generated):
    today = timezone.localdate()
    follow_ups = PeerChallenge.objects.filter(challenge_type__requires_parent=True)
    assert follow_ups.exists()
    # A follow-up type's case always has its parent (the guards'), and only those have one.
    assert not follow_ups.filter(parent__isnull=True).exists()
    assert not PeerChallenge.objects.filter(
        challenge_type__requires_parent=False, parent__isnull=False
    ).exists()
    for case in follow_ups.select_related("parent"):
        parent = case.parent
        assert parent.challenge_type.slug == "corporate" and parent.state == State.CLOSED
        assert parent.host_id == case.host_id
        if case.onsite_start is not None:
            after = (case.onsite_start - parent.onsite_end).days
            assert 365 <= after < 730, case.pk
        # A visit past a month ago is finished; one to come or just made is still open.
        past = case.onsite_start is not None and case.onsite_start <= today - timedelta(days=30)
        assert (case.state in (State.CLOSED, State.WITHDRAWN)) == past, case.pk
    # Most closed CPCs whose follow-up would be past by now have had one.
    long_ago = PeerChallenge.objects.filter(
        challenge_type__slug="corporate",
        state=State.CLOSED,
        onsite_end__lt=today - timedelta(days=760),
    )
    followed = long_ago.filter(follow_ups__isnull=False).distinct().count()
    assert followed > long_ago.count() / 2
    # The team: some or all of the parent's, in the same roles.
    for case in follow_ups.filter(state=State.CLOSED):
        served = set(
            case.parent.assignments.filter(status=AssignmentStatus.COMPLETED).values_list(
                "peer_id", "role"
            )
        )
        again = set(
            case.assignments.filter(status=AssignmentStatus.COMPLETED).values_list(
                "peer_id", "role"
            )
        )
        assert again & served, case.pk


def test_every_completed_survey_answers_its_required_questions(generated):
    completed = SurveyInvitation.objects.filter(status=SurveyInvitation.Status.COMPLETED)
    assert completed.exists()
    required = Count("questionnaire__questions", filter=Q(questionnaire__questions__required=True))
    for invitation in completed.annotate(required=required)[:20]:
        answered = Answer.objects.filter(invitation=invitation, question__required=True).count()
        assert answered == invitation.required, invitation.pk
    assert not Answer.objects.exclude(invitation__status=SurveyInvitation.Status.COMPLETED).exists()
    # Only invitations whose link is still open are sent: the sweep expires the rest.
    today = timezone.localdate()
    assert not SurveyInvitation.objects.filter(
        status=SurveyInvitation.Status.SENT, expires_on__lt=today
    ).exists()


def test_measure_fills_every_routed_get_with_real_ids(generated):
    reads = _load("measure").reads()
    names = {name for name, _ in reads}
    assert {"case-detail", "programme-report", "survey-results", "dashboard-api"} <= names
    for name, url in reads:
        assert not re.search(r"[<>]|None", url), (name, url)
