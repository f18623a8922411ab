"""A fixture programme for 2016/17 with every awkward case, each line saying what it is for, so
the report's figures can be worked out by hand (tests/reports/test_programme.py says the sums).

Councils (current English councils from the register, by position): C1 … C7.

  case  type       council  visit ended  state           counts in 2016/17?
  Z     corporate  C2       2012-05-01   closed          no (years earlier): makes B a repeat
  P     corporate  C7       2016-03-31   closed          no (2015/16 Q4): the Q1 change
  A     corporate  C1       2016-06-10   closed          yes, Q1, first-time
  B     corporate  C2       2016-11-20   published       yes, Q3, repeat (Z)
  C     follow-up  C2       2017-03-31   reporting       yes, Q4 (31 March): C2 engaged twice
  D     finance    C3       2017-01-15   report_issued   yes, Q4
  E     corporate  C4       2017-04-01   closed          no: 1 April is 2017/18
  W     corporate  C5       2016-09-10   withdrawn       never
  G     corporate  C6       (ahead)      booked          no: booked (take-up)

Team places (days), completed unless said:
  A: M1 lead member 3.5, O1 lead officer 4, O2 officer 4.5, S1 shadow (officer) 2
  B: M2 lead member 3, O1 lead officer 4 (O1's second), M3 member 0.5, O3 officer accepted
  C: O2 officer 1.5 (O2's second)
  D: O4 officer 2.5
  E: O5 officer 3 (next year)
  W: O6 officer withdrawn
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from reports.models import DeliveryTarget, ReportingGroup
from surveys.models import SurveyKind
from tests.surveys.results_data import CE, LEADER, respond
from tests.workflow import factories as f
from workflow.models import Assignment, Council, State

Role = Assignment.Role
COMPLETED = Assignment.Status.COMPLETED
day = datetime.date


def councils(n: int = 7) -> list[Council]:
    return list(Council.objects.active_english().order_by("code")[:n])


def case(host, slug: str, end: datetime.date | None, state: str, **fields):
    dates = {} if end is None else {"onsite_start": end - datetime.timedelta(days=3)}
    if end is not None:
        dates["onsite_end"] = end
    return f.PeerChallengeFactory(
        host=host,
        challenge_type=f.challenge_type(slug),
        state=state,
        manager=None,
        **dates,
        **fields,
    )


def done(challenge, peer, role: str, days: str):
    return f.place(challenge, role=role, status=COMPLETED, peer=peer, days=Decimal(days))


def programme() -> SimpleNamespace:
    c1, c2, c3, c4, c5, c6, c7 = councils()
    p = SimpleNamespace(councils=[c1, c2, c3, c4, c5, c6, c7])
    p.Z = case(c2, "corporate", day(2012, 5, 1), State.CLOSED)
    p.P = case(c7, "corporate", day(2016, 3, 31), State.CLOSED)
    p.A = case(c1, "corporate", day(2016, 6, 10), State.CLOSED)
    p.B = case(c2, "corporate", day(2016, 11, 20), State.PUBLISHED)
    p.C = case(c2, "follow-up", day(2017, 3, 31), State.REPORTING, parent=p.B)
    p.D = case(c3, "finance", day(2017, 1, 15), State.REPORT_ISSUED)
    p.E = case(c4, "corporate", day(2017, 4, 1), State.CLOSED)
    p.W = case(c5, "corporate", day(2016, 9, 10), State.WITHDRAWN)
    p.G = case(c6, "corporate", None, State.BOOKED)

    member, officer = Assignment.Role.MEMBER, Assignment.Role.OFFICER
    peers = {
        name: f.PeerFactory(kind="member" if name.startswith("M") else "officer")
        for name in ["M1", "M2", "M3", "O1", "O2", "O3", "O4", "O5", "O6", "S1"]
    }
    p.peers = peers
    done(p.A, peers["M1"], Role.LEAD_MEMBER, "3.5")
    done(p.A, peers["O1"], Role.LEAD_OFFICER, "4")
    done(p.A, peers["O2"], officer, "4.5")
    done(p.A, peers["S1"], Role.SHADOW, "2")
    done(p.B, peers["M2"], Role.LEAD_MEMBER, "3")
    done(p.B, peers["O1"], Role.LEAD_OFFICER, "4")
    done(p.B, peers["M3"], member, "0.5")
    f.place(p.B, role=officer, status=Assignment.Status.ACCEPTED, peer=peers["O3"])
    done(p.C, peers["O2"], officer, "1.5")
    done(p.D, peers["O4"], officer, "2.5")
    done(p.E, peers["O5"], officer, "3")
    f.place(p.W, role=officer, status=Assignment.Status.WITHDRAWN, peer=peers["O6"])

    group = ReportingGroup.objects.get(slug="corporate-finance")
    DeliveryTarget.objects.create(year=2016, target=4)
    DeliveryTarget.objects.create(year=2016, group=group, target=3)
    return p


def surveys(p: SimpleNamespace) -> None:
    """Feedback returns completed in 2016/17: six, five very or fairly satisfied, four very
    (and one completed in April 2017, outside). Impact, for the 2015/16 cohort (P only): two
    answers, below the minimum base of five: hidden."""
    feedback = SurveyKind.FEEDBACK
    when = {"sent": day(2016, 7, 1), "completed": day(2016, 7, 6)}
    respond(feedback, CE, {"FB1": "very_satisfied"}, challenge=p.A, **when)
    respond(feedback, LEADER, {"FB1": "fairly_satisfied"}, challenge=p.A, **when)
    respond(feedback, CE, {"FB1": "very_satisfied"}, challenge=p.B, **when)
    respond(feedback, LEADER, {"FB1": "fairly_dissatisfied"}, challenge=p.B, **when)
    respond(feedback, CE, {"FB1": "very_satisfied"}, challenge=p.D, **when)
    respond(feedback, CE, {"FB1": "very_satisfied"}, challenge=p.P, **when)
    respond(
        feedback,
        LEADER,
        {"FB1": "very_dissatisfied"},
        challenge=p.E,
        sent=day(2017, 4, 10),
        completed=day(2017, 4, 20),
    )
    impact = SurveyKind.IMPACT
    respond(impact, CE, {"IM1": "significant_positive"}, challenge=p.P, **when)
    respond(impact, LEADER, {"IM1": "some_positive"}, challenge=p.P, **when)
