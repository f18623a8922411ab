"""Erasing a person's name from free text that others wrote or that was copied from them: case
event reasons and data, a case's reasons and objectives, team places' notes, survey answers,
findings, good practice, coverage notes, outbox rows' contexts and errors. Each mention of the
person's name or email becomes "[removed]"; the rest of the text stays (a published good
practice is the council's text, not personal data, unless it names someone).

Text columns are searched by the database (a case-insensitive `contains` per name); JSON
columns (event data, outbox contexts, objectives) are read in Python on the cases the person was
connected to, and on any other event whose JSON text names them.
"""

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Q, TextField
from django.db.models.functions import Cast

from notifications.models import Notification
from reports.models import CoverageNote, Finding, GoodPractice
from surveys.models import Answer, SurveyInvitation
from workflow.audit import redact_event
from workflow.models import Assignment, CaseEvent, DeclaredInterest, PeerChallenge

REMOVED = "[removed]"
SHORTEST_NAME = 3  # "Al" would blank every "also"-like fragment: a name is at least this long

# (model, its free-text columns, the lookup to its case or None, what the audit calls it)
TEXT_COLUMNS: list[tuple[type[Model], tuple[str, ...], str | None, str]] = [
    (PeerChallenge, ("postponed_reason", "withdrawn_reason", "closed_reason"), "pk", "case"),
    (
        Assignment,
        ("interests", "decline_note", "override_reason"),
        "challenge_id",
        "team places",
    ),
    (DeclaredInterest, ("note",), None, "declared interests"),
    (Answer, ("text",), "invitation__challenge_id", "survey answers"),
    (SurveyInvitation, ("bounce_reason",), "challenge_id", "survey invitations"),
    (Finding, ("excerpt",), "challenge_id", "findings"),
    (GoodPractice, ("title", "summary"), "challenge_id", "good practice"),
    (CoverageNote, ("reason",), None, "coverage notes"),
    (Notification, ("last_error",), "challenge_id", "emails"),
]


def name_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every name and address, longest first (so "Pat Smith" wins over "Pat"),
    whole words only, any case; None when there is nothing to look for."""
    words = sorted(
        {" ".join(t.split()) for t in terms if t and len(t.strip()) >= SHORTEST_NAME},
        key=len,
        reverse=True,
    )
    if not words:
        return None
    # Any run of whitespace between a name's words matches, as typed text wraps.
    alternatives = [r"\s+".join(map(re.escape, w.split())) for w in words]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """`value` with every match replaced, through lists and dicts (keys stay)."""
    if isinstance(value, str):
        return pattern.sub(REMOVED, value)
    if isinstance(value, list):
        return [scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, pattern) for key, item in value.items()}
    return value


def _mentions(fields: Iterable[str], terms: Iterable[str]) -> Q:
    found = Q(pk__in=[])
    for field in fields:
        for term in terms:
            found |= Q(**{f"{field}__icontains": term})
    return found


def erase_names(
    terms: set[str], cases: set[int], per_case: Counter, where: dict[int, set[str]]
) -> int:
    """Replace every mention of `terms` in free text; count the rows changed per case into
    `per_case` and what was changed into `where` (for the audit rows). Returns rows changed."""
    terms = {t for t in terms if t and len(t.strip()) >= SHORTEST_NAME}
    pattern = name_pattern(terms)
    if pattern is None:
        return 0
    changed = 0

    def noted(case_id: int | None, label: str) -> None:
        nonlocal changed
        changed += 1
        if case_id is not None:
            per_case[case_id] += 1
            where.setdefault(case_id, set()).add(label)

    for model, fields, to_case, label in TEXT_COLUMNS:
        rows = model._default_manager.filter(_mentions(fields, terms))
        for row in rows.values("pk", *fields, *filter(None, [to_case])):
            new = {f: scrub(row[f], pattern) for f in fields}
            if new != {f: row[f] for f in fields}:
                model._default_manager.filter(pk=row["pk"]).update(**new)
                noted(row[to_case] if to_case else None, label)

    as_text = Cast("data", TextField())
    events = CaseEvent.objects.annotate(as_text=as_text).filter(
        Q(challenge_id__in=cases) | _mentions(["reason", "as_text"], terms)
    )
    for event in events.only("pk", "challenge_id", "reason", "data"):
        reason, data = scrub(event.reason, pattern), scrub(event.data, pattern)
        if (reason, data) != (event.reason, event.data):
            redact_event(event, reason=reason, data=data)
            noted(event.challenge_id, "case events")

    for email in Notification.objects.filter(challenge_id__in=cases).only(
        "pk", "challenge", "context"
    ):
        context = scrub(email.context, pattern)
        if context != email.context:
            Notification.objects.filter(pk=email.pk).update(context=context)
            noted(email.challenge_id, "emails")

    for case in PeerChallenge.objects.filter(pk__in=cases).only("pk", "local_objectives"):
        objectives = scrub(case.local_objectives, pattern)
        if objectives != case.local_objectives:
            PeerChallenge.objects.filter(pk=case.pk).update(local_objectives=objectives)
            noted(case.pk, "case")
    return changed
