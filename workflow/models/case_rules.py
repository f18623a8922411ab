"""The case's own rules, checked by `PeerChallenge.clean()` whoever writes the case: the
transition service, edits through the API, the admin and the pages, imports. Each rule returns
the field it is about and what is wrong, in plain words; the callers turn them into 400s and
form errors."""

import datetime
from collections.abc import Callable, Iterator

from django.utils import timezone

from core.one_line import line_breaks
from workflow.choices import REPORT_ISSUED_OR_LATER, State
from workflow.dates import MAX_ONSITE_DAYS

from .rules import Problem, collect

MAX_OBJECTIVES = 20
MAX_OBJECTIVE_LENGTH = 500


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def onsite_dates(case) -> Iterator[Problem]:
    start, end = case.onsite_start, case.onsite_end
    if start and end and end < start:
        yield "onsite_end", f"must not be before the onsite start ({_day(start)})"
    elif start and end and (end - start).days > MAX_ONSITE_DAYS:
        yield "onsite_end", f"an onsite visit lasts at most {MAX_ONSITE_DAYS} days"


# Dates that record something that has happened, each after the step it follows.
_RECORDED = [
    ("feedback_date", "onsite_start", "the onsite visit began"),
    ("report_issued_on", "feedback_date", "the feedback presentation"),
    ("published_on", "report_issued_on", "the report was issued"),
    ("action_plan_published_on", "report_issued_on", "the report was issued"),
]


def recorded_dates(case) -> Iterator[Problem]:
    today = timezone.localdate()
    for field, after, what in _RECORDED:
        value, earliest = getattr(case, field), getattr(case, after)
        if value is None:
            continue
        if value > today:
            yield field, "cannot be in the future"
        elif earliest and value < earliest:
            yield field, f"is before {what} ({_day(earliest)})"


def scope(case) -> Iterator[Problem]:
    codes = case.scope_components
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        yield "scope_components", "must be a list of component codes"
        return
    known = [c["code"] for c in case.challenge_type.mandatory_components]
    unknown = [code for code in codes if code not in known]
    if unknown:
        yield (
            "scope_components",
            f"not a component of the {case.challenge_type}: {', '.join(unknown)} "
            f"(its components are {', '.join(known) or 'none'})",
        )
    if len(set(codes)) != len(codes):
        yield "scope_components", "a component is listed twice"


def objectives(case) -> Iterator[Problem]:
    items = case.local_objectives
    if not isinstance(items, list) or not all(isinstance(o, str) for o in items):
        yield "local_objectives", "must be a list of objectives, each in words"
        return
    if len(items) > MAX_OBJECTIVES:
        yield "local_objectives", f"at most {MAX_OBJECTIVES} objectives"
    if any(not o.strip() for o in items):
        yield "local_objectives", "an objective is blank"
    if any(len(o) > MAX_OBJECTIVE_LENGTH for o in items):
        yield "local_objectives", f"an objective is longer than {MAX_OBJECTIVE_LENGTH} characters"


def fields_the_state_needs(state: str, challenge_type) -> tuple[str, ...]:
    """The fields a case of the type must hold, each one, once in `state` (a report is a URL
    or a file, so neither alone is needed): the step forms do not call them optional."""
    published = state in (State.PUBLISHED, State.POST_CHALLENGE, State.CLOSED)
    if published and challenge_type.publication_expected:
        return ("publication_url", "published_on")
    return ()


def what_the_state_needs(case) -> Iterator[Problem]:
    """What a case in its state must hold, so no path can issue a report without one."""
    if case.state in REPORT_ISSUED_OR_LATER and not (case.report_file or case.report_url):
        yield "report_url", "give a report URL or upload a report file"
    needed = fields_the_state_needs(case.state, case.challenge_type)
    if "publication_url" in needed and not case.publication_url:
        yield "publication_url", f"a {case.challenge_type} is published at a URL: give it"
    if "published_on" in needed and case.published_on is None:
        yield "published_on", "give the date the council published the report"


def header_names(case) -> Iterator[Problem]:
    """The contacts' names go into the To header of their survey emails."""
    yield from line_breaks(case, ("chief_executive_name", "leader_name"))


RULES: list[Callable] = [
    onsite_dates,
    recorded_dates,
    scope,
    objectives,
    what_the_state_needs,
    header_names,
]


def problems(case) -> dict[str, list[str]]:
    return collect(RULES, case)
