"""The survey results page in Chromium: a programme lead reaches it from the menu, picks a half
year, reads the board's figures in the table and the charts (their names and descriptions as a
screen reader gets them), meets a form error for dates the wrong way round; axe-core finds no
serious or critical problem, with figures, with hidden figures and with an error. A manager
downloads each council's answers from the same page; on a case, reads the surveys panel and
sends a survey again to the case's new chief executive."""

import re
from datetime import date

from playwright.sync_api import expect

from tests.pages.conftest import browser_test
from tests.surveys.results_data import (
    CE,
    COMPLETED,
    LEADER,
    SENT,
    answer,
    case,
    invitation,
    respond,
)
from tests.surveys.test_results import board_feedback_returns
from tests.workflow import factories as f
from workflow.models import State

pytestmark = [browser_test]


def test_a_programme_lead_reads_the_boards_figures(page, sign_in, check_axe, screenshot):
    board_feedback_returns()
    # One impact return (a visit ended in the half): every impact figure hidden.
    respond("impact", CE, {"IM1": "some_positive"}, challenge=case(onsite_end=date(2017, 5, 1)))
    sign_in(page, f.programme_lead(username="lee"))

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Survey results").click()
    page.get_by_label("Financial year").select_option(label="2017/18")
    page.get_by_label("Part of the year").select_option("H1")
    page.get_by_role("button", name="Show results").click()

    expect(page.get_by_test_id("period")).to_have_text("2017/18 first half (April to September)")
    row = page.get_by_test_id("headline-FB1-very_satisfied")
    expect(row.get_by_role("cell")).to_have_text(
        ["% very satisfied", "80% 12 of 15", "79% 11 of 14", "79% 23 of 29"],
        use_inner_text=True,
    )
    chart = page.get_by_role(
        "img", name="FB1: % very or fairly satisfied and % very satisfied, by respondent"
    )
    expect(chart).to_have_accessible_description(
        re.compile(r"Very satisfied: Chief executives 80% \(12 of 15\)")
    )
    expect(page.get_by_test_id("survey-impact")).to_contain_text("Hidden (n = 1)")
    expect(page.get_by_role("link", name=re.compile("Download"))).to_have_count(0)
    check_axe(page)
    screenshot(page, "survey-results", height=1100)
    screenshot(page, "survey-results-chart", start="#feedback figure", height=700)

    page.get_by_label("Financial year").select_option("")
    page.get_by_role("group", name="From").get_by_label("Day").fill("2")
    page.get_by_role("group", name="From").get_by_label("Month").fill("4")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2017")
    page.get_by_role("group", name="To").get_by_label("Day").fill("1")
    page.get_by_role("group", name="To").get_by_label("Month").fill("4")
    page.get_by_role("group", name="To").get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Show results").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The end date must be the same as or after the start date")
    expect(page).to_have_title(re.compile(r"^Error: Survey results"))
    check_axe(page)


def test_a_manager_downloads_the_answers_from_the_page(page, sign_in):
    board_feedback_returns()
    sign_in(page, f.manager(username="mo"))
    page.goto("/surveys/results/?year=2017&part=H1")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("feedback survey \\(CSV\\)")).click()

    assert download.value.suggested_filename == (
        "feedback-survey-responses-2017-04-01-to-2017-09-30.csv"
    )
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        lines = exported.read().splitlines()
    assert len(lines) == 30  # the header and 29 returns


def test_a_manager_reads_the_surveys_panel_and_sends_a_survey_again(page, sign_in, check_axe):
    case = f.PeerChallengeFactory(state=State.REPORT_ISSUED)
    done = invitation(case, "feedback", LEADER, status=COMPLETED)
    answer(done, {"FB1": "very_satisfied", "FB12": "More time with the opposition"})
    sent = invitation(case, "feedback", CE, status=SENT, sent=date.today())
    sent.recipient_name, sent.recipient_email = "Former Chief", "former@example.org"
    sent.save()
    sign_in(page, f.manager(username="mo"))

    page.goto(f"/cases/{case.pk}/")
    panel = page.locator("#surveys")
    expect(panel.get_by_test_id("contact-changed")).to_be_visible()
    panel.get_by_text(re.compile("the leader.s answers")).click()
    expect(panel.get_by_text("More time with the opposition")).to_be_visible()
    check_axe(page)

    panel.get_by_role(
        "link", name="Change closing date of the feedback survey for the chief"
    ).click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Change the closing date").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("today or later")
    check_axe(page)

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Send again the feedback survey to the chief executive").click()
    expect(page.get_by_text("Chris Executive, chief.executive@adur.example.gov.uk")).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name="Send it again with a new link").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#surveys$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "feedback survey for the chief executive is sent again"
    )
