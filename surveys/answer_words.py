"""An answer as people read it: the labels of the options chosen, then any words written."""

from surveys.models import Answer, Question, QuestionKind


def chosen_labels(question: Question, answer: Answer | None) -> list[str]:
    """The labels of the options chosen (a CHOICE's one, a MULTIPLE's any); none for text."""
    if answer is None or question.kind == QuestionKind.TEXT:
        return []
    labels = {option["value"]: option["label"] for option in question.options}
    chosen = [answer.choice] if answer.choice else answer.choices
    return [labels.get(value, value) for value in chosen]


def answer_lines(question: Question, answer: Answer | None) -> list[str]:
    """Every line of the answer: the options chosen, then the free text ("Yes", "Our ...")."""
    if answer is None:
        return []
    return [*chosen_labels(question, answer), *([answer.text] if answer.text else [])]
