"""Surveys' consequences of case events, listed in peerchallenge/reactions.py and run inside the
case transition's transaction: the invitations and their first emails commit with it."""

from surveys import lifecycle
from workflow.models import CaseEvent


def invite_to_feedback_survey(event: CaseEvent) -> None:
    """The report is issued: the feedback survey to the chief executive and the leader."""
    lifecycle.feedback_survey_invite(challenge=event.challenge, actor=event.actor)


def schedule_impact_survey(event: CaseEvent) -> None:
    """Post-challenge: the impact survey, due twelve months after the visit ended."""
    lifecycle.impact_survey_schedule(challenge=event.challenge, actor=event.actor)
