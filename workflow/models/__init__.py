from workflow.choices import BEFORE_ONSITE, TERMINAL, State

from .availability import Availability, AvailabilityAnswer, DateOption, ElectionPeriod
from .challenges import PeerChallenge
from .councils import COUNCIL_TYPES, Council
from .events import CaseEvent
from .feeds import CalendarFeed
from .peers import (
    DeclaredInterest,
    OfficerRole,
    Peer,
    PeerFormerCouncil,
    PoliticalGroup,
    Specialism,
)
from .team import Assignment
from .types import ChallengeType

__all__ = [
    "BEFORE_ONSITE",
    "COUNCIL_TYPES",
    "TERMINAL",
    "Assignment",
    "Availability",
    "AvailabilityAnswer",
    "CalendarFeed",
    "CaseEvent",
    "ChallengeType",
    "Council",
    "DateOption",
    "DeclaredInterest",
    "ElectionPeriod",
    "OfficerRole",
    "Peer",
    "PeerChallenge",
    "PeerFormerCouncil",
    "PoliticalGroup",
    "Specialism",
    "State",
]
