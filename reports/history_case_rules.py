"""What a historic case must hold that its model does not check on its own (the rules the
booking and the steps would have checked), the state its dates say when the file gives none,
and the order its rows are written in (a parent before its follow-ups). Each rule yields the
column it is about and what is wrong, in words."""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from reports.history_format import Problem, Row
from workflow.choices import BEFORE_ONSITE, HOLDS_A_PLACE, REPORT_ISSUED_OR_LATER, TERMINAL
from workflow.models import COUNCIL_TYPES, ChallengeType, PeerChallenge, State

VISITED = (State.ONSITE, State.REPORTING, *REPORT_ISSUED_OR_LATER)


def case_problems(case: PeerChallenge) -> Iterator[tuple[str, str]]:
    """The history's rules for one case: its host, its state's dates and reasons, its parent,
    one open case per council and type."""
    state, host, kind = case.state, case.host, case.challenge_type
    if host.nation != "England" or host.la_type not in COUNCIL_TYPES:
        yield "council", f"{host} is not an English council"
    elif state not in TERMINAL and not host.is_current:
        yield "council", f"{host} no longer exists: only a closed or withdrawn case is at it"
    yield from state_problems(case)
    if kind.requires_parent and case.parent is None:
        yield "parent_ref", f"a {kind} names the challenge it follows up"
    if case.parent is not None:
        parent = case.parent
        if parent.host_id != host.pk:
            yield "parent_ref", f"the parent is a case for {parent.host}"
        if parent.state not in REPORT_ISSUED_OR_LATER:
            yield "parent_ref", "a follow-up follows a case whose report was issued"
    other = None
    if holds_a_place(case):
        other = (
            PeerChallenge.objects.filter(HOLDS_A_PLACE, host=host, challenge_type=kind)
            .exclude(pk=case.pk)
            .first()
        )
    if other is not None:
        yield (
            "council",
            f"{host} already has an open {kind} ({other.reference}): one open case per "
            "council and type",
        )


def holds_a_place(case: PeerChallenge) -> bool:
    if case.state in (State.ENQUIRY, *TERMINAL):
        return False
    return not (case.state == State.POSTPONED and case.postponed_from == State.ENQUIRY)


def derived_state(values: dict[str, Any], kind: ChallengeType) -> str:
    """The state a case's dates say it reached, when the file gives none: a report issued (and
    published, where the type expects it) is a finished case."""
    today = timezone.localdate()
    if values.get("report_issued_on"):
        if kind.publication_expected and not values.get("published_on"):
            return State.REPORT_ISSUED
        return State.CLOSED
    if values.get("feedback_date"):
        return State.REPORTING
    start = values.get("onsite_start")
    if start and start <= today:
        return State.ONSITE
    return State.BOOKED


def state_problems(case: PeerChallenge):
    """The dates and reasons a case's state implies (the steps ask for each one)."""
    state, today = case.state, timezone.localdate()
    if state == State.POSTPONED:
        if case.postponed_from not in BEFORE_ONSITE:
            yield "postponed_from", "a postponed case gives the state it resumes to, before onsite"
    elif case.postponed_from:
        yield "postponed_from", "only a postponed case resumes to a state"
    if state == State.WITHDRAWN and not case.withdrawn_reason.strip():
        yield "withdrawn_reason", "a withdrawn case gives the reason"
    undated = state in (State.ENQUIRY, State.WITHDRAWN, State.POSTPONED)
    for name in ("onsite_start", "onsite_end"):
        if getattr(case, name) is None and not undated:
            yield name, f"a case {case.get_state_display().lower()} has its onsite dates"
    if state in VISITED and case.onsite_start and case.onsite_start > today:
        yield "onsite_start", f"a case {state} has had its visit: the start is in the future"
    if state in (State.REPORTING, *REPORT_ISSUED_OR_LATER) and case.feedback_date is None:
        yield "feedback_date", f"a case {state} had its feedback presentation: give the date"
    if state in REPORT_ISSUED_OR_LATER and case.report_issued_on is None:
        yield "report_issued_on", f"a case {state} had its report issued: give the date"
    # And no date of a step the case has not reached (a booked case with a feedback date).
    for name, states in _STEP_DATES.items():
        if getattr(case, name) is not None and state not in states:
            yield name, f"a case {state} has not reached this step: leave it blank"


_STEP_DATES = {
    "feedback_date": (State.REPORTING, *REPORT_ISSUED_OR_LATER),
    "report_issued_on": tuple(REPORT_ISSUED_OR_LATER),
    "published_on": (State.PUBLISHED, State.POST_CHALLENGE, State.CLOSED),
}


def parents_first(rows: list[Row], problems: list[Problem]) -> list[Row]:
    """The rows ordered so that a case named as a parent in the file comes before its
    follow-ups; a loop of parents is a problem on each of its rows."""
    in_file = {row["external_ref"] for row in rows}
    done: set[str] = set()
    ordered: list[Row] = []
    pending = rows
    while pending:
        ready = [r for r in pending if r["parent_ref"] not in in_file or r["parent_ref"] in done]
        if not ready:
            problems += [
                r.problem("parent_ref", "the parents of these cases loop") for r in pending
            ]
            break
        ordered += ready
        done |= {r["external_ref"] for r in ready}
        pending = [r for r in pending if r["external_ref"] not in done]
    return ordered
