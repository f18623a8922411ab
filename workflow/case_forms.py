"""The pages' forms for a new case and for editing one. They translate; the services decide
(`challenge_create`, `challenge_update`): the same rules as the API, whose field errors come
back onto the form (`add_service_errors`). Fields show what the case's own fields are, through
`case_form_field` (as the step forms do), with GOV.UK's date input."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms

from core.widgets import GovukDateInput
from workflow import roles, services
from workflow.filters import CASE_REFERENCE
from workflow.models import ChallengeType, Council, PeerChallenge, State
from workflow.transition_forms import ServiceForm, case_form_field

CONTACT_FIELDS = ("chief_executive_name", "chief_executive_email", "leader_name", "leader_email")

# The edit form, section by section; tests/pages/test_case_forms.py checks it offers exactly the
# fields the service lets a manager edit (services.EDITABLE_FIELDS | ENQUIRY_ONLY_FIELDS).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The case", ("host", "challenge_type", "parent")),
    ("Manager", ("manager",)),
    ("Onsite visit", ("onsite_start", "onsite_end")),
    ("Scope", ("scope_components", "local_objectives")),
    ("Council contacts", CONTACT_FIELDS),
    ("Action plan", ("action_plan_url", "action_plan_published_on")),
)
LABELS = {
    "host": "Council",
    "challenge_type": "Type",
    "parent": "Follows up case",
    "scope_components": "Scope",
    "onsite_start": "Onsite visit starts",
    "onsite_end": "Onsite visit ends",
    "action_plan_url": "Action plan URL",
}
HINTS = {
    "host": "A current English council: type part of its name, or choose it from the list.",
    "parent": "For a follow-up visit or progress review: the reference of the challenge it "
    "follows, for example PC-00012.",
    "onsite_start": "For example, 1 6 2026.",
}


class CouncilField(forms.ModelChoiceField):
    """A council of the register, by its code. The list offers the councils that can host a
    challenge; any code in the register is read, so that the service, not the list, says why
    another council cannot host."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Council.objects.all(), to_field_name="code", **kwargs)

    def offer_hosts(self) -> None:
        """Called once the form is built (a form deep-copies its fields, which re-reads the
        queryset's choices): the options are the current English councils."""
        councils = Council.objects.active_english().values_list("code", "name")
        self.widget.choices = [("", "Choose a council"), *councils]


class CaseReferenceField(forms.CharField):
    """A case by its reference (PC-00012, or 12), read back as the case."""

    def prepare_value(self, value: Any) -> Any:
        return value.reference if isinstance(value, PeerChallenge) else value

    def to_python(self, value: Any) -> PeerChallenge | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = CASE_REFERENCE.fullmatch(text)
        case = PeerChallenge.objects.filter(pk=int(match[1])).first() if match else None
        if case is None:
            raise forms.ValidationError(f"There is no case {text}: give a reference like PC-00012")
        return case


def _type_field(current: ChallengeType | None = None) -> forms.ModelChoiceField:
    types = ChallengeType.objects.filter(is_active=True)
    if current is not None:  # a type retired since the case was opened stays its type
        types |= ChallengeType.objects.filter(pk=current.pk)
    return forms.ModelChoiceField(types, to_field_name="slug", widget=forms.RadioSelect)


class ManagerField(forms.ModelChoiceField):
    """Who may manage the case: the users who may manage cases (as in the API)."""

    def __init__(self) -> None:
        people = roles.managers().order_by("first_name", "last_name", "username")
        super().__init__(people, required=False, empty_label="No manager")

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class _CaseForm(ServiceForm):
    """A case's fields in titled sections (`sections`: title, field names)."""

    sections: list[tuple[str, list[str]]]

    def _finish(self) -> None:
        for name, field in self.fields.items():
            field.label = LABELS.get(name, field.label)
            field.help_text = HINTS.get(name, field.help_text)
            if isinstance(field, CouncilField):
                field.offer_hosts()
                field.widget.attrs["data-council-picker"] = ""  # council-picker.mjs enhances it

    def section_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[n] for n in names]) for title, names in self.sections if names]


class NewCaseForm(_CaseForm):
    """Who and what the case is about, its council contacts and provisional visit dates."""

    host = CouncilField()
    challenge_type = _type_field()
    parent = CaseReferenceField(required=False)

    sections = [
        ("The case", ["host", "challenge_type", "parent"]),
        ("Council contacts", list(CONTACT_FIELDS)),
        ("Provisional onsite visit", ["onsite_start", "onsite_end"]),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = PeerChallenge()
        for name in (*CONTACT_FIELDS, "onsite_start", "onsite_end"):
            self.fields[name] = case_form_field(
                blank, name, required=False, date_widget=GovukDateInput
            )
        self._finish()


class CaseEditForm(_CaseForm):
    """The fields a manager may edit in the case's state, showing its current values.

    `version` is when the case last changed, as the page showed it: a case changed since
    (an edit, a step) is not saved over (workflow/pages/case_edit.py)."""

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, challenge: PeerChallenge, **kwargs: Any) -> None:
        editable = set(services.EDITABLE_FIELDS)
        if challenge.state == State.ENQUIRY:
            editable |= services.ENQUIRY_ONLY_FIELDS
        self.sections = [(title, [n for n in names if n in editable]) for title, names in SECTIONS]
        names = [name for _, section in self.sections for name in section]
        initial = {name: getattr(challenge, name) for name in names}
        kwargs["initial"] = {**initial, "version": challenge.updated_at.isoformat()}
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        special: dict[str, Callable[[], forms.Field]] = {
            "host": CouncilField,
            "challenge_type": lambda: _type_field(challenge.challenge_type),
            "parent": lambda: CaseReferenceField(required=False),
            "manager": ManagerField,
        }
        for name in names:
            make = special.get(name)
            self.fields[name] = (
                make()
                if make
                else case_form_field(challenge, name, required=False, date_widget=GovukDateInput)
            )
        self._finish()

    def changes(self) -> dict[str, Any]:
        """Only what the person changed, so an edit never writes back a value it only showed."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}

    def seen_version(self) -> datetime.datetime:
        """The case's `updated_at` when the form was shown (the service refuses a save if the
        case has changed since)."""
        return datetime.datetime.fromisoformat(self.cleaned_data["version"])
