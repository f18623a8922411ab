"""A team place's own rules, checked by `Assignment.clean()` whoever writes the place: the
transition service, the team services, the admin, imports. Each rule yields the field it is
about and what is wrong, in plain words. Those the database can say are constraints on the
model too (see `Assignment.Meta`), so a writer that skips `clean()` still cannot store them."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError

from workflow.choices import (
    DECLARED,
    MEMBER_ROLES,
    OFFICER_ROLES,
    AssignmentStatus,
    PeerKind,
)

from .rules import Problem, Rule, collect

MAX_DAYS = Decimal(31)  # an onsite visit lasts at most a month (workflow.dates.MAX_ONSITE_DAYS)
# How long an invitee has to answer when the manager gives no date.
RESPOND_WITHIN = datetime.timedelta(days=14)
# Where days on the challenge may be written (completing) and kept (completed).
DAYS_LOGGED = (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)
# Where a reason for declining may be written (declining) and kept (declined).
ANSWERED = (AssignmentStatus.INVITED, AssignmentStatus.DECLINED)


def validate_days(value: Decimal) -> None:
    """Days on a challenge: more than none, at most a month, in half days."""
    if not 0 < value <= MAX_DAYS:
        raise ValidationError(f"must be more than 0 and at most {MAX_DAYS} days")
    if (value * 2) % 1:
        raise ValidationError("in whole or half days (e.g. 3.5)")


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def role_fits_peer(place) -> Iterator[Problem]:
    """Member peers are councillors and officer peers senior officers; a specialist or a
    shadow may be either."""
    if not place.role or place.peer_id is None:
        return
    kind = place.peer.kind
    label = place.get_role_display().lower()
    if place.role in MEMBER_ROLES and kind != PeerKind.MEMBER:
        yield "role", f"a {label} is a councillor: {place.peer} is an officer peer"
    elif place.role in OFFICER_ROLES and kind != PeerKind.OFFICER:
        yield "role", f"an {label} is a senior officer: {place.peer} is a member peer"


def invitation(place) -> Iterator[Problem]:
    if place.status == AssignmentStatus.INVITED and place.respond_by is None:
        yield "respond_by", "an invitation needs a date to respond by"
    if place.respond_by and place.invited_on and place.respond_by < place.invited_on:
        yield "respond_by", f"must not be before the invitation ({_day(place.invited_on)})"


def declaration(place) -> Iterator[Problem]:
    """Accepting needs a declaration of interests: “none” is one, a blank is not."""
    if place.status in DECLARED and not (place.interests or "").strip():
        yield "interests", "declare any interests in this council, or write “none”"


# A rule about what only some statuses hold allows it too in the status its step leaves from:
# the step's input is checked before the step (a 400 ahead of the guard's 409). The database
# holds the strict rule (days exactly when completed).


def days(place) -> Iterator[Problem]:
    if place.status == AssignmentStatus.COMPLETED and place.days is None:
        yield "days", "give the days the peer spent on the challenge"
    elif place.status not in DAYS_LOGGED and place.days is not None:
        yield "days", "days are logged when an accepted place is completed"


def decline(place) -> Iterator[Problem]:
    if place.status not in ANSWERED:
        for field in ("decline_reason", "decline_note"):
            if getattr(place, field):
                yield field, "only an invitation that is declined has a reason for declining"


RULES: list[Rule] = [role_fits_peer, invitation, declaration, days, decline]


def problems(place) -> dict[str, list[str]]:
    return collect(RULES, place)
