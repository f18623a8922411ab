"""The board's figures from hand-computed returns (DOMAIN.md §6.2, §6.3): what each figure
counts, its base, the response rate, the split by role, suppression and rounding, and which
questionnaire versions are compared."""

import datetime

import pytest
from django.utils import timezone

from surveys.models import Question, Questionnaire, SurveyKind
from surveys.periods import between, financial_year
from surveys.results import ALL, percent, survey_results
from tests.surveys.results_data import (
    CE,
    COMPLETED,
    LEADER,
    SCHEDULED,
    SENT,
    answer,
    case,
    invitation,
    pairs,
    questionnaire,
    respond,
)

pytestmark = pytest.mark.django_db

FEEDBACK, IMPACT = SurveyKind.FEEDBACK, SurveyKind.IMPACT
FIRST_HALF_2017 = financial_year(2017, "H1")  # 1 April to 30 September 2017
# "challenges a year ago (i.e. during the first three quarters of 2016/17)"
FIRST_THREE_QUARTERS_2016 = between(datetime.date(2016, 4, 1), datetime.date(2016, 12, 31))


def figures(results, question_key: str, headline_key: str) -> dict:
    (headline,) = [
        h for h in results.headlines if (h.question_key, h.key) == (question_key, headline_key)
    ]
    return headline.figures


def pct(results, question_key: str, headline_key: str, split: str = ALL) -> int | None:
    return figures(results, question_key, headline_key)[split].percent


def board_feedback_returns() -> None:
    """29 returns (15 chief executives, 14 leaders): all satisfied, 23 very; all likely to
    recommend; all more confident; 28 objectives fully or largely achieved."""
    for i, done in enumerate(pairs(29, FEEDBACK, completed=datetime.date(2017, 7, 3))):
        answer(
            done,
            {
                "FB1": "very_satisfied" if i < 23 else "fairly_satisfied",
                "FB2": "very_likely" if i % 2 else "fairly_likely",
                "FB3": "increased_a_lot" if i % 3 else "increased_a_little",
                "FB5": ("fully" if i % 2 else "largely") if i < 28 else "partly",
            },
        )


def test_29_feedback_returns_give_the_boards_100_79_100_100_97():
    board_feedback_returns()

    results = survey_results(kind=FEEDBACK, period=FIRST_HALF_2017)

    assert results.responses == {CE: 15, LEADER: 14, ALL: 29}
    assert pct(results, "FB1", "satisfied") == 100
    assert pct(results, "FB1", "very_satisfied") == 79  # 23/29 = 79.3 %
    assert pct(results, "FB2", "likely") == 100
    assert pct(results, "FB3", "increased") == 100
    assert pct(results, "FB5", "achieved") == 97  # 28/29 = 96.6 %
    assert figures(results, "FB1", "very_satisfied")[ALL].count == 23
    assert {f.base for f in figures(results, "FB5", "achieved").values()} == {15, 14, 29}


def test_each_figure_is_split_by_chief_executive_and_leader():
    board_feedback_returns()

    very = figures(survey_results(kind=FEEDBACK, period=FIRST_HALF_2017), "FB1", "very_satisfied")

    # Chief executives are the even returns: 0, 2, ..., 22 very satisfied = 12 of 15.
    assert (very[CE].count, very[CE].base, very[CE].percent) == (12, 15, 80)
    # Leaders the odd ones: 1, 3, ..., 21 = 11 of 14 = 78.6 %.
    assert (very[LEADER].count, very[LEADER].base, very[LEADER].percent) == (11, 14, 79)


def impact_return(i: int) -> dict[str, str]:
    positive = {"IM1": 24, "IM2": 24, "IM3": 22, "IM4": 22, "IM5": 23, "IM6": 18}
    others = ["no_impact", "too_early", "dont_know", "some_negative", "significant_negative"]
    return {
        key: ("significant_positive" if i % 2 else "some_positive")
        if i < count
        else others[i % len(others)]
        for key, count in positive.items()
    }


def test_25_impact_returns_give_the_boards_96_96_88_88_92_72():
    for i, done in enumerate(pairs(25, IMPACT, onsite_end=datetime.date(2016, 9, 30))):
        answer(done, impact_return(i))
    # A challenge after the cohort, all negative: not counted.
    late = case(onsite_end=datetime.date(2017, 1, 5))
    respond(IMPACT, CE, {"IM1": "significant_negative"}, challenge=late)

    results = survey_results(kind=IMPACT, period=FIRST_THREE_QUARTERS_2016)

    assert [pct(results, f"IM{n}", "positive") for n in range(1, 7)] == [96, 96, 88, 88, 92, 72]
    assert [figures(results, f"IM{n}", "positive")[ALL].count for n in range(1, 7)] == [
        24,
        24,
        22,
        22,
        23,
        18,
    ]
    assert figures(results, "IM1", "positive")[ALL].base == 25


