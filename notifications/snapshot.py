"""What an email says about its case, frozen when its outbox row is written.

A row is rendered when it is delivered, which may be seconds or days later (a retry, a resend);
by then the case may have been edited. The email must say what was true when it was written, so
the facts it shows are copied into the row's `context["case"]` and the templates read only that
copy. A later change that matters sends its own email.
"""

import datetime
from typing import Any

from workflow.calendar import visit_sequence
from workflow.models import CaseEvent, PeerChallenge

DATE_FACTS = (
    "onsite_start",
    "onsite_end",
    "feedback_date",
    "report_issued_on",
    "published_on",
    "action_plan_published_on",
)
TEXT_FACTS = (
    "chief_executive_name",
    "chief_executive_email",
    "leader_name",
    "leader_email",
    "report_url",
    "publication_url",
    "action_plan_url",
    "postponed_reason",
    "withdrawn_reason",
    "closed_reason",
)


def case_facts(challenge: PeerChallenge, as_of: CaseEvent | None = None) -> dict[str, Any]:
    """The case as JSON, for an outbox row's context."""
    manager = challenge.manager
    facts: dict[str, Any] = {
        "reference": challenge.reference,
        "type": str(challenge.challenge_type),
        "host": str(challenge.host),
        "state": challenge.state,
        "manager_name": (manager.get_full_name() or manager.username) if manager else "",
        "manager_email": manager.email if manager else "",
        "local_objectives": list(challenge.local_objectives or []),
        "visit_sequence": visit_sequence(challenge, as_of),
    }
    for name in DATE_FACTS:
        value = getattr(challenge, name)
        facts[name] = value.isoformat() if value else None
    for name in TEXT_FACTS:
        facts[name] = getattr(challenge, name)
    return facts


def readable(facts: dict[str, Any]) -> dict[str, Any]:
    """The stored facts with their dates as dates again, for the templates' `date` filter."""
    return {
        name: datetime.date.fromisoformat(value) if name in DATE_FACTS and value else value
        for name, value in facts.items()
    }
