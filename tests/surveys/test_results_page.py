"""The results page (managers, admins, programme leads) and the CSV of each council's answers
(managers and admins only): the period picker and its errors, the tables and charts, and the
export's cells, formulas neutralised."""

import csv
import datetime
import io
import re

import pytest

from tests.surveys.results_data import CE, LEADER, answer, pairs, respond
from tests.surveys.test_results import board_feedback_returns
from tests.workflow import factories as f

pytestmark = pytest.mark.django_db

RESULTS = "/surveys/results/"
FIRST_HALF_2017 = {"year": "2017", "part": "H1"}


def get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data or {})


def test_the_page_shows_the_boards_figures_with_their_bases_and_the_response_rate(client):
    board_feedback_returns()

    response = get(client, f.manager(), RESULTS, FIRST_HALF_2017)

    assert response.status_code == 200
    html = response.content.decode()
    assert "2017/18 first half (April to September)" in html
    row = html.split('data-testid="headline-FB1-very_satisfied"')[1].split("</tr>")[0]
    # Chief executives 12 of 15, leaders 11 of 14, all 23 of 29.
    assert re.findall(r"<strong>(\d+)%</strong><br><span[^>]*>(\d+) of (\d+)", row) == [
        ("80", "12", "15"),
        ("79", "11", "14"),
        ("79", "23", "29"),
    ]
    assert "29 (15 from chief executives, 14 from leaders)" in html
    # 29 invitations sent in the half, all completed.
    assert "100%: 29 of 29 invitations sent in the period completed" in html


def test_each_headline_question_has_a_chart_that_says_its_figures_in_words(client):
    board_feedback_returns()

    html = get(client, f.manager(), RESULTS, FIRST_HALF_2017).content.decode()

    feedback = html.split('data-testid="survey-feedback"')[1].split("</section>")[0]
    charts = re.findall(r"<svg.*?</svg>", feedback, flags=re.S)
    # FB1, FB2, FB3, FB5, FB6, FB7, FB8a-e, FB9: one chart per question, not per figure.
    assert len(charts) == 12
    fb1 = charts[0]
    assert 'role="img"' in fb1
    assert re.search(r'aria-labelledby="(\S+)-title" aria-describedby="\1-desc"', fb1)
    assert "<title id=" in fb1
    assert "FB1: % very or fairly satisfied and % very satisfied, by respondent</title>" in fb1
    assert "Very satisfied: Chief executives 80% (12 of 15); Leaders 79% (11 of 14)" in fb1
    assert ">79% (23 of 29)</text>" in fb1
    assert 'fill="url(#chart-feedback-0-hatch)"' in fb1  # a pattern, not only a colour


def test_a_hidden_figure_shows_its_base_and_no_percentage(client, settings):
    settings.SURVEY_MIN_BASE = 5
    for done in pairs(6, "feedback"):
        answer(done, {"FB1": "very_satisfied"})

    html = get(client, f.manager(), RESULTS, FIRST_HALF_2017).content.decode()

    row = html.split('data-testid="headline-FB1-satisfied"')[1].split("</tr>")[0]
    assert row.count("Hidden (n = 3)") == 2  # 3 chief executives, 3 leaders
    assert "<strong>100%</strong>" in row  # all 6
    assert "hidden: fewer than 5 answers (n = 3)" in html


def test_without_a_choice_the_page_shows_this_financial_year(client):
    html = get(client, f.programme_lead(), RESULTS).content.decode()

    assert re.search(r'data-testid="period">20\d\d/\d\d<', html)
    assert 'data-testid="survey-feedback"' in html and 'data-testid="survey-impact"' in html


def test_a_survey_with_no_returns_says_so_instead_of_a_table_of_noughts(client):
    board_feedback_returns()

    html = get(client, f.manager(), RESULTS, FIRST_HALF_2017).content.decode()

    impact = html.split('data-testid="survey-impact"')[1].split("</section>")[0]
    assert "No impact survey has been completed for these challenges yet." in impact
    assert "<table" not in impact and "<svg" not in impact
    assert 'data-testid="no-returns"' not in html.split('data-testid="survey-impact"')[0]


