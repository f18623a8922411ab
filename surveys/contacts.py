"""Who a survey goes to: the case's chief executive and leader as the case names them when the
invitation is sent (a manager may update them until then); the invitation records who it went
to, so a change after sending can be flagged (the case's surveys panel) and the survey sent
again to the new person (surveys.lifecycle.survey_revoke_link)."""

from django.utils import timezone

from surveys.models import InvitationStatus, Respondent, SurveyInvitation

Status = InvitationStatus
# The case's fields holding each respondent's name and email address.
CONTACT_FIELDS = {
    Respondent.CHIEF_EXECUTIVE: ("chief_executive_name", "chief_executive_email"),
    Respondent.LEADER: ("leader_name", "leader_email"),
}


def current_contact(invitation: SurveyInvitation) -> tuple[str, str]:
    """(name, email) of the respondent as the case records them now."""
    name_field, email_field = CONTACT_FIELDS[Respondent(invitation.respondent)]
    case = invitation.challenge
    return getattr(case, name_field).strip(), getattr(case, email_field).strip()


def _same_person(a: tuple[str, str], b: tuple[str, str]) -> bool:
    def norm(value: str) -> str:
        return " ".join(value.split()).lower()

    return norm(a[0]) == norm(b[0]) and norm(a[1]) == norm(b[1])


def contact_changed(invitation: SurveyInvitation) -> bool:
    """Sent to someone the case no longer names for that role (a new chief executive, a new
    address), while that matters: the survey open or lapsed, so a manager may send it again
    to the new person. Not yet sent, it will go to whoever the case names then; completed, who
    answered it is history, not a warning."""
    if invitation.status in (Status.SCHEDULED, Status.COMPLETED):
        return False
    sent_to = (invitation.recipient_name, invitation.recipient_email)
    return not _same_person(sent_to, current_contact(invitation))


def waiting_for_address(invitation: SurveyInvitation) -> bool:
    """Due but not sent, because the case holds no email address for its respondent: it goes
    with the next daily sweep once the address is recorded."""
    return (
        invitation.status == Status.SCHEDULED
        and invitation.send_on <= timezone.localdate()
        and not current_contact(invitation)[1]
    )
