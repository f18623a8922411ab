"""The form a person fills in before firing a transition of a case or a team place (the
admin's, the pages'), built from the transition's declaration (workflow/transitions.py,
workflow/team_transitions.py): exactly its input fields, each as the model defines it, and its
reason. Forms translate; the service decides (and its
field errors come back onto the form with `add_service_errors`).

`case_form_field` is also how the case's edit form (workflow/case_forms.py) shows a field, so a
step and an edit show the same field the same way. Dates take the widget the caller gives: the
pages pass GOV.UK's day/month/year boxes (core.widgets.GovukDateInput), the admin keeps the plain
input its own styles expect."""

from django import forms
from django.db import models

from core.errors import InvalidInput
from workflow.models import Assignment, PeerChallenge
from workflow.transitions import Reason, Transition


class ObjectivesField(forms.CharField):
    """Local objectives typed one per line, read back as the list the case keeps."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # the list it keeps
        lines = (super().to_python(value) or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class ServiceForm(forms.Form):
    """A form whose values go to a service: the service's field errors come back onto it."""

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
        for name in spec.fields:
            required = name in spec.required
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
    return model_form_field(PeerChallenge._meta.get_field(name), required, date_widget)


def model_form_field(
    model_field, required: bool, date_widget: type[forms.Widget] = forms.DateInput
) -> forms.Field:
    """A model field as a person fills it in: URLs assume https, dates take the given widget."""
    extra: dict = {}
    if isinstance(model_field, models.URLField):
        extra["assume_scheme"] = "https"  # Django 6's default, said now: "example.org" is https
    elif isinstance(model_field, models.DateField):
        extra["widget"] = date_widget
    return model_field.formfield(required=required, **extra)
