"""What is overdue across the programme, for the dashboard: one list per kind of item, each row a
case to act on. The deadlines are the reminder rules' own (notifications/rules.py: the cases
each rule chases and the first step of its ladder, whose date is the deadline), so the
dashboard, the reminders, the digest and the calendar never disagree. One query per kind,
whatever the number of cases: the dates are worked out on the rows each query returns.

* **Unanswered invitations**: a team place invited and not answered, its respond-by day past
  or within DUE_SOON_DAYS (the manager expires it and the next reserve is invited).
* **Reports overdue**: no report REPORT_OVERDUE_DAYS after the feedback presentation.
* **Publication deadlines passed**: the report, or its action plan, not published by the
  rules' dates after the report.
* **Surveys outstanding**: a survey sent and not answered: its link still open (due by its
  closing day), or lapsed on a case still open (a manager may extend it).
* **Impact surveys due**: an impact survey not yet sent whose day has come or comes within
  IMPACT_SOON_DAYS.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain

from django.db.models import QuerySet

from notifications.rules import (
    ACTION_PLAN_DUE,
    PUBLICATION_DUE,
    REPORT_OVERDUE,
    Step,
    cases_awaiting_action_plan,
    cases_awaiting_publication,
    cases_awaiting_report,
)
from surveys.models import InvitationStatus, SurveyInvitation, SurveyKind
from workflow.choices import TERMINAL, AssignmentStatus
from workflow.models import Assignment, PeerChallenge

DUE_SOON_DAYS = 3  # an invitation answerable for this few days more is worth a nudge now
IMPACT_SOON_DAYS = 30  # the month ahead: time to check the case's contacts


@dataclass(frozen=True)
class Item:
    case: PeerChallenge
    what: str  # what is due, in words: "Report not issued", "Leader: feedback survey"
    due: datetime.date
    days_overdue: int  # 0 or less: due today or still to come

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    items: list[Item]


def _item(case: PeerChallenge, what: str, due: datetime.date, today: datetime.date) -> Item:
    return Item(case=case, what=what, due=due, days_overdue=(today - due).days)


def _past_step(
    cases: QuerySet[PeerChallenge], step: Step, what: str, today: datetime.date
) -> list[Item]:
    """The cases whose step's date has come: the rule's deadline, counted by the rule."""
    items = []
    for case in cases:
        due = step.due(case)
        if due <= today:
            items.append(_item(case, what, due, today))
    return items


def _sorted(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (item.due, item.case.pk))


def unanswered_invitations(cases: QuerySet[PeerChallenge], today: datetime.date) -> list[Item]:
    places = (
        Assignment.objects.filter(
            challenge__in=cases,
            status=AssignmentStatus.INVITED,
            respond_by__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .exclude(challenge__state__in=TERMINAL)
        .select_related(
            "peer", "challenge__host", "challenge__challenge_type", "challenge__manager"
        )
    )
    return _sorted(
        _item(place.challenge, f"{place.peer.name} ({place.get_role_display()})", due, today)
        for place in places
        if (due := place.respond_by) is not None
    )


def _in(cases: QuerySet[PeerChallenge], rule: Callable[[], QuerySet[PeerChallenge]]):
    return rule().filter(pk__in=cases.values("pk"))


def reports_overdue(cases: QuerySet[PeerChallenge], today: datetime.date) -> list[Item]:
    waiting = _in(cases, cases_awaiting_report)
    return _sorted(_past_step(waiting, REPORT_OVERDUE[0], "Report not issued", today))


def publication_passed(cases: QuerySet[PeerChallenge], today: datetime.date) -> list[Item]:
    report = _past_step(
        _in(cases, cases_awaiting_publication), PUBLICATION_DUE[0], "Report not published", today
    )
    plan = _past_step(
        _in(cases, cases_awaiting_action_plan),
        ACTION_PLAN_DUE[0],
        "Action plan not published",
        today,
    )
    return _sorted([*report, *plan])


def _surveys(cases: QuerySet[PeerChallenge]) -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.filter(challenge__in=cases).select_related(
        "questionnaire", "challenge__host", "challenge__challenge_type", "challenge__manager"
    )


def _survey_words(invitation: SurveyInvitation) -> str:
    survey = invitation.questionnaire.get_kind_display().lower()
    return f"{invitation.get_respondent_display()}: {survey}"


def surveys_outstanding(cases: QuerySet[PeerChallenge], today: datetime.date) -> list[Item]:
    """Sent and unanswered: open, or lapsed on a case not yet over; due by its closing day."""
    # Two queries, not one with an OR: the open ones are read through the survey_waiting
    # index, the lapsed ones through the open cases; the OR scanned all ~200,000 invitations.
    open_ = _surveys(cases).filter(status=InvitationStatus.SENT)
    lapsed = (
        _surveys(cases)
        .filter(status=InvitationStatus.EXPIRED)
        .exclude(challenge__state__in=TERMINAL)
    )
    return _sorted(
        _item(
            invitation.challenge,
            _survey_words(invitation),
            invitation.expires_on or today,
            today,
        )
        for invitation in chain(open_, lapsed)
    )


def impact_surveys_due(cases: QuerySet[PeerChallenge], today: datetime.date) -> list[Item]:
    """Scheduled, its day come or within IMPACT_SOON_DAYS; a closed case sends none."""
    due = (
        _surveys(cases)
        .filter(
            status=InvitationStatus.SCHEDULED,
            questionnaire__kind=SurveyKind.IMPACT,
            send_on__lte=today + datetime.timedelta(days=IMPACT_SOON_DAYS),
        )
        .exclude(challenge__state__in=TERMINAL)
    )
    return _sorted(
        _item(invitation.challenge, _survey_words(invitation), invitation.send_on, today)
        for invitation in due
    )


KINDS: tuple[tuple[str, str, Callable[[QuerySet, datetime.date], list[Item]]], ...] = (
    ("invitations", "Unanswered invitations", unanswered_invitations),
    ("reports", "Reports overdue after feedback", reports_overdue),
    ("publication", "Publication deadlines passed", publication_passed),
    ("surveys", "Surveys outstanding", surveys_outstanding),
    ("impact", "Impact surveys due", impact_surveys_due),
)


def overdue(cases: QuerySet[PeerChallenge], today: datetime.date) -> list[Kind]:
    """Every kind of item for the cases in `cases`: a query each."""
    return [Kind(slug, title, items(cases, today)) for slug, title, items in KINDS]