def test_feedback_returns_count_in_the_period_they_were_completed_on_the_london_calendar():
    zone = timezone.get_current_timezone()
    inside = respond(FEEDBACK, CE, {"FB1": "very_satisfied"}, sent=datetime.date(2017, 3, 20))
    outside = respond(FEEDBACK, LEADER, {"FB1": "very_dissatisfied"})
    # 23:30 UTC on 31 March is 00:30 BST on 1 April: the first day of the half.
    inside.completed_at = datetime.datetime(2017, 3, 31, 23, 30, tzinfo=datetime.UTC)
    # 23:30 UTC on 30 September is 00:30 BST on 1 October: the day after it.
    outside.completed_at = datetime.datetime(2017, 9, 30, 23, 30, tzinfo=datetime.UTC)
    for done in (inside, outside):
        done.save(update_fields=["completed_at"])
    assert timezone.localtime(inside.completed_at, zone).date() == datetime.date(2017, 4, 1)

    satisfied = figures(
        survey_results(kind=FEEDBACK, period=FIRST_HALF_2017, min_base=1), "FB1", "satisfied"
    )

    assert (satisfied[ALL].count, satisfied[ALL].base) == (1, 1)


def test_answers_saved_on_an_unfinished_survey_are_not_counted():
    respond(FEEDBACK, CE, {"FB1": "very_satisfied"})
    unfinished = invitation(case(), FEEDBACK, LEADER, status=SENT)
    answer(unfinished, {"FB1": "very_dissatisfied"})

    results = survey_results(kind=FEEDBACK, period=FIRST_HALF_2017, min_base=1)

    assert figures(results, "FB1", "satisfied")[ALL].base == 1
    assert results.responses[ALL] == 1


def test_the_base_is_those_who_answered_less_the_headlines_exclusions():
    chosen = ["very_useful", "very_useful", "fairly_useful", "not_very_useful"]
    chosen += ["not_applicable", "not_applicable"]
    for value in chosen:
        respond(FEEDBACK, CE, {"FB8a": value})
    respond(FEEDBACK, CE, {"FB1": "very_satisfied"})  # did not answer FB8a

    useful = figures(
        survey_results(kind=FEEDBACK, period=FIRST_HALF_2017, min_base=1), "FB8a", "useful"
    )

    # Seven returns; six answered; two said "not applicable": 3 of 4 found it useful.
    assert (useful[ALL].count, useful[ALL].base, useful[ALL].percent) == (3, 4, 75)


def test_a_figure_below_the_minimum_base_is_hidden_and_its_base_shown(settings):
    settings.SURVEY_MIN_BASE = 5
    for i, done in enumerate(pairs(9, FEEDBACK)):
        answer(done, {"FB1": "very_satisfied" if i < 6 else "neither"})

    satisfied = figures(survey_results(kind=FEEDBACK, period=FIRST_HALF_2017), "FB1", "satisfied")

    # Returns 0-5 satisfied: 5 chief executives (0, 2, 4 satisfied), 4 leaders (1, 3, 5).
    assert (satisfied[CE].percent, satisfied[CE].suppressed) == (60, False)
    assert (satisfied[LEADER].base, satisfied[LEADER].count, satisfied[LEADER].percent) == (
        4,
        None,
        None,
    )
    assert satisfied[LEADER].suppressed
    assert satisfied[ALL].percent == 67  # 6 of 9

    settings.SURVEY_MIN_BASE = 10
    satisfied = figures(survey_results(kind=FEEDBACK, period=FIRST_HALF_2017), "FB1", "satisfied")
    assert satisfied[ALL].suppressed
    assert (satisfied[ALL].base, satisfied[ALL].count, satisfied[ALL].percent) == (9, None, None)


def test_with_no_returns_every_figure_is_hidden_with_a_base_of_nought():
    results = survey_results(kind=IMPACT, period=FIRST_THREE_QUARTERS_2016)

    assert results.responses == {CE: 0, LEADER: 0, ALL: 0}
    assert results.rates[ALL].percent is None
    assert all(f.base == 0 and f.suppressed for h in results.headlines for f in h.figures.values())


