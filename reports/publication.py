"""The publication tracker: every case past its feedback presentation, with its report issued,
published, action plan and progress review against their deadlines, overdue first.

The deadlines are the reminder rules' steps (notifications/rules.py), each milestone a target
and a latest date:
* **report issued**: REPORT_OVERDUE_DAYS after the feedback (the manager's reminder), at the
  latest REPORT_OVERDUE_ESCALATE_DAYS (the programme leads');
* **report published** and **action plan**: within PUBLICATION_REMINDER_MONTHS of the report
  (3), at the latest PUBLICATION_ESCALATE_MONTHS (5) for the report and
  ACTION_PLAN_REMINDER_MONTHS (5) for the plan; not for types that expect no publication;
* **progress review** (a follow-up case): within FOLLOW_UP_PROMPT_MONTHS (12) of the visit.

A milestone's RAG: **green** done by its target, or not yet due; **amber** past its target
but not its latest date (or done in that window); **red** past its latest date. A case's RAG
is the worst of what is still outstanding, and its days overdue the most days any
outstanding milestone is past its target: a case whose work is all done is green, whatever
came late (each milestone still says how late). One query: the dates are worked out on its
rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from notifications.rules import (
    ACTION_PLAN_DUE,
    FOLLOW_UP_PROMPT,
    PUBLICATION_DUE,
    REPORT_OVERDUE,
    Step,
)
from workflow.choices import REPORT_ISSUED_OR_LATER, State
from workflow.models import PeerChallenge

GREEN, AMBER, RED = "green", "amber", "red"
WORST = {None: 0, GREEN: 1, AMBER: 2, RED: 3}
PAST_FEEDBACK = (State.REPORTING, *REPORT_ISSUED_OR_LATER)


@dataclass(frozen=True)
class Milestone:
    name: str
    due: datetime.date | None  # None: its clock has not started (no report yet)
    latest: datetime.date | None
    done_on: datetime.date | None
    done: bool  # a follow-up arranged without a date yet is done, with no date
    rag: str | None  # None: not expected, or its clock has not started
    days_overdue: int  # outstanding and past its target
    days_late: int  # done after its target
    expected: bool = True

    @property
    def outstanding(self) -> bool:
        return self.expected and not self.done


def milestone(
    name: str,
    *,
    due: datetime.date | None,
    latest: datetime.date | None,
    done_on: datetime.date | None,
    today: datetime.date,
    done: bool | None = None,
) -> Milestone:
    done = done_on is not None if done is None else done
    rag, overdue, late = None, 0, 0
    if due is not None:
        assert latest is not None
        when = done_on if done else today
        if when is None:  # done, no date: on time as far as anyone can tell
            rag = GREEN
        else:
            past = (when - due).days
            rag = GREEN if past <= 0 else AMBER if when <= latest else RED
            if done:
                late = max(past, 0)
            else:
                overdue = max(past, 0)
    return Milestone(name, due, latest, done_on, done, rag, overdue, late)


NOT_EXPECTED = Milestone("", None, None, None, False, None, 0, 0, expected=False)


@dataclass(frozen=True)
class TrackedCase:
    case: PeerChallenge
    report: Milestone
    published: Milestone
    action_plan: Milestone
    review: Milestone

    @property
    def milestones(self) -> list[Milestone]:
        return [self.report, self.published, self.action_plan, self.review]

    @property
    def rag(self) -> str:
        outstanding = [m.rag for m in self.milestones if m.outstanding]
        return max(outstanding, key=WORST.__getitem__, default=None) or GREEN

    @property
    def days_overdue(self) -> int:
        return max(m.days_overdue for m in self.milestones)

    @property
    def next_due(self) -> datetime.date | None:
        dates = [m.due for m in self.milestones if m.outstanding and m.due is not None]
        return min(dates, default=None)


def _pair(first: Step, last: Step, case: PeerChallenge):
    return first.due(case), last.due(case)


def track(case: PeerChallenge, today: datetime.date) -> TrackedCase:
    report_due, report_latest = _pair(REPORT_OVERDUE[0], REPORT_OVERDUE[1], case)
    report = milestone(
        "Report issued",
        due=report_due,
        latest=report_latest,
        done_on=case.report_issued_on,
        today=today,
    )
    published = action_plan = NOT_EXPECTED
    if case.challenge_type.publication_expected:
        issued = case.report_issued_on is not None
        due, latest = _pair(PUBLICATION_DUE[0], PUBLICATION_DUE[1], case) if issued else (None,) * 2
        published = milestone(
            "Report published", due=due, latest=latest, done_on=case.published_on, today=today
        )
        plan_latest = ACTION_PLAN_DUE[0].due(case) if issued else None
        action_plan = milestone(
            "Action plan published",
            due=due,
            latest=plan_latest,
            done_on=case.action_plan_published_on,
            today=today,
        )
    review = NOT_EXPECTED
    if not case.challenge_type.requires_parent and case.onsite_end is not None:
        review_due = FOLLOW_UP_PROMPT[0].due(case)
        review = milestone(
            "Progress review",
            due=review_due,
            latest=review_due,
            done_on=case.follow_up_on,  # type: ignore[attr-defined]
            done=case.has_follow_up,  # type: ignore[attr-defined]
            today=today,
        )
    return TrackedCase(case, report, published, action_plan, review)


def tracked_cases(cases: QuerySet[PeerChallenge]) -> QuerySet[PeerChallenge]:
    """`cases` past their feedback presentation, with the first live follow-up's visit."""
    follow_ups = PeerChallenge.objects.filter(parent=OuterRef("pk")).exclude(state=State.WITHDRAWN)
    first_visit = follow_ups.order_by("onsite_start").values("onsite_start")[:1]
    return (
        cases.filter(state__in=PAST_FEEDBACK, feedback_date__isnull=False)
        .select_related("host", "challenge_type", "manager")
        .annotate(has_follow_up=Exists(follow_ups), follow_up_on=Subquery(first_visit))
    )


def _order(row: TrackedCase) -> tuple:
    if row.days_overdue:
        return (0, -row.days_overdue, row.case.pk)
    return (1, row.next_due or datetime.date.max, row.case.pk)


def publication_tracker(
    cases: QuerySet[PeerChallenge], *, today: datetime.date
) -> list[TrackedCase]:
    """Every case of `cases` past its feedback: the most overdue first, then the rest by their
    next deadline (those with nothing left to do last)."""
    return sorted((track(case, today) for case in tracked_cases(cases)), key=_order)
