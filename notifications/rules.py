"""Reminder rules: each is one plain function `rule(today) -> Iterable[Reminder]` that works out
from database state what is due on or before `today`.

`due_on` is always the rule's nominal date (onsite start - 14, feedback + 28, ...), never
"today": it is part of the outbox's unique key, so a re-run is a no-op and a day the beat missed
is caught up on the next run without a duplicate. Catching up has a limit: a reminder whose
nominal date is more than MAX_CATCH_UP_DAYS old is not written, so a first deploy (or a long
outage) does not mail out years of history. `notifications.tasks.run_reminder_rule` runs a rule
by dotted path (settings.CELERY_BEAT_SCHEDULE); a new rule is one function + one entry.

Who receives a reminder climbs the ladder council -> manager -> programme leads from the rung a
step names, skipping anyone without an email address: a case with no council contacts goes to
its manager, one without an active manager (with an address) to the programme leads. If nobody
is left the reminder is not written, and a WARNING names the case and the kind.

A case whose data breaks a rule (a date the calendar cannot hold) is logged and skipped; every
other case still gets its reminders.
"""

import calendar
import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from notifications.models import Notification
from workflow import roles
from workflow.choices import TERMINAL
from workflow.models import Assignment, PeerChallenge, State

logger = logging.getLogger(__name__)
Recipient = tuple[str, str]  # (name, email)
Kind = Notification.Kind
T = TypeVar("T")


@dataclass(frozen=True)
class Reminder:
    kind: Kind
    topic_key: str
    recipient_email: str
    recipient_name: str
    due_on: datetime.date
    challenge: PeerChallenge | None = None
    context: dict = field(default_factory=dict)


def _setting(name: str):
    return settings.NOTIFICATION_SETTINGS[name]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day `months` later, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


# --- who receives: the escalation ladder -------------------------------------------------------

LADDER = ("council", "manager", "leads")  # bottom to top


def _user_recipient(user) -> Recipient:
    return (user.get_full_name() or user.username, user.email)


def programme_leads() -> list[Recipient]:
    users = get_user_model().objects.filter(is_active=True, groups__name=roles.PROGRAMME_LEAD)
    return [_user_recipient(u) for u in users.order_by("pk").distinct()]


def _rung(challenge: PeerChallenge, rung: str) -> list[Recipient]:
    if rung == "council":
        return challenge.council_contacts
    if rung == "manager":
        manager = challenge.manager
        return [_user_recipient(manager)] if manager is not None and manager.is_active else []
    return programme_leads()


def _with_email(recipients: Iterable[Recipient]) -> list[Recipient]:
    return [(name, email.strip()) for name, email in recipients if email and email.strip()]


def recipients(challenge: PeerChallenge, audience: str) -> tuple[list[Recipient], str]:
    """Who receives what is meant for `audience`, and the rung they were found on: the first
    rung from `audience` up with someone who has an email address; ([], audience) if none."""
    for rung in LADDER[LADDER.index(audience) :]:
        found = _with_email(_rung(challenge, rung))
        if found:
            return found, rung
    return [], audience


def _to(
    challenge: PeerChallenge,
    people: Iterable[Recipient],
    *,
    kind: Kind,
    due_on: datetime.date,
    context: dict,
) -> list[Reminder]:
    return [
        Reminder(
            kind=kind,
            topic_key=Notification.case_topic(challenge),
            recipient_email=email,
            recipient_name=name,
            due_on=due_on,
            challenge=challenge,
            context=context,
        )
        for name, email in _with_email(people)
    ]


def _reminders(
    challenge: PeerChallenge, audience: str, *, kind: Kind, due_on: datetime.date, context: dict
) -> list[Reminder]:
    """The reminders for `audience`, climbing the ladder as far as needed. The templates see
    the rung reached (`audience`, `escalated`) and, after a climb, whom it stands in for."""
    people, rung = recipients(challenge, audience)
    if not people:
        logger.warning(
            "%s for case %s (due %s) not written: no one on the ladder from %s up has an "
            "email address",
            kind,
            challenge.reference,
            due_on,
            audience,
        )
        return []
    context = {**context, "audience": rung, "escalated": rung == "leads"}
    if rung != audience:
        context["instead_of"] = audience
    return _to(challenge, people, kind=kind, due_on=due_on, context=context)


