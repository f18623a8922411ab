"""The board's survey figures (DOMAIN.md §6.2, §6.3), computed in the database.

What a result covers:
* feedback: the *returns of a period*: invitations completed between its two dates (the board's
  "survey returns in the first half of 2017/18");
* impact: a *cohort of challenges*: invitations of the cases whose onsite visit ended in the
  period (the board's "challenges a year ago").

Each headline of Question.headlines is the share of respondents who chose one of its `values`,
out of its base n: the completed invitations that answered the question, less those whose
answer is one of the headline's `base_excludes` ("not applicable"). Each figure is given for
the chief executives, the leaders and all, and hidden (its base still shown) when its base is
below settings.SURVEY_MIN_BASE.

The response rate: of the invitations sent (in the period for feedback; to the cohort for
impact), the share completed so far.

Percentages are whole numbers rounded half up, as the board prints them: 23 of 29 is 79.31 %,
printed 79 %; 28 of 29 is 96.55 %, printed 97 %; a half (1 of 8 = 12.5 %) becomes 13 %,
never Python's round-half-to-even 12 %.

Across questionnaire versions a question key is compared only where the wording is the same:
the versions of a key are grouped by text, options and headline definitions, and each group is
its own line (a reworded FB1 is a new line, never pooled with the old one).
"""

import datetime
import json
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import snapshots
from surveys.models import Answer, Question, Respondent, SurveyInvitation, SurveyKind
from surveys.periods import Period

