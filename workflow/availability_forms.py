"""The date poll's forms: the manager's candidate ranges and a peer's answers. They translate;
workflow/availability_services.py decides (the same rules as the API)."""

from typing import Any

from django import forms
from django.utils.text import capfirst

from core.widgets import GovukDateInput
from workflow.availability_services import MAX_OPTIONS
from workflow.date_checks import date_clashes
from workflow.models import Availability, AvailabilityAnswer, DateOption, PeerChallenge
from workflow.transition_forms import ServiceForm


class OfferDatesForm(ServiceForm):
    """Up to four ranges, each a start and an end; rows left empty are not offered."""

    def __init__(self, *args: Any, challenge: PeerChallenge, **kwargs: Any) -> None:
        current = list(challenge.date_options.all())
        initial: dict[str, Any] = {}
        for number, option in enumerate(current, 1):
            initial |= {f"option_{number}_start": option.start, f"option_{number}_end": option.end}
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_OPTIONS + 1):
            for part in ("start", "end"):
                self.fields[f"option_{number}_{part}"] = forms.DateField(
                    label=f"Option {number}: {'first' if part == 'start' else 'last'} day",
                    required=False,
                    widget=GovukDateInput,
                )

    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (n, self[f"option_{n}_start"], self[f"option_{n}_end"])
            for n in range(1, MAX_OPTIONS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for number in range(1, MAX_OPTIONS + 1):
            start, end = f"option_{number}_start", f"option_{number}_end"
            if start in self.errors or end in self.errors:
                continue
            if data.get(start) and not data.get(end):
                self.add_error(end, f"Enter the last day of option {number}")
            elif data.get(end) and not data.get(start):
                self.add_error(start, f"Enter the first day of option {number}")
        return data

    def ranges(self) -> list[tuple[Any, Any]]:
        data = self.cleaned_data
        pairs = [
            (data.get(f"option_{n}_start"), data.get(f"option_{n}_end"))
            for n in range(1, MAX_OPTIONS + 1)
        ]
        return [(start, end) for start, end in pairs if start and end]


class AnswerDatesForm(ServiceForm):
    """One question per range offered: can you make it, if need be, or not? Each range's
    clashes (weekends, bank holidays, pre-election periods) are its hint."""

    mark_optional = False

    def __init__(self, *args: Any, place: Any, **kwargs: Any) -> None:
        self.options = list(place.challenge.date_options.all())
        given = dict(
            AvailabilityAnswer.objects.filter(assignment=place).values_list("option", "answer")
        )
        kwargs["initial"] = {f"option_{o.pk}": given.get(o.pk) for o in self.options}
        super().__init__(*args, **kwargs)
        host = place.challenge.host
        for option in self.options:
            self.fields[f"option_{option.pk}"] = forms.ChoiceField(
                label=str(option),
                choices=Availability.choices,
                widget=forms.RadioSelect,
                help_text=capfirst("; ".join(date_clashes(host, option.start, option.end))),
                error_messages={"required": f"Say whether you can make {option}"},
            )

    def answers(self) -> dict[int, str]:
        return {o.pk: self.cleaned_data[f"option_{o.pk}"] for o in self.options}


def option_of(challenge: PeerChallenge, pk: Any) -> DateOption | None:
    """The case's option `pk` as posted (any text), or None."""
    if not str(pk).isdigit():
        return None
    return challenge.date_options.filter(pk=int(pk)).first()
