"""What the models' rule modules share (case_rules, team_rules): each rule yields the field it
is about and what is wrong, in plain words; `collect` gathers them for clean() to raise."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

Problem = tuple[str, str]  # (field, message)
Rule = Callable[[Any], Iterator[Problem]]


def collect(rules: Iterable[Rule], instance: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rule in rules:
        for field, message in rule(instance):
            found.setdefault(field, []).append(message)
    return found
