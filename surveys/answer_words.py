"""An answer as people read it: the labels of the options chosen, then any words written."""

from surveys.models import Answer, Question, QuestionKind


def chosen_labels(question: Question, answer: Answer | None) -> list[str]:
    """The labels of the options chosen (a CHOICE's one, a MULTIPLE's any); none for text."""
    if answer is None or question.kind == QuestionKind.TEXT:
        return []
    return labels_of(question, answer.choice, answer.choices)


def labels_of(question: Question, choice: str, choices: list[str]) -> list[str]:
    """The labels of a `choice` (a CHOICE's value) or else of `choices` (a MULTIPLE's)."""
    labels = {option["value"]: option["label"] for option in question.options}
    chosen = [choice] if choice else choices
    return [labels.get(value, value) for value in chosen]


def answer_lines(question: Question, answer: Answer | None) -> list[str]:
    """Every line of the answer: the options chosen, then the free text ("Yes", "Our ...")."""
    if answer is None:
        return []
    return [*chosen_labels(question, answer), *([answer.text] if answer.text else [])]