ALL = "all"
# The splits every figure is given for: each role, then everyone.
SPLITS = (*Respondent.values, ALL)
COMPLETED = SurveyInvitation.Status.COMPLETED


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` as a whole-number percentage, rounded half up (integer arithmetic, so
    no float error at the half)."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class Figure:
    """One headline for one split: `count` of `base` chose one of its values. Suppressed, only
    the base is kept: a count of 3 out of 4 says as much as 75 %."""

    base: int
    count: int | None
    percent: int | None
    suppressed: bool

    @classmethod
    def of(cls, count: int, base: int, *, min_base: int) -> "Figure":
        if base < min_base:
            return cls(base, None, None, suppressed=True)
        return cls(base, count, percent(count, base), suppressed=False)


@dataclass(frozen=True)
class Rate:
    """The response rate for one split: `completed` of `sent`."""

    sent: int
    completed: int

    @property
    def percent(self) -> int | None:
        return percent(self.completed, self.sent)


@dataclass(frozen=True)
class Wording:
    """The versions of one question key that share their wording: compared as one line."""

    key: str
    text: str
    versions: tuple[int, ...]
    question_ids: tuple[int, ...]
    options: tuple[dict, ...]
    headlines: tuple[dict, ...]


@dataclass(frozen=True)
class Headline:
    question_key: str
    question_text: str
    versions: tuple[int, ...]
    key: str
    label: str
    figures: dict[str, Figure]  # by split: chief_executive, leader, all


@dataclass(frozen=True)
class SurveyResults:
    kind: str
    period: Period
    min_base: int
    responses: dict[str, int]  # completed invitations covered, by split
    rates: dict[str, Rate]  # by split
    headlines: list[Headline]

    @property
    def title(self) -> str:
        return SurveyKind(self.kind).label


# --- what a period covers ------------------------------------------------------------------


def _local_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) as aware datetimes on the London calendar: a return at 00:30 BST on 1 April
    belongs to the day it was in London."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def _in_period(kind: str, period: Period, *, when: str, via: str = "") -> Q:
    """The period's part of what a figure covers, through the relation `via` ("" for
    invitations themselves, "invitation__" for answers): for feedback, `when` (sent_at or
    completed_at) falls in the period; for impact, the invitation is the cohort's (its case's
    visit ended in the period)."""
    if kind == SurveyKind.IMPACT:
        return Q(**{f"{via}challenge__onsite_end__range": (period.start, period.end)})
    start, end = _local_bounds(period)
    return Q(**{f"{via}{when}__gte": start, f"{via}{when}__lt": end})


def returns(kind: str, period: Period) -> QuerySet[SurveyInvitation]:
    """The completed invitations a result is computed from: feedback completed in the period;
    impact completed by the cohort."""
    return SurveyInvitation.objects.filter(
        _in_period(kind, period, when="completed_at"), questionnaire__kind=kind, status=COMPLETED
    )


# --- wording across versions ------------------------------------------------------------------


def wordings(kind: str) -> list[Wording]:
    """Every question of the survey's published versions, grouped by key and identical
    wording, in the order of the newest version's questions (a key's newest wording first)."""
    questions = (
        # A draft version has no invitations yet: its wording is not a line of the results.
        Question.objects.filter(questionnaire__kind=kind, questionnaire__published_at__isnull=False)
        .select_related("questionnaire")
        .order_by("-questionnaire__version", "position")
    )
    groups: dict[tuple, list[Question]] = {}
    for question in questions:
        signature = (
            question.key,
            question.text,
            json.dumps(question.options, sort_keys=True),
            json.dumps(question.headlines, sort_keys=True),
        )
        groups.setdefault(signature, []).append(question)
    # Keys in the order they are first met (newest version first), each key's wordings together.
    order = {key: index for index, key in enumerate(dict.fromkeys(s[0] for s in groups))}
    ordered = sorted(groups.values(), key=lambda qs: order[qs[0].key])
    return [
        Wording(
            key=qs[0].key,
            text=qs[0].text,
            versions=tuple(sorted(q.questionnaire.version for q in qs)),
            question_ids=tuple(q.pk for q in qs),
            options=tuple(qs[0].options),
            headlines=tuple(qs[0].headlines),
        )
        for qs in ordered
    ]


# --- the figures ------------------------------------------------------------------------------


def _headline_counts(wording_list: list[Wording], kind: str, period: Period) -> dict[str, int]:
    """One query: the returns' answers counted by question, respondent and choice (a few
    hundred rows at most), then each headline's base and count for every split summed from
    them. One filtered COUNT per headline and split in SQL was ~170 aggregates to compile per
    survey, most of the programme report's time. The answers join their invitations, not
    `invitation IN (the returns)`: the semi-join read each return twice (100 -> 40 ms for a
    year's 2,800 returns at 100,000 cases)."""
    question_ids = [pk for wording in wording_list for pk in wording.question_ids]
    if not question_ids:
        return {}
    tally: dict[tuple[int, str, str], int] = {}
    rows = (
        Answer.objects.filter(
            _in_period(kind, period, when="completed_at", via="invitation__"),
            invitation__questionnaire__kind=kind,
            invitation__status=COMPLETED,
            question_id__in=question_ids,
        )
        .exclude(choice="")
        .values_list("question_id", "invitation__respondent", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for question_id, respondent, choice, n in rows:
        tally[question_id, respondent, choice] = n
    counts = {}
    for w, wording in enumerate(wording_list):
        ids = set(wording.question_ids)
        for h, headline in enumerate(wording.headlines):
            excluded, chosen = set(headline.get("base_excludes") or ()), set(headline["values"])
            for split in SPLITS:
                base = count = 0
                for (question_id, respondent, choice), n in tally.items():
                    if question_id not in ids or choice in excluded:
                        continue
                    if split != ALL and respondent != split:
                        continue
                    base += n
                    count += n if choice in chosen else 0
                counts[f"base_{w}_{h}_{split}"] = base
                counts[f"count_{w}_{h}_{split}"] = count
    return counts


def _invitation_counts(kind: str, period: Period) -> tuple[dict[str, int], dict[str, Rate]]:
    """The returns by split and the response rate by split, in one pass over the invitations
    that were sent or returned in the period (feedback), or the cohort's (impact)."""
    sent = _in_period(kind, period, when="sent_at") & Q(sent_at__isnull=False)
    returned = _in_period(kind, period, when="completed_at") & Q(status=COMPLETED)
    counted = {}
    for split in SPLITS:
        role = Q() if split == ALL else Q(respondent=split)
        counted[f"sent_{split}"] = Count("pk", filter=role & sent)
        counted[f"completed_{split}"] = Count("pk", filter=role & sent & Q(status=COMPLETED))
        counted[f"returned_{split}"] = Count("pk", filter=role & returned)
    totals = SurveyInvitation.objects.filter(sent | returned, questionnaire__kind=kind).aggregate(
        **counted
    )
    responses = {split: totals[f"returned_{split}"] for split in SPLITS}
    rates = {split: Rate(totals[f"sent_{split}"], totals[f"completed_{split}"]) for split in SPLITS}
    return responses, rates


def survey_results(*, kind: str, period: Period, min_base: int | None = None) -> SurveyResults:
    """The headline figures of one survey for a period (feedback) or cohort (impact)."""
    if min_base is None:
        min_base = settings.SURVEY_MIN_BASE
    wording_list = [w for w in wordings(kind) if w.headlines]
    counts = _headline_counts(wording_list, kind, period)
    responses, rates = _invitation_counts(kind, period)
    headlines = [
        Headline(
            question_key=wording.key,
            question_text=wording.text,
            versions=wording.versions,
            key=headline["key"],
            label=headline["label"],
            figures={
                split: Figure.of(
                    counts[f"count_{w}_{h}_{split}"],
                    counts[f"base_{w}_{h}_{split}"],
                    min_base=min_base,
                )
                for split in SPLITS
            },
        )
        for w, wording in enumerate(wording_list)
        for h, headline in enumerate(wording.headlines)
    ]
    return SurveyResults(
        kind=kind,
        period=period,
        min_base=min_base,
        responses=responses,
        rates=rates,
        headlines=headlines,
    )


@snapshots.kept
def kept_survey_results(*, kind: str, start: str, end: str, label: str) -> SurveyResults:
    """survey_results of a period given as plain values (ISO dates), for core/snapshots.py:
    a year's figures read ~2,800-4,400 returns' ~45,000 answers (60-100 ms at 100,000 cases),
    the results page reads both surveys' (issue 11)."""
    period = Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end), label)
    return survey_results(kind=kind, period=period)


def latest_survey_results(*, kind: str, period: Period) -> snapshots.Snapshot[SurveyResults]:
    """The kept figures of `kind` for `period` (computed now if none are kept)."""
    return snapshots.latest(
        kept_survey_results,
        kind=kind,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        label=period.label,
    )


def by_question(results: SurveyResults) -> list[list[Headline]]:
    """The headlines grouped by question (and wording): one chart each."""
    return [
        list(group)
        for _, group in groupby(results.headlines, key=lambda h: (h.question_key, h.versions))
    ]
