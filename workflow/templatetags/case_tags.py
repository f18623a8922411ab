"""`{% load case_tags %}`: a case's state as a GOV.UK tag, coloured by its stage."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from workflow.choices import State

register = template.Library()

# One colour a stage, so a column of tags reads as the pipeline: setting up (GOV.UK's default
# blue), the team, the visit, the report, after publication; closed is quiet, a side state
# stands out. GOV.UK Frontend 6's tag colours.
STATE_COLOURS: dict[str, str | None] = {
    State.ENQUIRY: None,
    State.BOOKED: None,
    State.TEAM_ASSEMBLY: "purple",
    State.PREPARATION: "purple",
    State.ONSITE: "turquoise",
    State.REPORTING: "yellow",
    State.REPORT_ISSUED: "yellow",
    State.PUBLISHED: "green",
    State.POST_CHALLENGE: "green",
    State.CLOSED: "grey",
    State.POSTPONED: "orange",
    State.WITHDRAWN: "red",
}


@register.simple_tag
def state_tag(state: str) -> SafeString:
    """`{% state_tag case.state %}`; a value that is no state is shown grey, as it is."""
    if state not in STATE_COLOURS:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', state)
    colour = STATE_COLOURS[state]
    modifier = f" govuk-tag--{colour}" if colour else ""
    return format_html('<strong class="govuk-tag{}">{}</strong>', modifier, State(state).label)
