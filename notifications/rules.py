"""Reminder rules: each is one plain function `rule(today) -> Iterable[Reminder]` that works out
from database state what is due on or before `today`.

`due_on` is always the rule's nominal date (onsite start - 14, feedback + 28, ...), never
"today": it is part of the outbox's unique key, so a re-run is a no-op and a day the beat missed
is caught up on the next run without a duplicate. `notifications.tasks.run_reminder_rule` runs a
rule by dotted path (settings.CELERY_BEAT_SCHEDULE); a new rule is one function + one entry.

The escalation ladder is recipient -> manager -> programme lead. A case without a manager goes
straight to the programme leads, so a reminder is never silently dropped.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

from workflow import roles
from workflow.models import PeerChallenge, State

Recipient = tuple[str, str]  # (name, email)


@dataclass(frozen=True)
class Reminder:
    kind: str
    subject_ref: str
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


def _user_recipient(user) -> Recipient:
    return (user.get_full_name() or user.username, user.email)


def programme_leads() -> list[Recipient]:
    users = get_user_model().objects.filter(is_active=True, groups__name=roles.PROGRAMME_LEAD)
    return [_user_recipient(u) for u in users.order_by("pk").distinct()]


def manager_or_leads(challenge: PeerChallenge) -> list[Recipient]:
    manager = challenge.manager
    if manager is not None and manager.is_active:
        return [_user_recipient(manager)]
    return programme_leads()


def _reminders(
    challenge: PeerChallenge,
    recipients: Iterable[Recipient],
    *,
    kind: str,
    due_on: datetime.date,
    context: dict | None = None,
) -> Iterator[Reminder]:
    for name, email in recipients:
        yield Reminder(
            kind=kind,
            subject_ref=f"challenge:{challenge.pk}",
            recipient_email=email,
            recipient_name=name,
            due_on=due_on,
            challenge=challenge,
            context=context or {},
        )


def _cases(*states: str, **filters):
    return PeerChallenge.objects.filter(state__in=states, **filters).select_related(
        "host", "challenge_type", "manager"
    )


# --- what is overdue: shared by the case rules and the weekly digest ---------------------------


def _days_after_feedback(days: int) -> Callable[[PeerChallenge], datetime.date]:
    return lambda challenge: challenge.feedback_date + datetime.timedelta(days=days)


def _months_after_report(months: int) -> Callable[[PeerChallenge], datetime.date]:
    return lambda challenge: add_months(challenge.report_issued_on, months)


def _months_after_visit(months: int) -> Callable[[PeerChallenge], datetime.date]:
    return lambda challenge: add_months(challenge.onsite_end, months)


def cases_awaiting_report():
    return _cases(State.REPORTING, feedback_date__isnull=False)


def cases_awaiting_publication():
    return _cases(
        State.REPORT_ISSUED,
        report_issued_on__isnull=False,
        challenge_type__publication_expected=True,
    )


def cases_awaiting_impact_survey():
    return _cases(
        State.POST_CHALLENGE, onsite_end__isnull=False, challenge_type__sends_surveys=True
    )


def cases_without_follow_up():
    """Finished cases of a type that can be followed up, with no live follow-up case yet."""
    return (
        _cases(State.POST_CHALLENGE, State.CLOSED, onsite_end__isnull=False)
        .filter(challenge_type__requires_parent=False)
        .exclude(follow_ups__in=PeerChallenge.objects.exclude(state=State.WITHDRAWN))
    )


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
    for challenge in upcoming:
        days_left = (challenge.onsite_start - today).days
        # The smallest offset not yet passed is the reminder due now.
        current = min(days for days in offsets if days >= days_left)
        yield from _reminders(
            challenge,
            [*manager_or_leads(challenge), *challenge.council_contacts],
            kind="onsite_reminder",
            due_on=challenge.onsite_start - datetime.timedelta(days=current),
            context={"days_before": current},
        )


def _leads_only(challenge: PeerChallenge) -> list[Recipient]:
    return programme_leads()


def _council_contacts(challenge: PeerChallenge) -> list[Recipient]:
    return challenge.council_contacts


@dataclass(frozen=True)
class Step:
    """One rung of a reminder ladder: what is sent, when (from the case) and to whom."""

    kind: str
    due: Callable[[PeerChallenge], datetime.date]
    recipients: Callable[[PeerChallenge], list[Recipient]]
    context: dict


def _climb(today: datetime.date, cases, steps: list[Step]) -> Iterator[Reminder]:
    """Every step whose date has come, for every case; later steps do not cancel earlier ones,
    so a late run still sends the whole ladder, each under its own nominal date."""
    for challenge in cases:
        for step in steps:
            due_on = step.due(challenge)
            if due_on <= today:
                yield from _reminders(
                    challenge,
                    step.recipients(challenge),
                    kind=step.kind,
                    due_on=due_on,
                    context=step.context,
                )


def report_overdue(today: datetime.date) -> Iterator[Reminder]:
    """Report not issued N days after the feedback presentation: manager, then programme leads."""
    days, escalate = _setting("REPORT_OVERDUE_DAYS"), _setting("REPORT_OVERDUE_ESCALATE_DAYS")
    return _climb(
        today,
        cases_awaiting_report(),
        [
            Step(
                "report_overdue",
                _days_after_feedback(days),
                manager_or_leads,
                {"days_since_feedback": days, "escalated": False},
            ),
            Step(
                "report_overdue",
                _days_after_feedback(escalate),
                _leads_only,
                {"days_since_feedback": escalate, "escalated": True},
            ),
        ],
    )


def publication_due(today: datetime.date) -> Iterator[Reminder]:
    """Report not published: council at 3 months, manager at 5, programme leads at 6."""
    council = _setting("PUBLICATION_REMINDER_MONTHS")
    manager = _setting("PUBLICATION_ESCALATE_MONTHS")
    leads = _setting("PUBLICATION_LEAD_MONTHS")
    return _climb(
        today,
        cases_awaiting_publication(),
        [
            Step(
                "publication_reminder",
                _months_after_report(council),
                _council_contacts,
                {"months": council},
            ),
            Step(
                "publication_escalation",
                _months_after_report(manager),
                manager_or_leads,
                {"months": manager, "escalated": False},
            ),
            Step(
                "publication_escalation",
                _months_after_report(leads),
                _leads_only,
                {"months": leads, "escalated": True},
            ),
        ],
    )


def impact_survey_due(today: datetime.date) -> Iterator[Reminder]:
    """Prompt the manager when the impact survey falls due (onsite end + 12 months)."""
    months = _setting("IMPACT_SURVEY_MONTHS")
    step = Step("impact_survey_due", _months_after_visit(months), manager_or_leads, {})
    return _climb(today, cases_awaiting_impact_survey(), [step])


def follow_up_prompt(today: datetime.date) -> Iterator[Reminder]:
    """Prompt the manager to arrange a follow-up visit or progress review."""
    months = _setting("FOLLOW_UP_PROMPT_MONTHS")
    step = Step(
        "follow_up_prompt", _months_after_visit(months), manager_or_leads, {"months": months}
    )
    return _climb(today, cases_without_follow_up(), [step])


def overdue_items(today: datetime.date) -> Iterator[tuple[PeerChallenge, str, datetime.date]]:
    """(case, what is overdue, since when) for every overdue item, for the managers' digest."""
    checks = [
        (
            cases_awaiting_report(),
            "feedback report not issued",
            _days_after_feedback(_setting("REPORT_OVERDUE_DAYS")),
        ),
        (
            cases_awaiting_publication(),
            "report not yet published",
            _months_after_report(_setting("PUBLICATION_REMINDER_MONTHS")),
        ),
        (
            cases_awaiting_impact_survey(),
            "impact survey due",
            _months_after_visit(_setting("IMPACT_SURVEY_MONTHS")),
        ),
        (
            cases_without_follow_up(),
            "follow-up visit or progress review to arrange",
            _months_after_visit(_setting("FOLLOW_UP_PROMPT_MONTHS")),
        ),
    ]
    for cases, what, due in checks:
        for challenge in cases:
            since = due(challenge)
            if since <= today:
                yield challenge, what, since


def manager_weekly_digest(today: datetime.date) -> Iterator[Reminder]:
    """One digest a week (due on that week's Monday) to each manager with overdue items."""
    monday = today - datetime.timedelta(days=today.weekday())
    by_manager = defaultdict(list)
    for challenge, what, since in overdue_items(today):
        if challenge.manager is not None and challenge.manager.is_active:
            by_manager[challenge.manager].append((challenge, what, since))
    for manager, items in by_manager.items():
        name, email = _user_recipient(manager)
        items.sort(key=lambda item: (item[2], item[0].pk))
        yield Reminder(
            kind="manager_digest",
            subject_ref=f"user:{manager.pk}",
            recipient_email=email,
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
