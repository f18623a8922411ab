"""Every Django form renders as GOV.UK Frontend components: `{{ form }}` (or
`{% include "forms/form.html" %}`) gives labels, hints, inline error messages, radios,
checkboxes, selects, textareas, file uploads and date inputs in GOV.UK markup, and the base
template puts the error summary for the page's `form` at the top of the page.

Set once as `FORM_RENDERER`; no template tags to learn. A form needs nothing special except,
for a date, `forms.DateField(widget=GovukDateInput)` (core/widgets.py: three boxes, day,
month and year).

Why our own renderer rather than crispy-forms-gds or govuk-frontend-django: the first is not
declared for Django 5.2, the second brings Jinja2 and follows its own GOV.UK Frontend
release; Django 5.2's renderer hooks (`field_template_name`, `bound_field_class`) make this a
few dozen lines that follow the pinned govuk-frontend.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

from core.widgets import GovukDateInput

# The component each widget becomes; the first matching class wins (subclasses first).
_KINDS: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (GovukDateInput, "date"),
    (forms.Select, "select"),  # also SelectMultiple
    (forms.Textarea, "textarea"),
    (forms.FileInput, "file"),  # also ClearableFileInput
)
_INPUT_CLASS = {
    "checkboxes": "govuk-checkboxes__input",
    "radios": "govuk-radios__input",
    "checkbox": "govuk-checkboxes__input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "input": "govuk-input",
}
# Error styles exist for these; radios and checkboxes show the error on the group only.
_ERROR_CLASS = {
    "select": "govuk-select--error",
    "textarea": "govuk-textarea--error",
    "file": "govuk-file-upload--error",
    "input": "govuk-input--error",
}


def widget_kind(widget: forms.Widget) -> str:
    for widget_class, kind in _KINDS:
        if isinstance(widget, widget_class):
            return kind
    return "input"


class GovukBoundField(BoundField):
    """Adds the GOV.UK classes to the widget and tells the template which component to draw."""

    @property
    def govuk_kind(self) -> str:
        return widget_kind(self.field.widget)

    @property
    def govuk_anchor(self) -> str:
        """The id the error summary links to: the first box of a group, else the input."""
        if self.govuk_kind in {"radios", "checkboxes", "date"}:
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK validates on the server and shows the error summary, not the browser's bubbles.
        attrs.pop("required", None)
        widget = widget or self.field.widget
        kind = widget_kind(widget)
        if kind == "date" or widget.is_hidden:
            return attrs  # GovukDateInput styles its own three boxes
        classes = [_INPUT_CLASS[kind]]
        if self.errors and kind in _ERROR_CLASS:
            classes.append(_ERROR_CLASS[kind])
        own = attrs.get("class") or widget.attrs.get("class")
        attrs["class"] = " ".join([*classes, own] if own else classes)
        return attrs


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = GovukBoundField
