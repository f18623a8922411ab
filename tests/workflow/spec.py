"""The case state machine as DESIGN.md §3 draws it, written out independently of the model so
the tests compare the code against the design rather than against itself."""

from workflow.models import State

PRE_ONSITE = (State.ENQUIRY, State.BOOKED, State.TEAM_ASSEMBLY, State.PREPARATION)

# transition name -> (source states, target state); resume's target is the state it left.
SPEC = {
    "book": ({State.ENQUIRY}, State.BOOKED),
    "start_team_assembly": ({State.BOOKED}, State.TEAM_ASSEMBLY),
    "confirm_team": ({State.TEAM_ASSEMBLY}, State.PREPARATION),
    "start_onsite": ({State.PREPARATION}, State.ONSITE),
    "record_feedback": ({State.ONSITE}, State.REPORTING),
    "issue_report": ({State.REPORTING}, State.REPORT_ISSUED),
    "publish": ({State.REPORT_ISSUED}, State.PUBLISHED),
    "start_post_challenge": ({State.PUBLISHED}, State.POST_CHALLENGE),
    "close": ({State.POST_CHALLENGE}, State.CLOSED),
    "postpone": (set(PRE_ONSITE), State.POSTPONED),
    "resume": ({State.POSTPONED}, None),
    "withdraw": ({*PRE_ONSITE, State.POSTPONED}, State.WITHDRAWN),
}

ACTIONS = {
    "book": "workflow.challenge.booked",
    "start_team_assembly": "workflow.challenge.team_assembly_started",
    "confirm_team": "workflow.challenge.team_confirmed",
    "start_onsite": "workflow.challenge.onsite_started",
    "record_feedback": "workflow.challenge.feedback_recorded",
    "issue_report": "workflow.challenge.report_issued",
    "publish": "workflow.challenge.published",
    "start_post_challenge": "workflow.challenge.post_challenge_started",
    "close": "workflow.challenge.closed",
    "postpone": "workflow.challenge.postponed",
    "resume": "workflow.challenge.resumed",
    "withdraw": "workflow.challenge.withdrawn",
}

TERMINAL = (State.CLOSED, State.WITHDRAWN)
REASON_REQUIRED = ("close", "postpone", "withdraw")


def wrong_sources(name: str) -> list[State]:
    sources, _ = SPEC[name]
    return [s for s in State if s not in sources]
