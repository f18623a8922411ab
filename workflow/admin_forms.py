"""The small forms the admin shows before firing a transition: one per transition, holding
exactly the keyword inputs its service takes (workflow.services.TRANSITION_SERVICES)."""

from django import forms
from django.utils import timezone


class TransitionForm(forms.Form):
    """A transition with no inputs: the form is just the confirm button."""

    def __init__(self, *args, challenge, **kwargs):
        self.challenge = challenge
        super().__init__(*args, **kwargs)

    def service_inputs(self) -> dict:
        return dict(self.cleaned_data)


class ReasonForm(TransitionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ResumeForm(TransitionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class StartTeamAssemblyForm(TransitionForm):
    scope_components = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False
    )
    local_objectives = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text="One per line."
    )

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, challenge=challenge, **kwargs)
        components = challenge.challenge_type.mandatory_components
        self.fields["scope_components"].choices = [(c["code"], c["label"]) for c in components]
        self.fields["scope_components"].initial = challenge.scope_components
        self.fields["local_objectives"].initial = "\n".join(challenge.local_objectives or [])

    def service_inputs(self) -> dict:
        objectives = self.cleaned_data["local_objectives"].splitlines()
        return {
            "scope_components": self.cleaned_data["scope_components"],
            "local_objectives": [line.strip() for line in objectives if line.strip()],
        }


class RecordFeedbackForm(TransitionForm):
    feedback_date = forms.DateField(label="Feedback presentation date", initial=timezone.localdate)


class IssueReportForm(TransitionForm):
    report_url = forms.URLField(required=False, assume_scheme="https", max_length=200)
    report_file = forms.FileField(required=False)
    issued_on = forms.DateField(required=False, initial=timezone.localdate)


class PublishForm(TransitionForm):
    publication_url = forms.URLField(assume_scheme="https", max_length=200)
    published_on = forms.DateField(initial=timezone.localdate)
    action_plan_url = forms.URLField(required=False, assume_scheme="https", max_length=200)
    action_plan_published_on = forms.DateField(required=False)

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, challenge=challenge, **kwargs)
        # A type that expects no publication may be marked published without one.
        expected = challenge.challenge_type.publication_expected
        self.fields["publication_url"].required = expected
        self.fields["published_on"].required = expected


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    "book": TransitionForm,
    "start_team_assembly": StartTeamAssemblyForm,
    "confirm_team": TransitionForm,
    "start_onsite": TransitionForm,
    "record_feedback": RecordFeedbackForm,
    "issue_report": IssueReportForm,
    "publish": PublishForm,
    "start_post_challenge": TransitionForm,
    "close": ReasonForm,
    "postpone": ReasonForm,
    "resume": ResumeForm,
    "withdraw": ReasonForm,
}
