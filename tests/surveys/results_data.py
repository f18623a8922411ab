"""Survey returns built straight into the tables, for the results' arithmetic: each helper says
who answered what, so a test's expected figures can be worked out by hand from its lines."""

import datetime
from itertools import count

from django.utils import timezone

from surveys.models import Answer, Question, Questionnaire, Respondent, SurveyInvitation
from tests.workflow.factories import PeerChallengeFactory
from workflow.models import Council, PeerChallenge, State

CE = Respondent.CHIEF_EXECUTIVE
LEADER = Respondent.LEADER
COMPLETED = SurveyInvitation.Status.COMPLETED
SENT = SurveyInvitation.Status.SENT
SCHEDULED = SurveyInvitation.Status.SCHEDULED

_hosts = count()


def london(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def case(*, onsite_end: datetime.date | None = None) -> PeerChallenge:
    """A closed case (so any number share a host and type) whose visit ended on `onsite_end`."""
    end = onsite_end or datetime.date(2016, 10, 20)
    host = Council.objects.filter(nation="England").order_by("code")[next(_hosts) % 300]
    return PeerChallengeFactory(
        state=State.CLOSED,
        host=host,
        manager=None,
        onsite_start=end - datetime.timedelta(days=3),
        onsite_end=end,
    )


def questionnaire(kind: str, version: int = 1) -> Questionnaire:
    return Questionnaire.objects.get(kind=kind, version=version)


def invitation(
    challenge: PeerChallenge,
    kind: str,
    respondent: str,
    *,
    status: str = COMPLETED,
    sent: datetime.date = datetime.date(2017, 6, 1),
    completed: datetime.date | None = None,
    version: int = 1,
) -> SurveyInvitation:
    done = status == COMPLETED
    return SurveyInvitation.objects.create(
        challenge=challenge,
        questionnaire=questionnaire(kind, version),
        respondent=respondent,
        status=status,
        send_on=sent,
        sent_at=None if status == SCHEDULED else london(sent),
        expires_on=sent + datetime.timedelta(days=28),
        completed_at=london(completed or sent + datetime.timedelta(days=5)) if done else None,
    )


def answer(invitation: SurveyInvitation, choices: dict[str, str]) -> None:
    """`choices`: question key -> option value (or free text for a text question)."""
    questions = {
        q.key: q
        for q in Question.objects.filter(questionnaire=invitation.questionnaire, key__in=choices)
    }
    Answer.objects.bulk_create(
        Answer(
            invitation=invitation,
            question=questions[key],
            **({"text": value} if questions[key].kind == Question.Kind.TEXT else {"choice": value}),
        )
        for key, value in choices.items()
    )


def respond(
    kind: str, respondent: str, choices: dict[str, str], *, challenge=None, **when
) -> SurveyInvitation:
    """One completed return with these answers (on a new case unless one is given)."""
    done = invitation(challenge or case(), kind, respondent, **when)
    answer(done, choices)
    return done


def pairs(n: int, kind: str, *, onsite_end: datetime.date | None = None, **when):
    """n invitations, chief executive and leader in turn, two to a case."""
    challenge = None
    for i in range(n):
        if i % 2 == 0:
            challenge = case(onsite_end=onsite_end)
        yield invitation(challenge, kind, CE if i % 2 == 0 else LEADER, **when)