def test_the_response_rate_is_the_share_of_invitations_sent_in_the_period_completed():
    answered = {CE: [True, True, True, False], LEADER: [True, True, False, False]}
    for role, answers in answered.items():
        for done in answers:
            invitation(case(), FEEDBACK, role, status=COMPLETED if done else SENT)
    # Sent after the half, answered: in neither count.
    invitation(case(), FEEDBACK, CE, sent=datetime.date(2017, 10, 2))

    rates = survey_results(kind=FEEDBACK, period=FIRST_HALF_2017).rates

    assert (rates[ALL].sent, rates[ALL].completed, rates[ALL].percent) == (8, 5, 63)  # 62.5 up
    assert (rates[CE].sent, rates[CE].completed, rates[CE].percent) == (4, 3, 75)
    assert (rates[LEADER].sent, rates[LEADER].completed, rates[LEADER].percent) == (4, 2, 50)


def test_the_impact_response_rate_is_over_the_cohort_whatever_the_day_it_was_answered():
    list(pairs(3, IMPACT, onsite_end=datetime.date(2016, 6, 1), status=SENT))
    invitation(case(), IMPACT, CE, status=SCHEDULED)  # not sent yet: not in the rate
    respond(IMPACT, CE, {"IM1": "some_positive"}, completed=datetime.date(2018, 1, 9))

    rates = survey_results(kind=IMPACT, period=FIRST_THREE_QUARTERS_2016).rates

    # The return's case ended in October 2016 (results_data.case's default): in the cohort.
    assert (rates[ALL].sent, rates[ALL].completed) == (4, 1)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(23, 29, 79), (28, 29, 97), (1, 8, 13), (5, 8, 63), (3, 8, 38), (1, 200, 1), (0, 5, 0)],
)
def test_percentages_are_whole_numbers_rounded_half_up(part, whole, expected):
    assert percent(part, whole) == expected


def test_a_percentage_of_nothing_is_none():
    assert percent(0, 0) is None


def reworded_feedback_version() -> Questionnaire:
    """Version 2, a draft: FB1 reworded, every other question as in version 1."""
    first = questionnaire(FEEDBACK)
    second = Questionnaire.objects.create(kind=FEEDBACK, version=2, title=first.title)
    Question.objects.bulk_create(
        Question(
            questionnaire=second,
            key=q.key,
            position=q.position,
            page=q.page,
            text="How satisfied are you with the challenge?" if q.key == "FB1" else q.text,
            hint=q.hint,
            kind=q.kind,
            options=q.options,
            headlines=q.headlines,
            required=q.required,
        )
        for q in first.questions.all()
    )
    return second


def publish(questionnaire: Questionnaire) -> None:
    questionnaire.published_at = timezone.now()
    questionnaire.save()


def test_versions_are_pooled_by_key_only_where_the_wording_is_unchanged():
    publish(reworded_feedback_version())
    for _ in range(3):
        respond(FEEDBACK, CE, {"FB1": "very_satisfied", "FB2": "very_likely"})
    for _ in range(2):
        respond(FEEDBACK, CE, {"FB1": "neither", "FB2": "not_very_likely"}, version=2)

    results = survey_results(kind=FEEDBACK, period=FIRST_HALF_2017, min_base=1)

    fb1 = [h for h in results.headlines if (h.question_key, h.key) == ("FB1", "satisfied")]
    assert [(h.versions, h.figures[ALL].base, h.figures[ALL].percent) for h in fb1] == [
        ((2,), 2, 0),
        ((1,), 3, 100),
    ]
    (fb2,) = [h for h in results.headlines if h.question_key == "FB2"]
    assert (fb2.versions, fb2.figures[ALL].base, fb2.figures[ALL].percent) == ((1, 2), 5, 60)


def test_a_draft_versions_wording_is_not_a_line_of_the_results():
    reworded_feedback_version()  # not published

    results = survey_results(kind=FEEDBACK, period=FIRST_HALF_2017)

    assert {h.versions for h in results.headlines} == {(1,)}


def test_every_headline_in_the_questionnaires_is_reported():
    keys = [
        (h.question_key, h.key)
        for h in survey_results(kind=FEEDBACK, period=FIRST_HALF_2017).headlines
    ]

    assert keys[:5] == [
        ("FB1", "satisfied"),
        ("FB1", "very_satisfied"),
        ("FB2", "likely"),
        ("FB3", "increased"),
        ("FB5", "achieved"),
    ]
    assert ("FB9", "yes") in keys and ("FB8e", "useful") in keys


def test_the_figures_take_a_fixed_number_of_queries_however_many_returns(
    django_assert_num_queries,
):
    board_feedback_returns()

    # The wordings, one aggregate for every headline, the responses with the response rate.
    with django_assert_num_queries(3):
        survey_results(kind=FEEDBACK, period=FIRST_HALF_2017)
