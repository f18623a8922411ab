"""The case page's surveys panel (settings.CASE_PANELS, workflow/panels.py): the case's survey
invitations, where each stands, and, for managers only, what each council's respondents
answered (DESIGN.md §5: per-council answers are shown only to managers).

Programme leads see the invitations without the answers; anyone else (a peer on the team) gets
no panel.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from surveys.answer_words import answer_lines
from surveys.contacts import contact_changed, waiting_for_address
from surveys.models import InvitationStatus, SurveyInvitation
from workflow import roles
from workflow.models import PeerChallenge

STATUS_TAG: dict[str, str] = {
    InvitationStatus.SCHEDULED: "govuk-tag--grey",
    InvitationStatus.SENT: "govuk-tag--blue",
    InvitationStatus.COMPLETED: "govuk-tag--green",
    InvitationStatus.EXPIRED: "govuk-tag--red",
}


@dataclass(frozen=True)
class AnswerRow:
    key: str
    question: str
    lines: list[str]


@dataclass(frozen=True)
class InvitationRow:
    invitation: SurveyInvitation
    tag: str
    contact_changed: bool
    waiting_for_address: bool  # due, but the case has no email address for its respondent
    answers: list[AnswerRow] | None  # None: not shown to this user (or not completed)


def _answers(invitation: SurveyInvitation) -> list[AnswerRow]:
    by_question = {answer.question_id: answer for answer in invitation.answers.all()}
    return [
        AnswerRow(question.key, question.text, answer_lines(question, by_question.get(question.pk)))
        for question in invitation.questionnaire.questions.all()
    ]


def case_invitations(case: PeerChallenge, *, with_answers: bool) -> list[InvitationRow]:
    invitations = (
        SurveyInvitation.objects.filter(challenge=case)
        .select_related("questionnaire", "challenge")
        .order_by("questionnaire__kind", "respondent")
    )
    if with_answers:
        invitations = invitations.prefetch_related("questionnaire__questions", "answers")
    return [
        InvitationRow(
            invitation=invitation,
            tag=STATUS_TAG.get(invitation.status, "govuk-tag--grey"),
            contact_changed=contact_changed(invitation),
            waiting_for_address=waiting_for_address(invitation),
            answers=_answers(invitation)
            if with_answers and invitation.status == InvitationStatus.COMPLETED
            else None,
        )
        for invitation in invitations
    ]


def surveys_panel(request: HttpRequest, case: PeerChallenge) -> SafeString | None:
    user = request.user
    if not roles.can_read_all(user):
        return None
    may_read_answers = roles.can_manage(user)
    rows = case_invitations(case, with_answers=may_read_answers)
    if not rows and not case.challenge_type.sends_surveys:
        return None
    return render_to_string(
        "surveys/surveys_panel.html",
        {"case": case, "rows": rows, "may_read_answers": may_read_answers},
        request=request,
    )