def _each_case(
    rule: str, cases: Iterable[PeerChallenge], items: Callable[[PeerChallenge], Iterable[T]]
) -> Iterator[T]:
    """`items(case)` for every case; a case whose data breaks the rule is logged and skipped,
    so it cannot stop the rule for every other case."""
    for challenge in cases:
        try:
            found = list(items(challenge))
        except Exception:
            logger.exception("%s: case %s skipped", rule, challenge.reference)
            continue
        yield from found


# --- which cases each rule reads ---------------------------------------------------------------


def _cases(*states: str, **filters):
    return PeerChallenge.objects.filter(state__in=states, **filters).select_related(
        "host", "challenge_type", "manager"
    )


def cases_awaiting_report():
    return _cases(State.REPORTING, feedback_date__isnull=False)


def cases_awaiting_publication():
    return _cases(
        State.REPORT_ISSUED,
        report_issued_on__isnull=False,
        challenge_type__publication_expected=True,
    )


def cases_awaiting_action_plan():
    """Published without the action plan, which may follow the report (DESIGN §3)."""
    return _cases(
        State.PUBLISHED,
        report_issued_on__isnull=False,
        action_plan_url="",
        challenge_type__publication_expected=True,
    )


def cases_without_follow_up():
    """Finished cases of a type that can be followed up, with no live follow-up case yet. A
    closed case drops out once its manager has been prompted: nothing more will happen to it,
    and the digest would otherwise list it for ever."""
    prompted = Notification.objects.filter(challenge=OuterRef("pk"), kind=Kind.FOLLOW_UP_PROMPT)
    return (
        _cases(State.POST_CHALLENGE, State.CLOSED, onsite_end__isnull=False)
        .filter(challenge_type__requires_parent=False)
        .exclude(follow_ups__in=PeerChallenge.objects.exclude(state=State.WITHDRAWN))
        .exclude(Q(state=State.CLOSED) & Exists(prompted))
    )


# --- the ladders: what is sent, how long after what, to whom -------------------------------


@dataclass(frozen=True)
class Clock:
    """What a reminder's date is counted from, and in which unit; `unit` is the name the
    template sees the offset under."""

    date_field: str
    add: Callable[[datetime.date, int], datetime.date]
    unit: str

    def start(self, challenge: PeerChallenge) -> datetime.date:
        return getattr(challenge, self.date_field)


AFTER_FEEDBACK = Clock("feedback_date", _add_days, "days_since_feedback")
AFTER_REPORT = Clock("report_issued_on", add_months, "months")
AFTER_VISIT = Clock("onsite_end", add_months, "months")
# A month added to the 29th-31st lands on a shorter month's end: a window of start dates
# counted back from due dates is this much wider, and the exact test stays in Python.
_MONTH_END_SLACK = datetime.timedelta(days=3)


@dataclass(frozen=True)
class Step:
    """One rung of a reminder ladder: `kind` is sent `offset` (a NOTIFICATION_SETTINGS name)
    after the clock starts, to `audience` or the first rung above it with someone to send to."""

    kind: Kind
    clock: Clock
    offset: str
    audience: str

    def due(self, challenge: PeerChallenge) -> datetime.date:
        return self.clock.add(self.clock.start(challenge), _setting(self.offset))

    def due_between(self, oldest: datetime.date, today: datetime.date) -> Q:
        """The cases whose step may fall due from `oldest` to `today`, as a filter on the
        clock's start date, so a rule reads the cases in its window, not every finished case."""
        back = -_setting(self.offset)
        first = self.clock.add(oldest, back) - _MONTH_END_SLACK
        last = self.clock.add(today, back) + _MONTH_END_SLACK
        return Q(**{f"{self.clock.date_field}__range": (first, last)})

    def reminders(self, challenge: PeerChallenge, due_on: datetime.date) -> list[Reminder]:
        context = {self.clock.unit: _setting(self.offset)}
        return _reminders(challenge, self.audience, kind=self.kind, due_on=due_on, context=context)


