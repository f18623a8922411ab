"""A questionnaire's pages as the respondent meets them: which questions share a page, which
pages an invitation has answered, and what to say when a required question is left blank."""

from surveys.models import Question, QuestionKind, Questionnaire, SurveyInvitation

# Longest free text accepted (Answer.text holds the same limit).
MAX_TEXT = 5000

# What to say when a required question is left blank, GOV.UK style ("Select how satisfied or
# dissatisfied you are"), by question key; keys are stable across versions, and a key not here
# gets the plain message of its kind.
BLANK_MESSAGES = {
    "FB1": "Select how satisfied or dissatisfied you are",
    "FB2": "Select how likely you would be to recommend a corporate peer challenge",
    "FB3": "Select how your confidence about the council delivering its priorities changed",
    "FB5": "Select how far your objectives were achieved",
    "FB6": "Select how you rate the peer team",
    "FB7": "Select how you rate the management of the process",
    "FB8a": "Select how useful the scoping discussion was",
    "FB8b": "Select how useful the preparation guidance and position statement were",
    "FB8c": "Select how useful the on-site process was",
    "FB8d": "Select how useful the feedback presentation was",
    "FB8e": "Select how useful the written feedback report was",
    "FB9": "Select whether the peer challenge fairly reflected the views of all political groups",
    "FB10": "Select yes if there is practice you would be happy for the LGA to share",
    "FB13": "Select yes if you or colleagues would be interested in becoming peers",
    "IM1": "Select the impact on the council's performance",
    "IM2": "Select the impact on the delivery of council priorities",
    "IM3": "Select the impact on the council's external reputation",
    "IM4": "Select the impact on the culture and behaviours within the council",
    "IM5": "Select the impact on relationships with partners and external stakeholders",
    "IM6": "Select the impact on the financial sustainability of the council",
    "IM7": "Select the support the peer challenge triggered, or select none",
    "IM9": "Select how far the recommendations have been implemented",
    "IM10": "Select whether you would like a follow-up visit",
    "IM11": "Select whether LGA support has had a positive impact on your authority",
}
_BLANK_BY_KIND = {
    QuestionKind.CHOICE: "Select an answer",
    QuestionKind.MULTIPLE: "Select at least one answer",
    QuestionKind.TEXT: "Enter an answer",
}
# A MULTIPLE question's option that excludes the others (GOV.UK's "none" checkbox).
EXCLUSIVE = "none"
# The question filled in with the case's local objectives, for the respondent to change.
OBJECTIVES_QUESTION = "FB4"


def blank_message(question: Question) -> str:
    return BLANK_MESSAGES.get(question.key) or _BLANK_BY_KIND[QuestionKind(question.kind)]


def first_questions(questionnaire: Questionnaire) -> dict[int, Question]:
    """Each page's first question, by page number: what the page is called in a list."""
    firsts: dict[int, Question] = {}
    for question in questionnaire.questions.order_by("position"):
        firsts.setdefault(question.page, question)
    return firsts


def page_numbers(questionnaire: Questionnaire) -> list[int]:
    return sorted(set(questionnaire.questions.values_list("page", flat=True)))


def questions_on(questionnaire: Questionnaire, page: int) -> list[Question]:
    return list(questionnaire.questions.filter(page=page).order_by("position"))


def answered_pages(invitation: SurveyInvitation) -> set[int]:
    """Pages saved in full: every question on them has its answer row (a blank optional
    answer is saved as a row too, so a page left blank on purpose counts as done)."""
    wanted: dict[int, set[int]] = {}
    for pk, page in invitation.questionnaire.questions.values_list("pk", "page"):
        wanted.setdefault(page, set()).add(pk)
    saved = set(invitation.answers.values_list("question_id", flat=True))
    return {page for page, pks in wanted.items() if pks <= saved}


def detail_option(question: Question) -> str | None:
    """The value of the option that asks for words with it ("Yes (describe)"), if any."""
    return next((o["value"] for o in question.options if o.get("detail")), None)
