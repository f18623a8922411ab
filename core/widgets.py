"""Widgets every app's forms may use. Here, in the lowest layer, so that `workflow`'s forms can
use them without importing the project package that renders them
(peerchallenge/form_rendering.py draws each widget kind as its GOV.UK component)."""

import datetime

from django import forms


class GovukDateInput(forms.MultiWidget):
    """GOV.UK's date input: day, month and year boxes, read back as YYYY-MM-DD so a plain
    DateField parses and validates it ("Enter a valid date." for 31/2/2026 or a missing part)."""

    template_name = "core/govuk_date_input.html"
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        boxes = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                }
            )
            for _, _, width in self.parts
        ]
        super().__init__(boxes, attrs)
        self.widgets_names = [f"_{name}" for name, _, _ in self.parts]

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (
            (value or "").strip() for value in super().value_from_datadict(data, files, name)
        )
        if not (day or month or year):
            return ""
        # Unpadded is fine for DateField's %Y-%m-%d, and a wrong date comes back as typed.
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}{suffix}" not in data for suffix in self.widgets_names)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        boxes = zip(context["widget"]["subwidgets"], self.parts, strict=True)
        for subwidget, (_, label, _) in boxes:
            subwidget["label"] = label
            if subwidget["attrs"].get("aria-invalid"):
                subwidget["attrs"]["class"] += " govuk-input--error"
        return context
