"""The programme report's figures against sums done by hand on the fixture programme
(tests/reports/programme_data.py: its table says which case is there for what)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import InvalidInput
from reports.models import DeliveryTarget, ReportingGroup
from reports.programme import programme_report
from reports.targets import AMBER, GREEN, RED, months_ended, rag
from surveys.results import percent
from tests.reports import programme_data
from tests.reports.programme_data import day
from tests.workflow import factories as f
from workflow.models import Assignment, Council

pytestmark = pytest.mark.django_db

# Today, as far as the report knows: after 2016/17, three months into 2017/18.
TODAY = day(2017, 6, 30)


@pytest.fixture
def programme():
    p = programme_data.programme()
    programme_data.surveys(p)
    return p


@pytest.fixture
def report(programme):
    return programme_report(year=2016, today=TODAY)


def test_delivered_counts_visits_ended_in_the_year_and_never_a_withdrawn_case(report):
    # A (Q1), B (Q3), D (Q4), C (31 March, Q4); not E (1 April), W (withdrawn), G (booked).
    assert report.delivered == 4
    by_type = {t.slug: (t.delivered, t.councils) for t in report.by_type}
    assert by_type["corporate"] == (2, 2)
    assert by_type["follow-up"] == (1, 1)  # its own type, not folded into the CPCs
    assert by_type["finance"] == (1, 1)
    assert sum(t.delivered for t in report.by_type) == 4
    assert [(g.name, g.delivered, g.councils) for g in report.by_group] == [
        ("Corporate/Finance", 3, 3)  # A, B, D
    ]


def test_a_type_in_two_groups_counts_in_each_and_a_group_of_no_types_counts_nothing(programme):
    ReportingGroup.objects.create(slug="cpc", name="CPCs", position=98).types.add(
        f.challenge_type("corporate")
    )
    ReportingGroup.objects.create(slug="none-yet", name="None yet", position=99)
    report = programme_report(year=2016, today=TODAY)
    assert [(g.slug, g.delivered, g.councils) for g in report.by_group] == [
        ("corporate-finance", 3, 3),  # A, B, D
        ("cpc", 2, 2),  # A, B
        ("none-yet", 0, 0),
    ]


def test_a_council_engaged_twice_counts_once(report, programme):
    # C2 had B and C in the year: C1, C2, C3 are the councils engaged.
    assert report.councils_engaged == 3


def test_the_list_of_what_is_counted(report, programme):
    rows = [(c.reference, c.first_time_cpc, c.team, c.days) for c in report.cases]
    assert rows == [
        (programme.A.reference, True, 3, Decimal("14")),
        (programme.B.reference, False, 4, Decimal("7.5")),
        (programme.D.reference, None, 1, Decimal("2.5")),
        (programme.C.reference, None, 1, Decimal("1.5")),
    ]


def test_a_visit_ending_on_1_april_belongs_to_the_next_year(programme):
    next_year = programme_report(year=2017, today=TODAY)
    assert next_year.delivered == 1  # E
    assert next_year.peers.days == Decimal("3")


def test_peers_are_counted_once_across_challenges_and_days_keep_their_halves(report):
    # Completed places on A, B, C, D: M1 M2 M3 | O1 (A, B) O2 (A, C) O4 S1; O3 only accepted.
    assert report.peers.deployed == 7
    assert report.peers.councillors == 3
    assert report.peers.officers == 4
    # 3.5 + 4 + 4.5 + 2 (A) + 3 + 4 + 0.5 (B) + 1.5 (C) + 2.5 (D)
    assert report.peers.days == Decimal("25.5")
    assert isinstance(report.peers.days, Decimal)


def test_average_cpc_team_excludes_the_manager_and_shadows(report):
    # A: M1, O1, O2 (S1 a shadow); B: M2, O1, M3 and O3 (accepted: on the team) -> 7 / 2.
    assert report.team.cpcs == 2
    assert report.team.with_team == 2
    assert report.team.places == 7
    assert report.team.average == Decimal("3.5")


def test_first_time_cpcs_are_those_at_councils_with_no_earlier_cpc(report):
    # A at C1: first; B at C2: C2 had Z in 2012.
    assert (report.first_time.cpcs, report.first_time.first_time) == (2, 1)
    assert report.first_time.repeat == 1
    assert report.first_time.percent == 50


def test_take_up_counts_councils_that_had_a_cpc_or_have_one_booked(report):
    eligible = Council.objects.active_english().count()
    # Had one: C1 (A), C2 (Z, B), C4 (E, by 30 June 2017), C7 (P); booked: C6 (G).
    # Not C3 (finance only) nor C5 (withdrawn).
    take_up = report.take_up
    assert (take_up.eligible, take_up.had, take_up.booked_only) == (eligible, 4, 1)
    assert take_up.taken_up == 5
    assert take_up.percent == percent(5, eligible)
    assert take_up.as_at == TODAY


def test_targets_quarter_by_quarter_with_change_and_rag(report):
    everything, group = report.targets
    assert (everything.scope, everything.target, everything.delivered) == (
        "All peer challenges",
        4,
        4,
    )
    assert (everything.expected, everything.rag) == (Decimal("4.0"), GREEN)
    quarters = [
        (q.delivered, q.change, q.cumulative, q.expected, q.rag) for q in everything.quarters
    ]
    assert quarters == [
        (1, 0, 1, Decimal("1.0"), GREEN),  # A; P was 2015/16's Q4: no change
        (0, -1, 1, Decimal("2.0"), RED),
        (1, 1, 2, Decimal("3.0"), RED),  # B
        (2, 1, 4, Decimal("4.0"), GREEN),  # D and C (31 March)
    ]
    assert (group.scope, group.target, group.delivered, group.rag) == (
        "Corporate/Finance",
        3,
        3,
        GREEN,
    )
    # Q3: A and B against 3 x 9 / 12 = 2.25: short by more than 10 %.
    assert [q.cumulative for q in group.quarters] == [1, 1, 2, 3]
    assert group.quarters[2].rag == RED


def test_a_year_under_way_is_measured_against_the_months_ended(programme):
    running = programme_report(year=2017, today=day(2017, 5, 31))
    line = running.targets[0]
    assert line.target is None and line.rag is None  # no target set for 2017/18
    assert [q.started for q in line.quarters] == [True, False, False, False]


def test_the_rag_rule():
    assert rag(10, 10, 12) == GREEN
    assert rag(9, 10, 12) == AMBER  # 10 % short: still amber
    assert rag(8, 10, 12) == RED
    assert rag(5, 10, 6) == GREEN  # half the year, half the target
    assert rag(0, 10, 0) is None  # nothing due yet
    assert rag(3, None, 12) is None  # no target
    assert months_ended(2016, day(2016, 4, 15)) == 0
    assert months_ended(2016, day(2016, 11, 30)) == 8
    assert months_ended(2016, day(2016, 11, 29)) == 7
    assert months_ended(2016, day(2018, 1, 1)) == 12


def test_survey_headlines_with_their_base_and_suppression(report):
    satisfied, very = report.feedback.headlines[0], report.feedback.headlines[1]
    # Six returns completed in 2016/17 (not E's, in April 2017): five satisfied, four very.
    assert (satisfied.figures["all"].count, satisfied.figures["all"].base) == (5, 6)
    assert satisfied.figures["all"].percent == 83
    assert very.figures["all"].percent == 67
    # Impact: the cohort a year earlier (2015/16: P), two answers, below the minimum base.
    assert report.impact.period.label == "2015/16"
    figure = report.impact.headlines[0].figures["all"]
    assert figure.suppressed and figure.base == 2 and figure.percent is None


def test_a_quarter_is_reported_on_its_own(programme):
    q4 = programme_report(year=2016, part="Q4", today=TODAY)
    assert q4.delivered == 2  # C and D
    assert q4.councils_engaged == 2
    assert q4.period.label == "2016/17 Q4 (January to March)"
    assert q4.impact.period.label == "2015/16 Q4 (January to March)"


def test_the_delivery_paragraph_in_the_boards_words(report):
    eligible = Council.objects.active_english().count()
    assert report.paragraph == (
        "During 2016/17 we engaged with three councils: two received a corporate peer "
        "challenge, one received a finance peer challenge and one received a progress review "
        "/ follow-up visit. We deployed seven officers and councillors as peers (three "
        "councillors and four officers), who delivered 25.5 days of challenge and support. "
        "The average corporate peer challenge team was 3.5 peers plus an LGA peer challenge "
        "manager. Of the two corporate peer challenges delivered, one (50%) was in a council "
        "receiving one for the first time. In 2016/17 as a whole we delivered four peer "
        "challenges against the year's target of four (green). Of these, three were "
        "Corporate/Finance peer challenges, against a target of three for the year (green). "
        f"As at 30 June 2017, {percent(5, eligible)}% of English councils (five of "
        f"{eligible}) have had a corporate peer challenge or are signed up for one. "
        "Of the feedback survey returns in the period, 83% were very or fairly satisfied "
        "(n = 6). Of the councils asked a year after their challenge, too few answered to "
        "report a figure (n = 2)."
    )


def test_a_year_with_nothing_delivered_says_so():
    report = programme_report(year=2010, today=TODAY)
    assert report.paragraph.startswith("During 2010/11 no peer challenges were delivered.")
    assert report.team.average is None and report.first_time.percent is None


def test_a_bad_year_or_part_is_invalid_input():
    for year in (1999, 2000, 2100):  # 2000's impact cohort would be 1999/2000
        with pytest.raises(InvalidInput) as bad_year:
            programme_report(year=year)
        assert bad_year.value.errors == {"year": ["Enter a year from 2001 to 2099"]}
    with pytest.raises(InvalidInput) as bad_part:
        programme_report(year=2016, part="Q5")
    assert "part" in bad_part.value.errors


def test_the_number_of_queries_does_not_grow_with_the_cases(programme):
    with CaptureQueriesContext(connection) as few:
        programme_report(year=2016, today=TODAY)
    councils = programme_data.councils(12)[7:]
    for n, host in enumerate(councils):
        more = programme_data.case(host, "corporate", day(2016, 5, 1 + n), "closed")
        f.full_team(more)
        f.place(more, status=Assignment.Status.COMPLETED)
    with CaptureQueriesContext(connection) as many:
        bigger = programme_report(year=2016, today=TODAY)
    assert bigger.delivered == 4 + len(councils)
    assert len(many.captured_queries) == len(few.captured_queries)


@time_machine.travel(datetime.datetime(2017, 6, 30, 12, tzinfo=datetime.UTC), tick=False)
def test_today_defaults_to_the_london_date(programme):
    assert programme_report(year=2016).take_up.as_at == TODAY


def test_a_year_under_way_says_where_it_stands_against_the_pro_rata_target(programme):
    DeliveryTarget.objects.create(year=2017, target=12)
    running = programme_report(year=2017, today=TODAY)  # three months ended
    line = running.targets[0]
    assert (line.delivered, line.expected, line.rag) == (1, Decimal("3.0"), RED)  # E
    assert [q.started for q in line.quarters] == [True, False, False, False]
    assert (
        "By 30 June 2017 we had delivered one peer challenge against a pro-rata target of "
        "3.0 (12 for the year): red." in running.paragraph
    )


def test_only_a_case_at_or_after_its_visit_is_delivered(programme):
    host = programme_data.councils(9)[8]
    # The visit's dates are past but the case never went on site (nothing fired): not counted.
    programme_data.case(host, "finance", day(2016, 8, 5), "preparation")
    # On site, the visit ended, feedback not yet recorded: delivered.
    programme_data.case(host, "adults", day(2016, 8, 12), "onsite")
    report = programme_report(year=2016, today=TODAY)
    assert report.delivered == 5
    assert {t.slug: t.delivered for t in report.by_type}["adults"] == 1
    assert {t.slug: t.delivered for t in report.by_type}["finance"] == 1  # D only


def test_a_visit_that_ends_after_today_is_not_yet_delivered(programme):
    # On 10 June 2016 (A's last day) A counts; the day before it does not.
    assert programme_report(year=2016, today=day(2016, 6, 10)).delivered == 1
    assert programme_report(year=2016, today=day(2016, 6, 9)).delivered == 0
