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


def sent_invitations(kind: str, period: Period) -> QuerySet[SurveyInvitation]:
    """The response rate's denominator: feedback invitations sent in the period; impact
    invitations sent to the cohort (cases whose visit ended in the period)."""
    invitations = SurveyInvitation.objects.filter(questionnaire__kind=kind, sent_at__isnull=False)
    if kind == SurveyKind.IMPACT:
        return invitations.filter(challenge__onsite_end__range=(period.start, period.end))
    start, end = _local_bounds(period)
    return invitations.filter(sent_at__gte=start, sent_at__lt=end)


def returns(kind: str, period: Period) -> QuerySet[SurveyInvitation]:
    """The completed invitations a result is computed from: feedback completed in the period;
    impact completed by the cohort."""
    invitations = SurveyInvitation.objects.filter(questionnaire__kind=kind, status=COMPLETED)
    if kind == SurveyKind.IMPACT:
        return invitations.filter(challenge__onsite_end__range=(period.start, period.end))
    start, end = _local_bounds(period)
    return invitations.filter(completed_at__gte=start, completed_at__lt=end)


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


def _headline_counts(wording_list: list[Wording], covered: QuerySet) -> dict[str, int]:
    """One query: the covered invitations' answers counted by question, respondent and
    choice (a few hundred rows at most), then each headline's base and count for every split
    summed from them. One filtered COUNT per headline and split in SQL was ~170 aggregates to
    compile per survey, most of the programme report's time."""
    question_ids = [pk for wording in wording_list for pk in wording.question_ids]
    if not question_ids:
        return {}
    tally: dict[tuple[int, str, str], int] = {}
    rows = (
        Answer.objects.filter(invitation__in=covered, question_id__in=question_ids)
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


def _rates(kind: str, period: Period) -> dict[str, Rate]:
    counted = {}
    for split in SPLITS:
        role = Q() if split == ALL else Q(respondent=split)
        counted[f"sent_{split}"] = Count("pk", filter=role)
        counted[f"completed_{split}"] = Count("pk", filter=role & Q(status=COMPLETED))
    totals = sent_invitations(kind, period).aggregate(**counted)
    return {split: Rate(totals[f"sent_{split}"], totals[f"completed_{split}"]) for split in SPLITS}


def _responses(covered: QuerySet) -> dict[str, int]:
    counted = {
        split: Count("pk", filter=Q() if split == ALL else Q(respondent=split)) for split in SPLITS
    }
    return covered.aggregate(**counted)


def survey_results(*, kind: str, period: Period, min_base: int | None = None) -> SurveyResults:
    """The headline figures of one survey for a period (feedback) or cohort (impact)."""
    if min_base is None:
        min_base = settings.SURVEY_MIN_BASE
    covered = returns(kind, period)
    wording_list = [w for w in wordings(kind) if w.headlines]
    counts = _headline_counts(wording_list, covered)
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
        responses=_responses(covered),
        rates=_rates(kind, period),
        headlines=headlines,
    )


def by_question(results: SurveyResults) -> list[list[Headline]]:
    """The headlines grouped by question (and wording): one chart each."""
    return [
        list(group)
        for _, group in groupby(results.headlines, key=lambda h: (h.question_key, h.versions))
    ]
