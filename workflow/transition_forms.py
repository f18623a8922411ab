"""The form a person fills in before firing a transition (the admin's now, the pages' next),
built from the transition's declaration (workflow/transitions.py): exactly its input fields,
each as the model defines it, and its reason. Forms translate; the service decides (and its
field errors come back onto the form with `add_service_errors`)."""

from django import forms
from django.db import models

from core.errors import InvalidInput
from workflow.models import PeerChallenge
from workflow.transitions import Reason, Transition


class TransitionForm(forms.Form):
    def __init__(self, *args, challenge: PeerChallenge, spec: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge, self.spec = challenge, spec
        for name in spec.fields:
            self.fields[name] = _form_field(challenge, name, required=name in spec.required)
        if spec.reason != Reason.NONE:
            self.fields["reason"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=2000,
                required=spec.reason == Reason.REQUIRED,
            )

    def service_inputs(self) -> dict:
        """The cleaned values as the service takes them (empty optional ones left out)."""
        inputs = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
        if "local_objectives" in inputs:
            lines = inputs["local_objectives"].splitlines()
            inputs["local_objectives"] = [line.strip() for line in lines if line.strip()]
        return inputs

    def add_service_errors(self, invalid: InvalidInput) -> None:
        for field, messages in invalid.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


def _form_field(challenge: PeerChallenge, name: str, *, required: bool) -> forms.Field:
    if name == "scope_components":
        components = challenge.challenge_type.mandatory_components
        return forms.MultipleChoiceField(
            choices=[(c["code"], c["label"]) for c in components],
            initial=challenge.scope_components,
            widget=forms.CheckboxSelectMultiple,
            required=required,
        )
    if name == "local_objectives":
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}),
            initial="\n".join(challenge.local_objectives or []),
            help_text="One per line.",
            required=required,
        )
    model_field = PeerChallenge._meta.get_field(name)
    # Django 6's default scheme, said now so a bare "example.org" means https.
    extra = {"assume_scheme": "https"} if isinstance(model_field, models.URLField) else {}
    return model_field.formfield(required=required, **extra)