REPORT_OVERDUE = [
    Step(Kind.REPORT_OVERDUE, AFTER_FEEDBACK, "REPORT_OVERDUE_DAYS", "manager"),
    Step(Kind.REPORT_OVERDUE, AFTER_FEEDBACK, "REPORT_OVERDUE_ESCALATE_DAYS", "leads"),
]
PUBLICATION_DUE = [
    Step(Kind.PUBLICATION_REMINDER, AFTER_REPORT, "PUBLICATION_REMINDER_MONTHS", "council"),
    Step(Kind.PUBLICATION_ESCALATION, AFTER_REPORT, "PUBLICATION_ESCALATE_MONTHS", "manager"),
    Step(Kind.PUBLICATION_ESCALATION, AFTER_REPORT, "PUBLICATION_LEAD_MONTHS", "leads"),
]
ACTION_PLAN_DUE = [
    Step(Kind.ACTION_PLAN_DUE, AFTER_REPORT, "ACTION_PLAN_REMINDER_MONTHS", "council"),
    Step(Kind.ACTION_PLAN_DUE, AFTER_REPORT, "ACTION_PLAN_ESCALATE_MONTHS", "manager"),
]
FOLLOW_UP_PROMPT = [Step(Kind.FOLLOW_UP_PROMPT, AFTER_VISIT, "FOLLOW_UP_PROMPT_MONTHS", "manager")]


def _climb(rule: str, today: datetime.date, cases, steps: list[Step]) -> Iterator[Reminder]:
    """Every step whose date has come, for every case; later steps do not cancel earlier ones,
    so a late run still sends the whole ladder, each under its own nominal date - within the
    catch-up window."""
    oldest = today - datetime.timedelta(days=_setting("MAX_CATCH_UP_DAYS"))

    def due_steps(challenge: PeerChallenge) -> Iterator[Reminder]:
        for step in steps:
            due_on = step.due(challenge)
            if oldest <= due_on <= today:
                yield from step.reminders(challenge, due_on)

    in_window = reduce(or_, (step.due_between(oldest, today) for step in steps))
    return _each_case(rule, cases.filter(in_window), due_steps)


# --- the rules -----------------------------------------------------------------------------


def onsite_approaching(today: datetime.date) -> Iterator[Reminder]:
    """14 and 2 days before the visit, to the manager and the council contacts.

    Each reminder is due only until the next one (or the visit) comes round: a late run sends
    the 14-day reminder at 13 days, but not at 2 days or once the visit has started.
    """
    offsets = sorted(_setting("ONSITE_REMINDER_DAYS_BEFORE"), reverse=True)
    horizon = today + datetime.timedelta(days=offsets[0])
    upcoming = _cases(
        State.BOOKED,
        State.TEAM_ASSEMBLY,
        State.PREPARATION,
        onsite_start__gt=today,
        onsite_start__lte=horizon,
    )

    def due(challenge: PeerChallenge) -> list[Reminder]:
        start = challenge.onsite_start
        assert start is not None  # the query asked for a start date
        # The smallest offset not yet passed is the reminder due now.
        current = min(days for days in offsets if days >= (start - today).days)
        due_on = start - datetime.timedelta(days=current)
        context = {"days_before": current}
        # The council hears as well as the manager, but climbs no ladder: the manager has it.
        return [
            *_reminders(
                challenge, "manager", kind=Kind.ONSITE_REMINDER, due_on=due_on, context=context
            ),
            *_to(
                challenge,
                challenge.council_contacts,
                kind=Kind.ONSITE_REMINDER,
                due_on=due_on,
                context=context,
            ),
        ]

    return _each_case("onsite_approaching", upcoming, due)


def report_overdue(today: datetime.date) -> Iterator[Reminder]:
    """Report not issued N days after the feedback presentation: manager, then programme leads."""
    return _climb("report_overdue", today, cases_awaiting_report(), REPORT_OVERDUE)


def publication_due(today: datetime.date) -> Iterator[Reminder]:
    """Report not published: council at 3 months, manager at 5, programme leads at 6."""
    return _climb("publication_due", today, cases_awaiting_publication(), PUBLICATION_DUE)


def action_plan_due(today: datetime.date) -> Iterator[Reminder]:
    """Report published but no action plan: council at 5 months (the latest date), manager
    at 6."""
    return _climb("action_plan_due", today, cases_awaiting_action_plan(), ACTION_PLAN_DUE)


def follow_up_prompt(today: datetime.date) -> Iterator[Reminder]:
    """Prompt the manager to arrange a follow-up visit or progress review."""
    return _climb("follow_up_prompt", today, cases_without_follow_up(), FOLLOW_UP_PROMPT)


# --- a peer's unanswered invitation ----------------------------------------------------------


