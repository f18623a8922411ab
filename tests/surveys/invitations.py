"""Cases taken through the transitions that invite to surveys, for the lifecycle's tests."""

import datetime

from notifications.models import Notification
from surveys.models import Respondent, SurveyInvitation
from tests.notifications.factories import london
from tests.workflow.factories import PeerChallengeFactory, challenge_type, manager
from workflow.models import CaseEvent, PeerChallenge, State
from workflow.services import challenge_transition

CE, LEADER = Respondent.CHIEF_EXECUTIVE, Respondent.LEADER
DAY = datetime.timedelta(days=1)
# A visit that ended on a Thursday; its impact survey falls due a year on.
ONSITE_END = datetime.date(2025, 6, 12)
IMPACT_DAY = datetime.date(2026, 6, 12)

__all__ = ["london"]


def report_issued(**fields) -> PeerChallenge:
    """A case whose report the manager has just issued (the feedback survey's trigger)."""
    case = PeerChallengeFactory(state=State.REPORTING, **fields)
    return challenge_transition(
        challenge=case,
        name="issue_report",
        actor=manager(),
        report_url="https://example.org/report.pdf",
    )


def no_surveys_type():
    kind = challenge_type("finance")
    kind.sends_surveys = False
    kind.save()
    return kind


def post_challenge(**fields) -> PeerChallenge:
    """A published case moved to post-challenge (the impact survey's trigger)."""
    fields.setdefault("onsite_start", ONSITE_END - 3 * DAY)
    fields.setdefault("onsite_end", ONSITE_END)
    case = PeerChallengeFactory(state=State.PUBLISHED, **fields)
    return challenge_transition(challenge=case, name="start_post_challenge", actor=manager())


def invitation(case: PeerChallenge, respondent: str = CE, kind: str = "") -> SurveyInvitation:
    found = SurveyInvitation.objects.filter(challenge=case, respondent=respondent)
    if kind:
        found = found.filter(questionnaire__kind=kind)
    return found.get()


def rows(case: PeerChallenge, kind: str = Notification.Kind.SURVEY_INVITATION) -> list:
    return list(Notification.objects.filter(challenge=case, kind=kind).order_by("pk"))


def events(case: PeerChallenge, action: str) -> list[CaseEvent]:
    return list(case.events.filter(action=action).order_by("pk"))