def test_two_dates_choose_any_period(client):
    data = {"start_day": "1", "start_month": "4", "start_year": "2016"}
    data |= {"end_day": "31", "end_month": "12", "end_year": "2016"}

    html = get(client, f.manager(), RESULTS, data).content.decode()

    assert "1 April 2016 to 31 December 2016" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "twenty"}, "Select a valid choice"),
        ({"year": "2017", "part": "Q9"}, "Select a valid choice"),
        ({"start_day": "1", "start_month": "4", "start_year": "2017"}, "Enter the end date"),
        ({"end_day": "1", "end_month": "4", "end_year": "2017"}, "Enter the start date"),
        (
            {"start_day": "31", "start_month": "2", "start_year": "2017"}
            | {"end_day": "1", "end_month": "4", "end_year": "2017"},
            "Enter a valid date",
        ),
        (
            {"start_day": "2", "start_month": "4", "start_year": "2017"}
            | {"end_day": "1", "end_month": "4", "end_year": "2017"},
            "The end date must be the same as or after the start date",
        ),
        (
            {"start_day": "2", "start_month": "4", "start_year": "1900"}
            | {"end_day": "1", "end_month": "4", "end_year": "2017"},
            "Enter a date from 2000 to 2100",
        ),
    ],
)
def test_a_bad_period_is_a_form_error_and_no_figures(client, data, message):
    response = get(client, f.manager(), RESULTS, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "<title>Error: Survey results" in html
    assert 'data-testid="survey-feedback"' not in html


def test_only_managers_see_the_export_link(client):
    manager_html = get(client, f.manager(), RESULTS).content.decode()
    lead_html = get(client, f.programme_lead(), RESULTS).content.decode()

    assert "/surveys/results/feedback/csv/" in manager_html
    assert "/surveys/results/feedback/csv/" not in lead_html


@pytest.mark.parametrize(
    ("user", "status"),
    [("programme_lead", 403), ("peer_user", 403), ("manager", 200)],
)
def test_only_managers_may_download_the_answers(client, user, status):
    response = get(client, getattr(f, user)(), "/surveys/results/feedback/csv/")

    assert response.status_code == status


def rows(response) -> list[dict]:
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_has_a_row_per_return_with_every_answer_in_words(client):
    done = respond(
        "feedback",
        CE,
        {
            "FB1": "very_satisfied",
            "FB4": "Test our finances",
            "FB10": "yes",
            "FB11": "mentoring",
            "FB12": "More time with members",
        },
    )
    done.answers.filter(question__key="FB10").update(text="Our care leavers' hub")
    done.answers.filter(question__key="FB11").update(
        choice="", choices=["leadership_programmes", "other"], text="A data peer"
    )
    respond("feedback", LEADER, {"FB1": "neither"}, completed=datetime.date(2017, 11, 1))

    response = get(client, f.manager(), "/surveys/results/feedback/csv/", FIRST_HALF_2017)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        "feedback-survey-responses-2017-04-01-to-2017-09-30.csv"
        in (response["Content-Disposition"])
    )
    (row,) = rows(response)  # the leader's return was in the second half
    assert row["Case reference"] == done.challenge.reference
    assert row["Council"] == done.challenge.host.name
    assert row["Respondent"] == "Chief executive"
    assert row["Completed on"] == "2017-06-06"
    assert row["Questionnaire version"] == "1"
    fb1 = next(k for k in row if k.startswith("FB1."))
    assert row[fb1] == "Very satisfied"
    assert row[next(k for k in row if k.startswith("FB4."))] == "Test our finances"
    assert row[next(k for k in row if k.startswith("FB10.") and "Details" not in k)] == "Yes"
    assert row["FB10. Details"] == "Our care leavers' hub"
    fb11 = next(k for k in row if k.startswith("FB11.") and "Details" not in k)
    assert row[fb11] == "Leadership programmes; Other"
    assert row["FB11. Details"] == "A data peer"
    assert row[next(k for k in row if k.startswith("FB12."))] == "More time with members"
    assert row[next(k for k in row if k.startswith("FB13."))] == ""


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "'=quoted"],
)
def test_the_export_neutralises_spreadsheet_formulas_in_free_text(client, typed):
    respond("feedback", CE, {"FB12": typed})

    response = get(client, f.manager(), "/surveys/results/feedback/csv/", FIRST_HALF_2017)

    (row,) = rows(response)
    cell = row[next(k for k in row if k.startswith("FB12."))]
    assert cell == f"'{typed}"


def test_plain_words_are_exported_as_typed(client):
    respond("feedback", CE, {"FB12": "Nothing - it was fine"})

    (row,) = rows(get(client, f.manager(), "/surveys/results/feedback/csv/", FIRST_HALF_2017))

    assert row[next(k for k in row if k.startswith("FB12."))] == "Nothing - it was fine"


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/surveys/results/opinion/csv/", {}),
        ("/surveys/results/feedback/csv/", {"year": "2017", "part": "Q7"}),
        ("/surveys/results/feedback/csv/", {"start_day": "1", "start_month": "4"}),
    ],
)
def test_a_bad_export_request_is_a_400_saying_what_is_wrong(client, url, data):
    response = get(client, f.manager(), url, data)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("The period has problems:")


def test_the_impact_export_takes_the_cohort_by_onsite_end(client):
    inside = respond("impact", CE, {"IM1": "some_positive", "IM8": "Savings of £2m"})
    for done in pairs(2, "impact", onsite_end=datetime.date(2018, 1, 1)):
        answer(done, {"IM1": "no_impact"})

    response = get(
        client, f.manager(), "/surveys/results/impact/csv/", {"year": "2016", "part": "Q3"}
    )

    (row,) = rows(response)
    assert row["Case reference"] == inside.challenge.reference
    assert row[next(k for k in row if k.startswith("IM8."))] == "Savings of £2m"


def test_the_export_streams_its_rows_and_keeps_each_returns_answers_across_chunks(
    client, monkeypatch
):
    """Returns are read a chunk at a time (the answers a query per chunk): rows on both sides
    of a chunk's edge keep their own answers, in completion order."""
    monkeypatch.setattr("surveys.responses_csv.CHUNK", 2)
    said = ["very_satisfied", "neither", "very_dissatisfied"]
    done = [
        respond("feedback", CE, {"FB1": value}, completed=datetime.date(2017, 6, 1 + day))
        for day, value in enumerate(said)
    ]

    response = get(client, f.manager(), "/surveys/results/feedback/csv/", FIRST_HALF_2017)

    assert response.streaming
    found = rows(response)
    fb1 = next(k for k in found[0] if k.startswith("FB1."))
    assert [(r["Case reference"], r[fb1]) for r in found] == [
        (done[0].challenge.reference, "Very satisfied"),
        (done[1].challenge.reference, "Neither satisfied nor dissatisfied"),
        (done[2].challenge.reference, "Very dissatisfied"),
    ]
