"""The programme report's tables, defined once: the page shows them, each downloads as CSV
(/reports/programme/<slug>.csv) and the command prints them. A cell is text or a number; a
figure that is hidden or not set is words, never a blank that could be read as nought."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from reports.programme import ProgrammeReport
from reports.targets import TargetLine
from surveys.results import ALL, SurveyResults
from workflow.dates import financial_year_label

Cell = str | int | Decimal | datetime.date


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    rag_column: int | None = None  # shown as a tag on the page, the word in the CSV
    signed_column: int | None = None  # +1 on the page, 1 in the CSV


def _rag(value: str | None, target: int | None) -> str:
    if value:
        return value.capitalize()
    return "No target" if target is None else "Not yet due"


def _or(value, words: str) -> Cell:
    return words if value is None else value


def summary(report: ProgrammeReport) -> Table:
    peers, team, first = report.peers, report.team, report.first_time
    rows: list[list[Cell]] = [
        ["Councils engaged", report.councils_engaged],
        ["Peer challenges delivered", report.delivered],
        ["Peers deployed", peers.deployed],
        ["Peers deployed: councillors", peers.councillors],
        ["Peers deployed: officers", peers.officers],
        ["Peer days", peers.days],
        ["Corporate peer challenges delivered", team.cpcs],
        [
            "Average CPC team size (peers, excluding the manager and shadows)",
            _or(team.average, "No team"),
        ],
        ["First-time CPCs", first.first_time],
        ["First-time CPCs (%)", _or(first.percent, "No CPCs")],
    ]
    return Table("summary", "Summary", ["Figure", "Value"], rows)


def by_type(report: ProgrammeReport) -> Table:
    rows: list[list[Cell]] = [[t.name, t.delivered, t.councils] for t in report.by_type]
    rows.append(["All types", report.delivered, report.councils_engaged])
    return Table(
        "types", "Delivered by type", ["Type", "Peer challenges delivered", "Councils"], rows
    )


def by_group(report: ProgrammeReport) -> Table:
    rows: list[list[Cell]] = [[g.name, g.delivered, g.councils] for g in report.by_group]
    return Table(
        "groups",
        "Delivered by reporting group",
        ["Reporting group", "Peer challenges delivered", "Councils"],
        rows,
    )


def targets(report: ProgrammeReport) -> Table:
    rows: list[list[Cell]] = [
        [
            line.scope,
            _or(line.target, "No target set"),
            _or(line.expected, "No target set"),
            line.delivered,
            _rag(line.rag, line.target),
        ]
        for line in report.targets
    ]
    return Table(
        "targets",
        f"Delivery against target, {financial_year_label(report.year)} to date",
        ["Scope", "Target for the year", "Pro-rata target to date", "Delivered", "RAG"],
        rows,
        rag_column=4,
    )


def _quarter_rows(line: TargetLine) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for q in line.quarters:
        if not q.started:
            rows.append([line.scope, q.quarter, "Not started", "", "", "", ""])
            continue
        rows.append(
            [
                line.scope,
                q.quarter,
                q.delivered,
                q.change if q.change is not None else "",
                q.cumulative,
                _or(q.expected, "No target set"),
                _rag(q.rag, line.target),
            ]
        )
    return rows


def quarters(report: ProgrammeReport) -> Table:
    return Table(
        "quarters",
        f"Quarter by quarter, {financial_year_label(report.year)}",
        [
            "Scope",
            "Quarter",
            "Delivered in the quarter",
            "Change on the quarter before",
            "Cumulative",
            "Pro-rata target",
            "RAG",
        ],
        [row for line in report.targets for row in _quarter_rows(line)],
        rag_column=6,
        signed_column=3,
    )


def take_up(report: ProgrammeReport) -> Table:
    t = report.take_up
    rows: list[list[Cell]] = [
        ["Current English councils", t.eligible],
        ["Have had a corporate peer challenge", t.had],
        ["Booked, none yet", t.booked_only],
        ["Have had one or are booked", t.taken_up],
        ["Take-up (%)", _or(t.percent, "No councils")],
    ]
    as_at = f"{t.as_at.day} {t.as_at:%B %Y}"
    return Table("take-up", f"Take-up as at {as_at}", ["Measure", "Councils"], rows)


def _survey_rows(results: SurveyResults, covers: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for headline in results.headlines:
        figure = headline.figures[ALL]
        hidden = "No answers" if not figure.base else "Hidden"
        rows.append(
            [
                results.title,
                covers,
                headline.question_key,
                headline.label,
                figure.base,
                _or(figure.count, hidden),
                _or(figure.percent, hidden),
            ]
        )
    return rows


def surveys(report: ProgrammeReport) -> Table:
    rows = _survey_rows(report.feedback, f"Returns completed in {report.period.label}")
    rows += _survey_rows(report.impact, f"Challenges delivered in {report.impact.period.label}")
    return Table(
        "surveys",
        "Survey headlines (all respondents)",
        ["Survey", "Covers", "Question", "Figure", "Base (n)", "Count", "%"],
        rows,
    )


def _first_time_words(value: bool | None) -> str:
    return "Not a CPC" if value is None else ("Yes" if value else "No")


def challenges(report: ProgrammeReport) -> Table:
    rows: list[list[Cell]] = [
        [
            case.reference,
            case.council,
            case.type,
            case.onsite_end,
            case.state,
            _first_time_words(case.first_time_cpc),
            case.team,
            case.days,
        ]
        for case in report.cases
    ]
    return Table(
        "challenges",
        "The challenges delivered (what the figures count)",
        [
            "Case",
            "Council",
            "Type",
            "Visit ended",
            "State",
            "First-time CPC",
            "Team (excluding the manager and shadows)",
            "Peer days",
        ],
        rows,
    )


TABLES = {
    "summary": summary,
    "types": by_type,
    "groups": by_group,
    "targets": targets,
    "quarters": quarters,
    "take-up": take_up,
    "surveys": surveys,
    "challenges": challenges,
}


def tables(report: ProgrammeReport) -> list[Table]:
    return [build(report) for build in TABLES.values()]
