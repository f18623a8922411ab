"""Choosing the onsite dates with the team (issue 8): a manager offers two to four candidate
ranges, the invited and accepted peers say of each whether they can make it, and the manager
then sets the onsite dates as any other edit of the case (services.challenge_update).

Both writes take the case's row lock, as every team write does, and land on its timeline. The
warnings about each range (workflow/date_checks.py) are shown, never enforced."""

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput, Refused
from workflow import actions
from workflow.audit import record_event
from workflow.choices import BEFORE_ONSITE, AssignmentStatus, State
from workflow.dates import range_words
from workflow.machine import Actor
from workflow.models import Assignment, Availability, AvailabilityAnswer, DateOption, PeerChallenge
from workflow.timeline import ANSWERED_BY_LINK

MIN_OPTIONS, MAX_OPTIONS = 2, 4
# While the dates may still be chosen: before the visit, or postponed (new dates to find).
CHOOSING_DATES = (*BEFORE_ONSITE, State.POSTPONED)
# The places asked: an open invitation or a place on the team whose visit is ahead.
POLLED = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)
Range = tuple[datetime.date, datetime.date]


def poll_refusal(challenge: PeerChallenge) -> list[str]:
    """Why the case's dates can no longer be polled, if they cannot (pages ask first)."""
    if challenge.state not in CHOOSING_DATES:
        state = challenge.get_state_display().lower()
        return [f"the onsite dates are no longer being chosen: the case is {state}"]
    return []


def refuse_unless_choosing(challenge: PeerChallenge) -> None:
    _refuse(poll_refusal(challenge))


def answer_refusal(place: Assignment) -> list[str]:
    """Why this place cannot answer the poll now, if it cannot (pages ask first)."""
    unmet = poll_refusal(place.challenge)
    if place.status not in POLLED:
        status = AssignmentStatus(place.status).label.lower()
        unmet.append(f"only invited or accepted peers say which dates they can make, not {status}")
    if not place.challenge.date_options.exists():
        unmet.append("no dates have been offered to choose from")
    return unmet


def polled_places(challenge: PeerChallenge):
    return challenge.assignments.filter(status__in=POLLED).select_related("peer").in_team_order()


def date_options_set(
    *, challenge: PeerChallenge, ranges: Sequence[Range], actor: Actor
) -> list[DateOption]:
    """Offer `ranges` (each start to end, inclusive) as the case's candidate dates, in place
    of any offered before. A range offered again keeps its answers; a range taken away loses
    them. Nothing changed, nothing recorded (so no second email)."""
    with transaction.atomic():
        challenge = _locked(challenge)
        refuse_unless_choosing(challenge)
        errors = range_errors(ranges, today=timezone.localdate())
        if errors:
            raise InvalidInput({"options": errors})
        wanted = sorted(set(ranges))
        current = {(o.start, o.end): o for o in challenge.date_options.all()}
        if set(current) == set(wanted):
            return list(challenge.date_options.all())
        challenge.date_options.exclude(
            pk__in=[o.pk for key, o in current.items() if key in wanted]
        ).delete()
        DateOption.objects.bulk_create(
            DateOption(challenge=challenge, start=start, end=end)
            for start, end in wanted
            if (start, end) not in current
        )
        record_event(
            challenge=challenge,
            action=actions.DATE_OPTIONS_SET,
            from_state=challenge.state,
            actor=actor,
            data={"dates": [range_words(start, end) for start, end in wanted]},
        )
    return list(challenge.date_options.all())


def range_errors(ranges: Sequence[Range], *, today: datetime.date) -> list[str]:
    """What is wrong with the ranges offered, in words, each range named by its place."""
    errors = []
    if not MIN_OPTIONS <= len(ranges) <= MAX_OPTIONS:
        errors.append(
            f"offer {MIN_OPTIONS} to {MAX_OPTIONS} date ranges to choose from, not {len(ranges)}"
        )
    seen: dict[Range, int] = {}
    for number, (start, end) in enumerate(ranges, 1):
        if end < start:
            errors.append(
                f"option {number} ends ({range_words(end, end)}) before it starts "
                f"({range_words(start, start)})"
            )
        elif start < today:
            errors.append(f"option {number} starts in the past ({range_words(start, start)})")
        if (start, end) in seen:
            errors.append(f"option {number} is the same as option {seen[(start, end)]}")
        seen.setdefault((start, end), number)
    return errors


def availability_answer(
    *, assignment: Assignment, answers: Mapping[int, str], actor: Actor, by_link: bool = False
) -> list[AvailabilityAnswer]:
    """The peer's answer (yes, if need be, no) for every range offered, by option id; a
    second answer replaces the first. `by_link`: given by the invitation's link, which the
    timeline says (the peer may have no account to name as the actor)."""
    with transaction.atomic():
        assignment.challenge = _locked(assignment.challenge)
        assignment.refresh_from_db(fields=["status"])
        challenge = assignment.challenge
        _refuse(answer_refusal(assignment))
        options = list(challenge.date_options.all())
        errors = _answer_errors(options, answers)
        if errors:
            raise InvalidInput({"answers": errors})
        saved = _save_answers(assignment, options, answers)
        record_event(
            challenge=challenge,
            action=actions.AVAILABILITY_ANSWERED,
            from_state=challenge.state,
            actor=actor,
            data={
                "assignment": assignment.pk,
                "peer": assignment.peer_id,
                "dates": [f"{o}: {Availability(answers[o.pk]).label}" for o in options],
                **({"answered_by": ANSWERED_BY_LINK} if by_link else {}),
            },
        )
    return saved


def _save_answers(
    place: Assignment, options: list[DateOption], answers: Mapping[int, str]
) -> list[AvailabilityAnswer]:
    """Each option's answer, created or changed: three queries however many options."""
    given = {a.option_id: a for a in AvailabilityAnswer.objects.filter(assignment=place)}
    now = timezone.now()
    new, changed = [], []
    for option in options:
        answer = given.get(option.pk)
        if answer is None:
            given[option.pk] = answer = AvailabilityAnswer(option=option, assignment=place)
            new.append(answer)
        elif answer.answer != answers[option.pk]:
            changed.append(answer)
        answer.answer, answer.answered_at = answers[option.pk], now
    AvailabilityAnswer.objects.bulk_create(new)
    AvailabilityAnswer.objects.bulk_update(changed, ["answer", "answered_at"])
    return [given[option.pk] for option in options]


def _answer_errors(options: list[DateOption], answers: Mapping[int, str]) -> list[str]:
    offered = {o.pk: o for o in options}
    errors = [f"{pk} is not one of the dates offered" for pk in answers if pk not in offered]
    for pk, option in offered.items():
        if pk not in answers:
            errors.append(f"say whether you can make {option}")
        elif answers[pk] not in Availability.values:
            known = ", ".join(Availability.values)
            errors.append(f"“{answers[pk]}” is not an answer for {option}: give one of {known}")
    return errors


def _locked(challenge: PeerChallenge) -> PeerChallenge:
    return PeerChallenge.objects.select_for_update().get(pk=challenge.pk)


def _refuse(unmet: list[str]) -> None:
    if unmet:
        raise Refused(unmet)