def invitation_reminders(today: datetime.date) -> Iterator[Reminder]:
    """An invitation not yet answered, to its peer, the days after it in
    INVITATION_REMINDER_DAYS (3 and 6), while it is open: its respond-by day not over, its case
    not over. The latest reminder due is the one sent: a late run sends the 3-day reminder on
    day 4, but only the 6-day one on day 6. Keyed by the place, so a re-invited reserve or a
    second place is a new topic. One query for the whole run."""
    offsets = sorted(_setting("INVITATION_REMINDER_DAYS"))
    if not offsets:
        return
    oldest = today - datetime.timedelta(days=_setting("MAX_CATCH_UP_DAYS"))
    invited = (
        Assignment.objects.filter(
            status=Assignment.Status.INVITED,
            respond_by__gte=today,
            invited_on__lte=_add_days(today, -offsets[0]),
            invited_on__gte=_add_days(oldest, -offsets[-1]),
        )
        .exclude(challenge__state__in=TERMINAL)
        .select_related(
            "peer", "challenge__host", "challenge__challenge_type", "challenge__manager"
        )
        .order_by("pk")
    )
    for place in invited:
        assert place.invited_on is not None and place.respond_by is not None  # the query's
        days = max(d for d in offsets if _add_days(place.invited_on, d) <= today)
        due_on = _add_days(place.invited_on, days)
        if due_on < oldest or not place.peer.email.strip():
            continue
        yield Reminder(
            kind=Kind.INVITATION_REMINDER,
            topic_key=f"assignment:{place.pk}",
            recipient_email=place.peer.email.strip(),
            recipient_name=place.peer.name,
            due_on=due_on,
            challenge=place.challenge,
            # The place's id, never its link: the template signs the link when it renders.
            context={
                "assignment": place.pk,
                "role": place.get_role_display().lower(),
                "days_since_invitation": days,
                "invited_on": f"{place.invited_on:%-d %B %Y}",
                "respond_by": f"{place.respond_by:%A %-d %B %Y}",
            },
        )


# --- the managers' weekly digest ---------------------------------------------------------------

# What the digest lists, each overdue from its ladder's first step.
OVERDUE = [
    (cases_awaiting_report, "feedback report not issued", REPORT_OVERDUE[0]),
    (cases_awaiting_publication, "report not yet published", PUBLICATION_DUE[0]),
    (cases_awaiting_action_plan, "action plan not yet published", ACTION_PLAN_DUE[0]),
    (cases_without_follow_up, "follow-up visit or progress review to arrange", FOLLOW_UP_PROMPT[0]),
]


def overdue_items(today: datetime.date) -> Iterator[tuple[PeerChallenge, str, datetime.date]]:
    """(case, what is overdue, since when) for every item overdue for at most
    DIGEST_MAX_AGE_DAYS, for the managers' digest.

    The digest's window is longer than the rules' catch-up window on purpose: an item still
    overdue should stay in front of its manager for weeks after its reminder went, not drop out
    after four digests. It is bounded all the same, so history never fills the digest.
    """
    oldest = today - datetime.timedelta(days=_setting("DIGEST_MAX_AGE_DAYS"))
    for cases, what, step in OVERDUE:

        def overdue(challenge: PeerChallenge, what=what, step=step):
            since = step.due(challenge)
            return [(challenge, what, since)] if oldest <= since <= today else []

        in_window = cases().filter(step.due_between(oldest, today))
        yield from _each_case("manager_weekly_digest", in_window, overdue)


def manager_weekly_digest(today: datetime.date) -> Iterator[Reminder]:
    """One digest a week (due on that week's Monday) to each manager with overdue items. It
    runs daily: the Monday in the key keeps it to one a week, and a missed Monday is caught up
    on the next run that week."""
    monday = today - datetime.timedelta(days=today.weekday())
    by_manager = defaultdict(list)
    for challenge, what, since in overdue_items(today):
        if challenge.manager is not None and challenge.manager.is_active:
            by_manager[challenge.manager].append((challenge, what, since))
    for manager, items in by_manager.items():
        name, email = _user_recipient(manager)
        if not email.strip():
            logger.warning("manager_digest for %s not written: no email address", manager)
            continue
        items.sort(key=lambda item: (item[2], item[0].pk))
        yield Reminder(
            kind=Kind.MANAGER_DIGEST,
            topic_key=f"user:{manager.pk}",
            recipient_email=email.strip(),
            recipient_name=name,
            due_on=monday,
            context={
                "items": [
                    {
                        "reference": c.reference,
                        "host": str(c.host),
                        "what": what,
                        "due": f"{since.day} {since:%B %Y}",
                    }
                    for c, what, since in items
                ]
            },
        )
