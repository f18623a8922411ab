"""The survey link in a survey email, signed when the email is rendered (surveys/links.py):
the outbox row holds the invitation's id, never the link. Loaded by name from the email
templates, so `notifications` never imports `surveys`."""

from django import template
from django.conf import settings

from surveys.links import survey_path
from surveys.models import SurveyInvitation

register = template.Library()

# What a manager's preview shows instead of the link (notifications.emails.render_email).
PREVIEW = "(the respondent's own link, made only in the email they are sent)"


@register.simple_tag(takes_context=True)
def survey_url(context, notification) -> str:
    """Refuses (the row fails, nothing is sent) when the row's recipient is not the person the
    invitation went to: the link only ever goes to their address, and a preview never holds
    it."""
    invitation = SurveyInvitation.objects.get(pk=notification.context["survey_invitation"])
    if invitation.recipient_email.strip().lower() != notification.recipient_email.strip().lower():
        raise ValueError("the recipient is not the survey's respondent")
    if context.get("preview"):
        return PREVIEW
    return settings.SITE_URL.rstrip("/") + survey_path(invitation)
