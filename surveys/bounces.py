"""A survey email that failed for good (refused by the mail server, unrenderable, out of
attempts) is recorded on its invitation, for the manager to correct the address and send it
again. `notifications` tells us through its `email_failed` signal (connected in
SurveysConfig.ready), since it may not import surveys; the signal, not a sweep of failed rows,
so the failure is on the invitation the moment it happens, in the mail server's own words."""

import logging

from notifications.models import Notification
from surveys import lifecycle
from surveys.models import SurveyInvitation

logger = logging.getLogger(__name__)
SURVEY_KINDS = (Notification.Kind.SURVEY_INVITATION, Notification.Kind.SURVEY_REMINDER)


def record_survey_bounce(sender, *, notification: Notification, error: str, **kwargs) -> None:
    if notification.kind not in SURVEY_KINDS:
        return
    invitation = SurveyInvitation.objects.filter(
        pk=notification.context.get("survey_invitation")
    ).first()
    if invitation is None:
        logger.warning("notification %s names no survey invitation", notification.pk)
        return
    lifecycle.survey_record_bounce(invitation=invitation, reason=error)
