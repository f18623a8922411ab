"""The annual common-messages analysis (DOMAIN.md §5.3, §12.6; the board's 000:464-554): the
findings of the reports issued in a UK financial year, counted by core component, theme and
polarity in SQL, with each theme's excerpts and the councils they came from."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from core import snapshots
from core.errors import InvalidInput
from reports.findings import component_labels
from reports.models import Finding, Polarity, Theme
from reports.programme import FIRST_YEAR
from workflow.dates import LATEST, financial_year_bounds, financial_year_label
from workflow.models import PeerChallenge

STRENGTH = Q(polarity=Polarity.STRENGTH)
IMPROVEMENT = Q(polarity=Polarity.IMPROVEMENT)


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


def _excerpts(findings: QuerySet[Finding], first: int | None) -> Iterator[tuple[str, int, Excerpt]]:
    """(component, theme id, excerpt) in the page's order: by polarity's value (areas for
    improvement, then strengths), council, id.
    Read as tuples: a year is ~4,000 findings, and a case instance each (with django-fsm's
    per-instance setup) cost more than the query. `first` keeps each theme's first few in SQL
    (a row number over the theme), for the page."""
    if first == 0:
        return
    rows = findings.order_by("polarity", "challenge__host__name", "pk")
    if first is not None:
        rows = rows.annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("component"), F("theme_id")],
                order_by=[F("polarity"), F("challenge__host__name"), F("pk")],
            )
        ).filter(place__lte=first)
    polarities = dict(Polarity.choices)
    for component, theme_id, council, case_id, polarity, text in rows.values_list(
        "component", "theme_id", "challenge__host__name", "challenge_id", "polarity", "excerpt"
    ):
        yield (
            component,
            theme_id,
            Excerpt(
                council=council,
                case_id=case_id,
                reference=PeerChallenge.reference_of(case_id),
                polarity=polarity,
                polarity_label=polarities.get(polarity, polarity),
                text=text,
            ),
        )


def common_messages(
    *, year: int, excerpts: int | None = None, every_excerpt_of: str = ""
) -> CommonMessages:
    """Three queries: the year's totals, the counts by component and theme, the excerpts:
    each theme's first `excerpts` of them (every one when None, none when 0), except the
    theme `every_excerpt_of` (a slug), which has them all (a fourth query)."""
    check_year(year)
    start, end = financial_year_bounds(year)
    findings = findings_of_year(year)
    totals = findings.aggregate(
        reports=Count("challenge", distinct=True),
        councils=Count("challenge__host", distinct=True),
        strengths=Count("pk", filter=STRENGTH),
        improvements=Count("pk", filter=IMPROVEMENT),
    )
    counts = (
        findings.values("component", "theme")
        .annotate(
            strengths=Count("pk", filter=STRENGTH), improvements=Count("pk", filter=IMPROVEMENT)
        )
        .order_by()
    )
    themes = {t.pk: t for t in Theme.objects.filter(pk__in={c["theme"] for c in counts})}
    labels = component_labels()
    by_key: dict[tuple[str, int], ThemeCount] = {}
    components: dict[str, ComponentCount] = {}
    for row in counts:
        theme = themes[row["theme"]]
        code = row["component"]
        component = components.setdefault(code, ComponentCount(code, labels.get(code, code)))
        count = ThemeCount(theme.slug, theme.name, row["strengths"], row["improvements"])
        component.themes.append(count)
        by_key[(code, theme.pk)] = count
    shown = _excerpts(findings, excerpts)
    if every_excerpt_of and excerpts is not None:
        whole = findings.filter(theme__slug=every_excerpt_of)
        shown = chain(
            _excerpts(findings.exclude(theme__slug=every_excerpt_of), excerpts),
            _excerpts(whole, None),
        )
    for component_code, theme_id, excerpt in shown:
        by_key[(component_code, theme_id)].excerpts.append(excerpt)
    order = list(labels)
    position = {pk: t.position for pk, t in themes.items()}
    slug_position = {t.slug: position[pk] for pk, t in themes.items()}
    for component in components.values():
        component.themes.sort(key=lambda t: (slug_position[t.slug], t.name))
    return CommonMessages(
        year=year,
        label=financial_year_label(year),
        start=start,
        end=end,
        reports=totals["reports"],
        councils=totals["councils"],
        strengths=totals["strengths"],
        improvements=totals["improvements"],
        components=sorted(
            components.values(),
            key=lambda c: (order.index(c.code) if c.code in order else len(order), c.label),
        ),
    )


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
