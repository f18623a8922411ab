"""`{% load date_warnings %}`: the case page's warnings about its onsite dates
(workflow/date_checks.py), next to the dates."""

from django import template
from django.urls import reverse

from workflow import roles
from workflow.availability_services import poll_refusal
from workflow.date_checks import date_clashes
from workflow.invitation_links import invitation_token

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


@register.simple_tag
def date_poll_answer_path(place, signed_in=False) -> str:
    """Where the peer of an invitation says which offered dates they can make ("" while none
    are offered): signed in, their place's page; else by their invitation's own link."""
    if not place.challenge.date_options.exists():
        return ""
    if signed_in:
        return reverse("my-place-availability", kwargs={"assignment_id": place.pk})
    return reverse("invitation-availability", kwargs={"token": invitation_token(place)})
