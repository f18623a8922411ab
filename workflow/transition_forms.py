"""The form a person fills in before firing a transition of a case or a team place (the
admin's, the pages'), built from the transition's declaration (workflow/transitions.py,
workflow/team_transitions.py): exactly its input fields, each as the model defines it, and its
reason. Forms translate; the service decides (and its
field errors come back onto the form with `add_service_errors`).

`case_form_field` is also how the case's edit form (workflow/case_forms.py) shows a field, so a
step and an edit show the same field the same way. Dates take the widget the caller gives: the
pages pass GOV.UK's day/month/year boxes (core.widgets.GovukDateInput), the admin keeps the plain
input its own styles expect."""

import re

from django import forms
from django.db import models
from django.utils.text import capfirst

from core.errors import InvalidInput
from workflow import machine
from workflow.models import Assignment, PeerChallenge, case_rules
from workflow.transitions import CASE, Reason, Transition


class ObjectivesField(forms.CharField):
    """Local objectives typed one per line, read back as the list the case keeps."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # the list it keeps
        lines = (super().to_python(value) or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class ServiceForm(forms.Form):
    """A form whose values go to a service: the service's field errors come back onto it. A
    required field left empty says which it is ("Enter the feedback presentation date"), not
    Django's "This field is required.", which the error summary shows without its field."""

    def full_clean(self) -> None:
        for name, field in self.fields.items():
            if field.error_messages.get("required") == _DJANGOS_REQUIRED:
                field.error_messages["required"] = _missing(field, str(self[name].label))
        super().full_clean()

    def add_service_errors(self, invalid: InvalidInput) -> None:
        for field, messages in invalid.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class TransitionForm(ServiceForm):
    """The step of a case (`challenge=`) or of a team place (`place=`)."""

    def __init__(
        self,
        *args,
        spec: Transition,
        challenge: PeerChallenge | None = None,
        place: Assignment | None = None,
        date_widget: type[forms.Widget] = forms.DateInput,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.challenge, self.place, self.spec = challenge, place, spec
        needed = set(spec.required)
        if challenge is not None:  # and what the case's rules need once it has moved
            needed |= _needed_after(challenge, spec)
        for name in spec.fields:
            required = name in needed
            if place is not None:
                model_field = Assignment._meta.get_field(name)
                self.fields[name] = model_form_field(model_field, required, date_widget)
            elif challenge is not None:
                self.fields[name] = case_form_field(
                    challenge, name, required=required, date_widget=date_widget
                )
        if spec.reason != Reason.NONE:
            self.fields["reason"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=2000,
                required=spec.reason == Reason.REQUIRED,
            )

    def service_inputs(self) -> dict:
        """The cleaned values as the service takes them (empty optional ones left out)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}


def _needed_after(challenge: PeerChallenge, spec: Transition) -> set[str]:
    """The fields the case's rules require once `spec` has moved it (a publication's URL and
    date, for a type that is published): required here, whatever the declaration leaves
    optional for the types that need none."""
    steps = machine.steps(CASE, challenge, with_unmet=False)
    leads_to = next((step["target"] for step in steps if step["name"] == spec.name), None)
    if leads_to is None:
        return set()
    return set(case_rules.fields_the_state_needs(leads_to, challenge.challenge_type))


def case_form_field(
    challenge: PeerChallenge,
    name: str,
    *,
    required: bool,
    date_widget: type[forms.Widget] = forms.DateInput,
) -> forms.Field:
    """One field of the case as a person fills it in, showing the case's current value."""
    if name == "scope_components":
        components = challenge.challenge_type.mandatory_components
        return forms.MultipleChoiceField(
            choices=[(c["code"], c["label"]) for c in components],
            initial=challenge.scope_components,
            widget=forms.CheckboxSelectMultiple,
            required=required,
        )
    if name == "local_objectives":
        return ObjectivesField(
            initial=challenge.local_objectives or [], help_text="One per line.", required=required
        )
    model_field = PeerChallenge._meta.get_field(name)
    return model_form_field(model_field, required, date_widget, label=CASE_LABELS.get(name))


# The case's dates of things done, asked for in words rather than by the field's name.
CASE_LABELS = {
    "report_issued_on": "Date the report was issued",
    "published_on": "Date the council published the report",
    "action_plan_published_on": "Date the action plan was published",
}


def model_form_field(
    model_field,
    required: bool,
    date_widget: type[forms.Widget] = forms.DateInput,
    *,
    label: str | None = None,
) -> forms.Field:
    """A model field as a person fills it in: URLs assume https, dates take the given widget."""
    extra: dict = {"label": label or field_label(model_field.verbose_name)}
    if isinstance(model_field, models.URLField):
        extra["assume_scheme"] = "https"  # Django 6's default, said now: "example.org" is https
    elif isinstance(model_field, models.DateField):
        extra["widget"] = date_widget
    return model_field.formfield(required=required, **extra)


def field_label(verbose_name) -> str:
    """A model field's name as a label: "Publication URL", not "Publication url"."""
    return re.sub(r"\burl\b", "URL", capfirst(str(verbose_name)))


_DJANGOS_REQUIRED = forms.Field.default_error_messages["required"]


def _missing(field: forms.Field, label: str) -> str:
    """What a person is asked for when they left `field` empty, in GOV.UK's words."""
    what = label if label[1:2].isupper() else label[:1].lower() + label[1:]  # "URL" stays
    choose = isinstance(field.widget, forms.Select | forms.RadioSelect | forms.CheckboxInput)
    return f"{'Select' if choose else 'Enter'} the {what}"
