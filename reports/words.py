"""The programme report's delivery paragraph, in the board's words (board paper 000:575):
"During 2016/17 we engaged with 62 councils: 51 received a corporate peer challenge, seven
received a follow-up visit and five received a finance peer challenge. We deployed 250 officers
and councillors as peers, who delivered 1,200 days of challenge and support."

Numbers under ten are words, as the board writes them; larger ones have thousands separators.
No sentence starts with a figure."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.formats import date_format

from surveys.periods import financial_year
from surveys.results import SurveyResults
from workflow.dates import financial_year_label

if TYPE_CHECKING:
    from reports.programme import ProgrammeReport

WORDS = ["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
PARTS = {
    "Q1": "Q1 of {year} (April to June)",
    "Q2": "Q2 of {year} (July to September)",
    "Q3": "Q3 of {year} (October to December)",
    "Q4": "Q4 of {year} (January to March)",
    "H1": "the first half of {year} (April to September)",
    "H2": "the second half of {year} (October to March)",
}


def number(value: int | Decimal) -> str:
    """7 -> "seven", 1200 -> "1,200", Decimal("12.5") -> "12.5"."""
    if value == int(value):
        value = int(value)
        return WORDS[value] if 0 <= value < 10 else f"{value:,}"
    return f"{value:,}"


def counted(value: int | Decimal, one: str, many: str) -> str:
    """3, "council", "councils" -> "three councils"; none is "no councils"."""
    return f"{number(value) if value else 'no'} {one if value == 1 else many}"


def listed(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _type_name(name: str) -> str:
    return name[:1].lower() + name[1:]


def period_words(year: int, part: str) -> str:
    label = financial_year_label(year)
    return PARTS[part].format(year=label) if part else label


def _day(value) -> str:
    return date_format(value, "j F Y")


def _engagement(report: "ProgrammeReport") -> str:
    when = f"During {period_words(report.year, report.part)}"
    if not report.delivered:
        return f"{when} no peer challenges were delivered."
    received = [
        f"{number(t.councils)} received a {_type_name(t.name)}"
        for t in report.by_type
        if t.councils
    ]
    return (
        f"{when} we engaged with {counted(report.councils_engaged, 'council', 'councils')}: "
        f"{listed(received)}."
    )


def _peers(report: "ProgrammeReport") -> str:
    peers = report.peers
    if not peers.deployed:
        return "No peers' days have been logged for these challenges yet."
    return (
        f"We deployed {number(peers.deployed)} officers and councillors as peers "
        f"({counted(peers.councillors, 'councillor', 'councillors')} and "
        f"{counted(peers.officers, 'officer', 'officers')}), who delivered "
        f"{counted(peers.days, 'day', 'days')} of challenge and support."
    )


def _cpcs(report: "ProgrammeReport") -> list[str]:
    sentences = []
    if report.team.average is not None:
        sentences.append(
            f"The average corporate peer challenge team was {report.team.average} peers plus "
            "an LGA peer challenge manager."
        )
    first = report.first_time
    if first.cpcs:
        sentences.append(
            f"Of the {counted(first.cpcs, 'corporate peer challenge', 'corporate peer challenges')}"
            f" delivered, {number(first.first_time)} ({first.percent}%) "
            f"{'was in a council' if first.first_time == 1 else 'were in councils'} receiving "
            "one for the first time."
        )
    return sentences


def _targets(report: "ProgrammeReport") -> list[str | None]:
    """The year's target for all types, then each group's (the board's "110 peer challenges,
    including 70 corporate peer challenges")."""
    sentences = [_target(report)]
    for line in report.targets[1:]:
        if line.target is None:
            continue
        sentences.append(
            f"Of these, {number(line.delivered)} {'was' if line.delivered == 1 else 'were'} "
            f"{line.scope} peer challenges, against a target of {number(line.target)} for the "
            f"year ({line.rag or 'none due yet'})."
        )
    return sentences


def _target(report: "ProgrammeReport") -> str | None:
    line = report.targets[0]  # all types
    if line.target is None:
        return None
    delivered = counted(line.delivered, "peer challenge", "peer challenges")
    if report.today > financial_year(report.year).end:
        return (
            f"In {financial_year_label(report.year)} as a whole we delivered {delivered} "
            "against the year's target of "
            f"{number(line.target)} ({line.rag or 'no RAG'})."
        )
    if line.rag is None:
        return f"The year's target is {number(line.target)} peer challenges; none is due yet."
    return (
        f"By {_day(report.today)} we had delivered {delivered} against a pro-rata target of "
        f"{line.expected} ({number(line.target)} for the year): {line.rag}."
    )


def _take_up(report: "ProgrammeReport") -> str | None:
    take_up = report.take_up
    if not take_up.eligible:
        return None
    return (
        f"As at {_day(take_up.as_at)}, {take_up.percent}% of English councils "
        f"({number(take_up.taken_up)} of {take_up.eligible:,}) have had a corporate peer "
        "challenge or are signed up for one."
    )


def _survey(results: SurveyResults, lead: str, verb: str) -> str | None:
    if not results.headlines:
        return None
    headline = results.headlines[0]
    figure = headline.figures["all"]
    if figure.suppressed:
        return f"{lead}, too few answered to report a figure (n = {figure.base})."
    return f"{lead}, {figure.percent}% {verb} {headline.label} (n = {figure.base})."


def delivery_paragraph(report: "ProgrammeReport") -> str:
    sentences: list[str | None] = [_engagement(report)]
    if report.delivered:
        sentences.append(_peers(report))
        sentences += _cpcs(report)
    sentences += _targets(report)
    sentences += [
        _take_up(report),
        _survey(report.feedback, "Of the feedback survey returns in the period", "were"),
        _survey(report.impact, "Of the councils asked a year after their challenge", "reported a"),
    ]
    return " ".join(s for s in sentences if s)
