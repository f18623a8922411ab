"""A respondent's open invitation and answers that fill its pages, for the respondent's tests."""

import datetime

from django.utils import timezone

from surveys.links import survey_path, survey_token
from surveys.models import Question, Questionnaire, Respondent, SurveyInvitation
from surveys.questions import page_numbers
from tests.workflow.factories import PeerChallengeFactory, council
from workflow.models import PeerChallenge, State

OBJECTIVES = ["Strengthen financial planning", "Improve partnership working with the NHS"]


def sent_invitation(
    kind: str = "feedback",
    *,
    respondent: str = Respondent.CHIEF_EXECUTIVE,
    challenge: PeerChallenge | None = None,
    expires_in: int = 28,
    host: str = "ADU",
) -> SurveyInvitation:
    """An invitation sent today, open for `expires_in` days, its case where the survey is sent."""
    if challenge is None:
        state = State.REPORT_ISSUED if kind == "feedback" else State.POST_CHALLENGE
        challenge = PeerChallengeFactory(
            state=state, host=council(host), local_objectives=OBJECTIVES
        )
    today = timezone.localdate()
    return SurveyInvitation.objects.create(
        challenge=challenge,
        questionnaire=Questionnaire.objects.get(kind=kind, version=1),
        respondent=respondent,
        recipient_name=challenge.chief_executive_name,
        recipient_email=challenge.chief_executive_email,
        status=SurveyInvitation.Status.SENT,
        send_on=today,
        sent_at=timezone.now(),
        expires_on=today + datetime.timedelta(days=expires_in),
    )


def answer(question: Question) -> str | list[str]:
    """A valid answer: a scale's second option (its first for a MULTIPLE), or words."""
    if question.kind == Question.Kind.TEXT:
        return f"Words for {question.key}"
    if question.kind == Question.Kind.MULTIPLE:
        return [question.values[0]]
    return question.values[1]


def page_data(invitation: SurveyInvitation, page: int) -> dict:
    return {q.key: answer(q) for q in invitation.questionnaire.questions.filter(page=page)}


def pages(invitation: SurveyInvitation) -> list[int]:
    return page_numbers(invitation.questionnaire)


def url(invitation: SurveyInvitation, page: int | str | None = None) -> str:
    """The start page, a question page, or "check"."""
    base = survey_path(invitation)
    return base if page is None else f"{base}{page}/"


def token(invitation: SurveyInvitation) -> str:
    return survey_token(invitation)
