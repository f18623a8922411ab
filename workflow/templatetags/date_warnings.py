"""`{% load date_warnings %}`: the case page's warnings about its onsite dates
(workflow/date_checks.py), next to the dates."""

from django import template

from workflow import roles
from workflow.availability_services import poll_refusal
from workflow.date_checks import date_clashes

register = template.Library()


@register.simple_tag
def onsite_date_warnings(case) -> list[str]:
    if not (case.onsite_start and case.onsite_end):
        return []
    return date_clashes(case.host, case.onsite_start, case.onsite_end)


@register.simple_tag
def date_poll_link(case, user) -> str:
    """The words of the link to the date poll's page for `user`, or "" for none: managers ask
    while the dates are being chosen; staff see an existing poll's answers."""
    if not roles.can_read_all(user):
        return ""
    if roles.can_manage(user) and not poll_refusal(case):
        return "Ask the team which dates they can make"
    return "See which dates the team can make" if case.date_options.exists() else ""
