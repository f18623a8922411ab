"""A respondent's survey link (DESIGN.md §5): signed over the invitation's id and its `nonce`
(core/signed_links.py); the outbox row holds the invitation's id only and the link is signed
when the email is rendered. A link acts only while its survey is open: sent, not completed,
its expiry day not over, its nonce not replaced. Anything else is one answer, `None`, so the
page never says which."""

from django.urls import reverse
from django.utils import timezone

from core.signed_links import make_token, nonce_matches, read_token
from surveys.models import InvitationStatus, SurveyInvitation

PURPOSE = "survey-invitation"


def survey_token(invitation: SurveyInvitation) -> str:
    return make_token(PURPOSE, invitation.pk, invitation.nonce)


def survey_path(invitation: SurveyInvitation) -> str:
    return reverse("survey", kwargs={"token": survey_token(invitation)})


def open_survey(token: str) -> SurveyInvitation | None:
    """The open invitation a link was made for, or None."""
    found = read_token(PURPOSE, token)
    if found is None:
        return None
    pk, nonce = found
    invitation = (
        SurveyInvitation.objects.select_related("questionnaire", "challenge__host")
        .filter(pk=pk)
        .first()
    )
    if (
        invitation is None
        or not nonce_matches(invitation.nonce, nonce)
        or invitation.status != InvitationStatus.SENT
        or (invitation.expires_on is not None and invitation.expires_on < timezone.localdate())
    ):
        return None
    return invitation
