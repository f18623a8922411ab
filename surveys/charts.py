"""One bar chart per headline question, drawn on the server as SVG (surveys/_chart.svg).

Readable without colour: each respondent group has its own fill pattern as well as its own
shade, every bar is labelled with its group and its figure in words ("80% (12 of 15)"), and a
hidden figure says so in text rather than drawing nothing. For screen readers the chart has a
<title> and a <desc> that says every figure in a sentence; the table beside it holds the same
numbers.
"""

from dataclasses import dataclass

from surveys.models import Respondent
from surveys.results import ALL, Figure, Headline

# Layout in SVG user units (the chart scales to its container).
WIDTH = 720
LABEL_WIDTH = 150  # the group's name, left of the bar
BAR_SPAN = 400  # 100 %
BAR_HEIGHT = 18
ROW = 26
HEADING = 28  # the headline's label above its bars
GAP = 12

SPLIT_NAMES = {
    Respondent.CHIEF_EXECUTIVE: "Chief executives",
    Respondent.LEADER: "Leaders",
    ALL: "All respondents",
}
# Pattern ids are per chart (ids must be unique on the page): "<chart id>-<pattern>".
SPLIT_PATTERNS = {Respondent.CHIEF_EXECUTIVE: "hatch", Respondent.LEADER: "dots", ALL: "solid"}


def figure_in_words(figure: Figure, *, min_base: int) -> str:
    if figure.suppressed:
        if figure.base == 0:
            return "no answers"
        return f"hidden: fewer than {min_base} answers (n = {figure.base})"
    return f"{figure.percent}% ({figure.count} of {figure.base})"


@dataclass(frozen=True)
class Bar:
    name: str
    pattern: str
    y: int
    width: int  # 0 for a hidden figure
    text: str
    text_x: int


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    id: str
    question: str  # the figure's caption
    title: str
    desc: str
    height: int
    groups: list[Group]
    label_width: int = LABEL_WIDTH
    width: int = WIDTH


def chart(headlines: list[Headline], *, chart_id: str, min_base: int) -> Chart:
    """The chart of one question's headlines: for each, a bar per respondent group."""
    first = headlines[0]
    y = 0
    groups = []
    sentences = []
    for headline in headlines:
        label_y = y + HEADING - 8
        y += HEADING
        bars = []
        parts = []
        for split, name in SPLIT_NAMES.items():
            figure = headline.figures[split]
            text = figure_in_words(figure, min_base=min_base)
            width = 0 if figure.percent is None else round(BAR_SPAN * figure.percent / 100)
            bars.append(
                Bar(
                    name=name,
                    pattern=f"{chart_id}-{SPLIT_PATTERNS[split]}",
                    y=y,
                    width=width,
                    text=text,
                    text_x=LABEL_WIDTH + width + 8,
                )
            )
            parts.append(f"{name} {text}")
            y += ROW
        y += GAP
        groups.append(Group(label=f"% {headline.label}", label_y=label_y, bars=bars))
        sentences.append(f"{headline.label.capitalize()}: " + "; ".join(parts) + ".")
    return Chart(
        id=chart_id,
        question=f"{first.question_key}: {first.question_text}",
        title=f"{first.question_key}: "
        + " and ".join(f"% {h.label}" for h in headlines)
        + ", by respondent",
        desc=" ".join(sentences),
        height=y,
        groups=groups,
    )
