"""The programme report's charts, drawn on the server as SVG (reports/_bar_chart.svg).

Readable without colour: every bar carries its label and its figure in text, a target is a
dashed marker and said in the bar's text ("40 delivered; pro-rata target 55"), and the chart
has a <title> and a <desc> that say every figure in a sentence; the tables beside the charts
hold the same numbers."""

from dataclasses import dataclass
from decimal import Decimal

from reports.programme import ProgrammeReport

WIDTH = 900  # room for the longest text after the longest bar
LABEL_WIDTH = 260
BAR_SPAN = 300
ROW = 28


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: int
    text: str
    text_x: int
    marker_x: int | None  # the target's marker, if any


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    height: int
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    width: int = WIDTH


def _chart(chart_id: str, title: str, rows: list[tuple[str, int, str, Decimal | None]]) -> Chart:
    """rows: (label, value, text, target marker or None)."""
    top = max([value for _, value, _, _ in rows] + [float(t) for *_, t in rows if t] + [1])
    bars = []
    for index, (label, value, text, target) in enumerate(rows):
        width = round(BAR_SPAN * value / top)
        marker = None if target is None else LABEL_WIDTH + round(BAR_SPAN * float(target) / top)
        bars.append(
            Bar(
                label=label,
                y=index * ROW + 4,
                width=width,
                text=text,
                text_x=LABEL_WIDTH + max(width, (marker or 0) - LABEL_WIDTH) + 8,
                marker_x=marker,
            )
        )
    desc = "; ".join(f"{label}: {text}" for label, _, text, _ in rows) + "."
    return Chart(id=chart_id, title=title, desc=desc, height=len(rows) * ROW + 8, bars=bars)


def by_type_chart(report: ProgrammeReport) -> Chart | None:
    rows: list[tuple[str, int, str, Decimal | None]] = [
        (t.name, t.delivered, f"{t.delivered} delivered", None)
        for t in report.by_type
        if t.delivered
    ]
    if not rows:
        return None
    return _chart("chart-types", f"Peer challenges delivered by type, {report.period.label}", rows)


def quarters_chart(report: ProgrammeReport) -> Chart | None:
    line = report.targets[0]
    rows: list[tuple[str, int, str, Decimal | None]] = []
    for q in line.quarters:
        if not q.started:
            continue
        text = f"{q.cumulative} delivered"
        if q.expected is not None:
            text += f"; pro-rata target {q.expected}"
        rows.append((f"By the end of {q.quarter}", q.cumulative, text, q.expected))
    if not rows:
        return None
    return _chart("chart-quarters", "Peer challenges delivered, cumulative by quarter", rows)
