"""A small programme for the dashboard and the publication tracker, each case there for one
thing, on a fixed today: every date is written out so a test's figures can be checked by
hand.

    R   ADU, South East, amira, reporting: feedback 16 May, report due 13 Jun: 2 days over
    R2  CRW, South East, amira, reporting: feedback 5 Jun, report due 3 Jul: not yet
    P   BIR, West Midlands, omar, report issued 1 Mar: publication due 1 Jun, 14 days
        over; the chief executive's feedback survey sent 1 Jun (closes 29 Jun)
    A   MAN, North West, omar, published: report 10 Jan, action plan due 10 Jun (at
        5 months): 5 days over; the leader's feedback survey lapsed 29 Apr: 47 days over
    T   LDS, Yorkshire, amira, team assembly: invitations to answer by 14 Jun (1 day
        over), 17 Jun (soon), 25 Jun (not listed)
    I   BST, South West, omar, post challenge: impact survey to send 25 Jun (listed),
        14 Aug (not yet)
"""

import datetime

from django.utils import timezone

from surveys.models import InvitationStatus, Respondent
from tests.surveys.results_data import SCHEDULED, SENT, invitation
from tests.workflow import factories as f
from workflow.models import Assignment, State

EXPIRED = InvitationStatus.EXPIRED

TODAY = datetime.date(2026, 6, 15)
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


def day(month: int, d: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, d)


def _case(code: str, manager, state: str, **fields):
    return f.PeerChallengeFactory(host=f.council(code), manager=manager, state=state, **fields)


def programme() -> dict:
    amira = f.manager(username="amira", first_name="Amira", last_name="Khan")
    omar = f.manager(username="omar", first_name="Omar", last_name="Hussain")
    cases = {
        "R": _case(
            "ADU",
            amira,
            State.REPORTING,
            onsite_start=day(5, 12),
            onsite_end=day(5, 15),
            feedback_date=day(5, 16),
        ),
        "R2": _case(
            "CRW",
            amira,
            State.REPORTING,
            onsite_start=day(6, 1),
            onsite_end=day(6, 4),
            feedback_date=day(6, 5),
        ),
        "P": _case(
            "BIR",
            omar,
            State.REPORT_ISSUED,
            onsite_start=day(1, 12),
            onsite_end=day(1, 15),
            feedback_date=day(1, 16),
            report_issued_on=day(3, 1),
        ),
        "A": _case(
            "MAN",
            omar,
            State.PUBLISHED,
            onsite_start=day(11, 10, 2025),
            onsite_end=day(11, 13, 2025),
            feedback_date=day(11, 14, 2025),
            report_issued_on=day(1, 10),
            published_on=day(3, 1),
        ),
        "T": _case(
            "LDS",
            amira,
            State.TEAM_ASSEMBLY,
            onsite_start=day(9, 7),
            onsite_end=day(9, 10),
        ),
        "I": _case(
            "BST",
            omar,
            State.POST_CHALLENGE,
            onsite_start=day(8, 11, 2025),
            onsite_end=day(8, 14, 2025),
            feedback_date=day(8, 15, 2025),
            report_issued_on=day(9, 1, 2025),
            published_on=day(10, 1, 2025),
            action_plan_url="https://bristol.example.gov.uk/plan",
            action_plan_published_on=day(10, 1, 2025),
        ),
    }
    places = {
        respond_by: f.place(
            cases["T"],
            status=Assignment.Status.INVITED,
            invited_on=day(6, 1),
            respond_by=respond_by,
            peer=f.PeerFactory(name=name),
        )
        for respond_by, name in [
            (day(6, 14), "Pat Late"),
            (day(6, 17), "Sam Soon"),
            (day(6, 25), "Kim Later"),
        ]
    }
    surveys = {
        "sent": invitation(
            cases["P"], "feedback", Respondent.CHIEF_EXECUTIVE, status=SENT, sent=day(6, 1)
        ),
        # Lapsed on 29 April (sent 1 April, 28 days): 47 days overdue, the case still open.
        "lapsed": invitation(
            cases["A"], "feedback", Respondent.LEADER, status=EXPIRED, sent=day(4, 1)
        ),
        "impact": invitation(
            cases["I"], "impact", Respondent.LEADER, status=SCHEDULED, sent=day(6, 25)
        ),
        "impact later": invitation(
            cases["I"], "impact", Respondent.CHIEF_EXECUTIVE, status=SCHEDULED, sent=day(8, 14)
        ),
    }
    return {"amira": amira, "omar": omar, "cases": cases, "places": places, "surveys": surveys}


def london_today() -> datetime.date:
    return timezone.localdate()
