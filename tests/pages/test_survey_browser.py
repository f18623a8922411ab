"""A chief executive answers the feedback survey from the emailed link, in Chromium: the report
is issued, the invitation email is rendered from its outbox row and its link followed; they
meet an error, answer some pages, leave, come back in another browser, carry on where they
left off, change an answer from Check your answers and submit; the link then shows the one
page for a link that opens nothing. axe-core checks every kind of survey page on the way, and
the pages fit a phone's width."""

import re

from playwright.sync_api import Page, expect

from notifications.emails import render_email
from notifications.models import Notification
from surveys.lifecycle import feedback_survey_invite
from surveys.models import SurveyInvitation
from tests.pages.conftest import browser_test
from tests.surveys.respondents import OBJECTIVES, sent_invitation, url
from tests.workflow import factories as f
from workflow.models import CaseEvent, State

pytestmark = [browser_test]

PHONE = {"width": 375, "height": 740}


def emailed_link(case) -> str:
    row = Notification.objects.get(
        challenge=case,
        kind=Notification.Kind.SURVEY_INVITATION,
        recipient_email=case.chief_executive_email,
    )
    assert "survey_invitation" in row.context and "/surveys/" not in str(row.context)
    [link] = re.findall(r"https?://\S+/surveys/\S+/", render_email(row).body)
    return link


def save(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()


def pick(page: Page, label: str, *, group: int = 0) -> None:
    """Choose the option `label` in the page's `group`th question."""
    page.locator("fieldset").nth(group).get_by_label(label, exact=True).check()


def fits_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    page.set_viewport_size({"width": 1024, "height": 768})


def test_a_chief_executive_answers_the_feedback_survey_from_the_emailed_link(
    page, new_context, live_server, check_axe, screenshot
):
    case = f.PeerChallengeFactory(state=State.REPORT_ISSUED, local_objectives=OBJECTIVES)
    feedback_survey_invite(challenge=case)
    link = emailed_link(case)
    invitation = SurveyInvitation.objects.get(challenge=case, respondent="chief_executive")

    # --- the start page: the council, the visit, the survey -------------------------------
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(invitation.questionnaire.title)
    expect(page.locator("main")).to_contain_text(case.host.name)
    expect(page.locator("main")).to_contain_text(f"{case.onsite_start:%-d %B %Y}")
    check_axe(page)
    fits_a_phone(page)
    screenshot(page, "survey-start", height=900)
    page.get_by_role("button", name="Start").click()

    # --- page 1: left blank, the error summary; then answered ----------------------------
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overall, how satisfied")
    check_axe(page)
    save(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select how satisfied or dissatisfied you are"
    )
    expect(page).to_have_title(re.compile("^Error: "))
    check_axe(page)
    screenshot(page, "survey-error", height=900)
    pick(page, "Very satisfied")
    save(page)

    pick(page, "Very likely")
    save(page)
    pick(page, "Increased a little")
    save(page)
    # FB4: the objectives agreed at scoping, to change if theirs were different
    expect(page.get_by_role("textbox")).to_have_value("\n".join(OBJECTIVES))
    check_axe(page)
    save(page)

    # --- leaves; comes back another day in another browser --------------------------------
    page.context.close()
    later = new_context(base_url=live_server.url)
    page = later.new_page()
    page.goto(link)
    expect(page.get_by_test_id("survey-progress")).to_contain_text(
        "You have answered 4 of 12 pages"
    )
    expect(page.get_by_test_id("survey-pages").locator(".govuk-tag")).to_have_count(8)
    check_axe(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("To what extent were")
    pick(page, "Largely")
    save(page)

    # --- a page of two questions, a page of five -------------------------------------------
    pick(page, "Very good", group=0)
    pick(page, "Good", group=1)
    check_axe(page)
    save(page)
    for group in range(5):
        pick(page, "Fairly useful", group=group)
    check_axe(page)
    fits_a_phone(page)
    save(page)
    pick(page, "Yes, partly")
    save(page)

    # --- "Yes (describe)": the words box appears with its option -------------------------
    details = page.get_by_label("Give details (optional)")
    expect(details).to_be_hidden()
    pick(page, "Yes")
    expect(details).to_be_visible()
    details.fill("Our family hubs, run with the NHS")
    check_axe(page)
    save(page)
    pick(page, "Mentoring")  # checkboxes
    check_axe(page)
    save(page)
    page.get_by_role("textbox").fill("Shorter report, please.")
    save(page)
    pick(page, "No")
    save(page)

    # --- Check your answers; change one; submit --------------------------------------------
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before you submit"
    )
    main = page.locator("main")
    expect(main).to_contain_text("Very satisfied")
    expect(main).to_contain_text("Our family hubs, run with the NHS")
    check_axe(page)
    screenshot(page, "survey-check-answers", height=1200)
    page.get_by_role("link", name="Change your answer to FB1", exact=True).click()
    expect(page.get_by_label("Very satisfied", exact=True)).to_be_checked()
    pick(page, "Fairly satisfied")
    save(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before you submit"
    )
    expect(main).to_contain_text("Fairly satisfied")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Survey submitted")
    check_axe(page)
    screenshot(page, "survey-submitted", height=700)

    invitation.refresh_from_db()
    assert invitation.status == SurveyInvitation.Status.COMPLETED
    assert invitation.answers.get(question__key="FB1").choice == "fairly_satisfied"
    assert (
        CaseEvent.objects.filter(challenge=case, action="surveys.invitation.completed").count() == 1
    )

    # --- the link again: the one page for a link that opens nothing ------------------------
    response = page.goto(link)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey link does not work")
    check_axe(page)
    later.close()


def test_the_impact_surveys_grouped_and_multiple_answer_pages_pass_axe(page, check_axe):
    invitation = sent_invitation("impact")
    page.goto(url(invitation, 1))
    expect(page.locator("fieldset")).to_have_count(3)  # IM1-IM3 on one page
    check_axe(page)
    fits_a_phone(page)
    for group in range(3):
        pick(page, "Some positive impact", group=group)
    save(page)
    page.goto(url(invitation, 3))
    # "None" excludes the others (GOV.UK's exclusive checkbox)
    pick(page, "Mentoring")
    pick(page, "None")
    expect(page.get_by_label("Mentoring", exact=True)).not_to_be_checked()
    save(page)
    check_axe(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("measurable changes")
    assert invitation.answers.get(question__key="IM7").choices == ["none"]
