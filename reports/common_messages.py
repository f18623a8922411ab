"""The annual common-messages analysis (DOMAIN.md §5.3, §12.6; the board's 000:464-554): the
findings of the reports issued in a UK financial year, counted by core component, theme and
polarity, with each theme's excerpts and the councils they came from."""

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet

from core import snapshots
from core.errors import InvalidInput
from reports.findings import component_labels
from reports.models import Finding, Polarity, Theme
from reports.programme import FIRST_YEAR
from workflow.dates import LATEST, financial_year_bounds, financial_year_label
from workflow.models import PeerChallenge


@dataclass(frozen=True)
class Excerpt:
    council: str
    case_id: int
    reference: str
    polarity: str  # Polarity's value
    polarity_label: str
    text: str


@dataclass
class ThemeCount:
    slug: str
    name: str
    strengths: int
    improvements: int
    excerpts: list[Excerpt] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.strengths + self.improvements


@dataclass
class ComponentCount:
    code: str
    label: str
    themes: list[ThemeCount] = field(default_factory=list)

    @property
    def strengths(self) -> int:
        return sum(t.strengths for t in self.themes)

    @property
    def improvements(self) -> int:
        return sum(t.improvements for t in self.themes)

    @property
    def total(self) -> int:
        return self.strengths + self.improvements


@dataclass(frozen=True)
class CommonMessages:
    year: int
    label: str
    start: datetime.date
    end: datetime.date
    reports: int  # reports issued in the year with at least one finding
    councils: int
    strengths: int
    improvements: int
    components: list[ComponentCount]

    @property
    def findings(self) -> int:
        return self.strengths + self.improvements


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year < LATEST.year:
        raise InvalidInput(
            {"year": [f"Enter a financial year from {FIRST_YEAR} to {LATEST.year - 1}"]}
        )


def findings_of_year(year: int) -> QuerySet[Finding]:
    start, end = financial_year_bounds(year)
    return Finding.objects.filter(challenge__report_issued_on__range=(start, end))


def common_messages(
    *, year: int, excerpts: int | None = None, every_excerpt_of: str = ""
) -> CommonMessages:
    """The year's findings read once, in the excerpts' order (by polarity's value: areas for
    improvement, then strengths; council; id), and every count taken from them: the totals,
    each theme's strengths and improvements, with each theme's first `excerpts` excerpts
    (every one when None, none when 0) except the theme `every_excerpt_of`'s (a slug), which
    has them all. Three queries; read as tuples: a year is ~4,000 findings, and a case
    instance each (with django-fsm's per-instance setup) cost more than the query. One
    aggregate each for the totals and the counts read the year's cases again each time."""
    check_year(year)
    start, end = financial_year_bounds(year)
    rows = list(
        findings_of_year(year)
        .order_by("polarity", "challenge__host__name", "pk")
        .values_list(
            "component",
            "theme_id",
            "challenge__host_id",
            "challenge__host__name",
            "challenge_id",
            "polarity",
            "excerpt",
        )
    )
    themes = {t.pk: t for t in Theme.objects.filter(pk__in={row[1] for row in rows})}
    labels = component_labels()
    polarities = dict(Polarity.choices)
    by_key: dict[tuple[str, int], ThemeCount] = {}
    components: dict[str, ComponentCount] = {}
    for code, theme_id, _, council, case_id, polarity, text in rows:
        count = by_key.get((code, theme_id))
        if count is None:
            theme = themes[theme_id]
            component = components.setdefault(code, ComponentCount(code, labels.get(code, code)))
            count = by_key[(code, theme_id)] = ThemeCount(theme.slug, theme.name, 0, 0)
            component.themes.append(count)
        if polarity == Polarity.STRENGTH:
            count.strengths += 1
        elif polarity == Polarity.IMPROVEMENT:
            count.improvements += 1
        count.excerpts.append(
            Excerpt(
                council=council,
                case_id=case_id,
                reference=PeerChallenge.reference_of(case_id),
                polarity=polarity,
                polarity_label=polarities.get(polarity, polarity),
                text=text,
            )
        )
    order = list(labels)
    position = {pk: t.position for pk, t in themes.items()}
    slug_position = {t.slug: position[pk] for pk, t in themes.items()}
    for component in components.values():
        component.themes.sort(key=lambda t: (slug_position[t.slug], t.name))
    report = CommonMessages(
        year=year,
        label=financial_year_label(year),
        start=start,
        end=end,
        reports=len({row[4] for row in rows}),
        councils=len({row[2] for row in rows}),
        strengths=sum(c.strengths for c in components.values()),
        improvements=sum(c.improvements for c in components.values()),
        components=sorted(
            components.values(),
            key=lambda c: (order.index(c.code) if c.code in order else len(order), c.label),
        ),
    )
    if excerpts is None:
        return report
    return first_excerpts(report, excerpts, every_excerpt_of)


@snapshots.kept
def kept_common_messages(*, year: int) -> CommonMessages:
    """The year's analysis with every excerpt, for core/snapshots.py: three aggregates over
    the year's findings, each joined to the cases issued in the year (~60 ms each at 100,000
    cases), read by the page, the API and both CSVs alike (issue 11)."""
    return common_messages(year=year)


def latest_common_messages(
    *, year: int, excerpts: int | None = None, every_excerpt_of: str = ""
) -> snapshots.Snapshot[CommonMessages]:
    """The kept analysis of `year` (computed now if none is kept), with each theme's first
    `excerpts` excerpts (every one when None) except the theme `every_excerpt_of`'s, as
    common_messages() gives them."""
    check_year(year)
    kept = snapshots.latest(kept_common_messages, year=year)
    if excerpts is None:
        return kept
    return snapshots.Snapshot(first_excerpts(kept.value, excerpts, every_excerpt_of), kept.as_at)


def first_excerpts(report: CommonMessages, first: int, every_excerpt_of: str) -> CommonMessages:
    """`report` with each theme's first `first` excerpts, the theme `every_excerpt_of`'s all:
    a theme's excerpts are in the order common_messages() numbers them in, so its first few
    are the same ones. A copy: the kept report is not changed."""
    return replace(
        report,
        components=[
            replace(
                component,
                themes=[
                    replace(
                        theme,
                        excerpts=theme.excerpts
                        if theme.slug == every_excerpt_of
                        else theme.excerpts[:first],
                    )
                    for theme in component.themes
                ],
            )
            for component in report.components
        ],
    )
