"""Any Django form renders as GOV.UK Frontend components through FORM_RENDERER."""

import datetime

from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

from core.widgets import GovukDateInput


class EveryKind(forms.Form):
    name = forms.CharField(help_text="As on the council's website")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("a", "Apple"), ("b", "Banana")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(
        choices=[("x", "X-ray"), ("y", "Yankee")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField()
    onsite = forms.DateField(widget=GovukDateInput)
    region = forms.ChoiceField(choices=[("", "Choose"), ("ne", "North East")])
    report = forms.FileField(required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def test_each_widget_becomes_its_govuk_component():
    html = str(EveryKind())

    assert '<label class="govuk-label" for="id_name">Name</label>' in html
    assert 'id="id_name_helptext" class="govuk-hint"' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'class="govuk-input" id="id_name"' in html
    assert "Notes (optional)" in html and 'class="govuk-textarea"' in html
    assert 'class="govuk-radios govuk-radios--small" data-module="govuk-radios"' in html
    assert 'class="govuk-radios__input"' in html
    assert 'class="govuk-checkboxes__input"' in html
    assert 'class="govuk-select"' in html
    assert 'class="govuk-file-upload"' in html
    assert 'class="govuk-date-input"' in html
    assert 'name="onsite_day"' in html and 'name="onsite_year"' in html
    assert 'type="hidden" name="token" id="id_token"' in html
    assert "required" not in html  # the server validates; the browser's bubbles stay out


def test_errors_are_inline_and_in_the_summary_with_links_to_the_fields():
    form = EveryKind(data={"onsite_day": "31", "onsite_month": "2", "onsite_year": "2026"})
    assert not form.is_valid()

    html = str(form)
    summary = render_to_string("forms/error_summary.html", {"form": form})

    assert "govuk-form-group--error" in html
    assert "govuk-input--error" in html
    assert (
        '<p id="id_name_error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> This field is required.</p>'
    ) in html
    assert 'value="31"' in html and 'value="2"' in html  # the wrong date comes back as typed
    assert '<a href="#id_name">This field is required.</a>' in summary
    assert '<a href="#id_kind_0">' in summary  # a group links to its first box
    assert '<a href="#id_onsite_0">Enter a valid date.</a>' in summary


def test_date_input_reads_day_month_and_year_into_a_date():
    data = {"onsite_day": "1", "onsite_month": "3", "onsite_year": "2026"}

    assert forms.DateField(widget=GovukDateInput).clean(
        GovukDateInput().value_from_datadict(data, {}, "onsite")
    ) == datetime.date(2026, 3, 1)
    assert GovukDateInput().value_from_datadict({}, {}, "onsite") == ""
    assert GovukDateInput().decompress(datetime.date(2026, 3, 1)) == [1, 3, 2026]


def test_the_page_title_says_error_when_the_form_has_errors(rf: RequestFactory):
    form = EveryKind(data={})
    form.is_valid()

    page = render_to_string("base.html", {"form": form}, request=rf.get("/"))

    assert "<title>Error:" in page
    assert 'class="govuk-error-summary"' in page
