"""The survey results page (managers, admins and programme leads) and the export of each
council's answers (managers and admins only). Both read a period from the same form: a
financial year and perhaps one of its quarters or halves, or two dates."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.errors import InvalidInput
from core.widgets import GovukDateInput
from surveys import charts
from surveys.models import SurveyKind
from surveys.periods import PART_CHOICES, Period, between, financial_year
from surveys.responses_csv import responses_csv
from surveys.results import SPLITS, by_question, latest_survey_results
from workflow import roles
from workflow.dates import financial_year_label, financial_year_of

FIRST_YEAR = 2012  # the programme's first surveys the board reported on
# The API's names for the dates, the form's for the same fields.
FIELD_NAMES = {"from": "start", "to": "end"}


class PeriodForm(forms.Form):
    mark_optional = False  # every field is: no choice means this financial year

    year = forms.TypedChoiceField(coerce=int, required=False, label="Financial year")
    part = forms.ChoiceField(choices=PART_CHOICES, required=False, label="Part of the year")
    start = forms.DateField(
        required=False,
        widget=GovukDateInput,
        label="From",
        help_text="Or choose any two dates instead of a year. For example, 1 4 2017",
    )
    end = forms.DateField(required=False, widget=GovukDateInput, label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        years = range(this_year, FIRST_YEAR - 1, -1)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [
            ("", "This financial year"),
            *((year, financial_year_label(year)) for year in years),
        ]
        self.period: Period | None = None

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        try:
            if start or end:
                if not (start and end):
                    missing = "end" if start else "start"
                    raise InvalidInput({"to" if start else "from": [f"Enter the {missing} date"]})
                self.period = between(start, end)
            else:
                year = data.get("year") or financial_year_of(timezone.localdate())
                self.period = financial_year(year, data.get("part") or "")
        except InvalidInput as refused:
            for field, messages in refused.errors.items():
                for message in messages:
                    self.add_error(FIELD_NAMES.get(field, field), message)
        return data


@login_required
@require_safe
def survey_results_page(request: HttpRequest) -> HttpResponse:
    if not roles.can_read_all(request.user):
        raise PermissionDenied
    # Bound even when empty, so that no choice at all is this financial year.
    form = PeriodForm(request.GET)
    period = form.period if form.is_valid() else None
    surveys = []
    as_at = None
    if period is not None:
        for kind in SurveyKind.values:
            kept = latest_survey_results(kind=kind, period=period)
            results = kept.value
            as_at = kept.as_at if as_at is None else min(as_at, kept.as_at)
            surveys.append(
                {
                    "results": results,
                    "questions": [
                        {
                            "headlines": headlines,
                            "chart": charts.chart(
                                headlines,
                                chart_id=f"chart-{kind}-{index}",
                                min_base=results.min_base,
                            ),
                        }
                        for index, headlines in enumerate(by_question(results))
                    ],
                }
            )
    return render(
        request,
        "surveys/results.html",
        {
            "form": form,
            "period": period,
            "surveys": surveys,
            "figures_as_at": as_at,  # the older survey's, when they were kept apart
            "splits": SPLITS,
            "may_export": roles.can_manage(request.user),
            "min_base": settings.SURVEY_MIN_BASE,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_safe
def survey_responses_csv_page(request: HttpRequest, kind: str) -> HttpResponseBase:
    """Each council's answers: managers and admins only."""
    if not roles.can_manage(request.user):
        raise PermissionDenied
    if kind not in SurveyKind.values:
        return _bad_request([f"kind: choose one of {', '.join(SurveyKind.values)}"])
    form = PeriodForm(request.GET)
    if not form.is_valid() or form.period is None:
        return _bad_request(
            [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]
        )
    return responses_csv(kind=kind, period=form.period)


def _bad_request(problems: list[str]) -> HttpResponse:
    return HttpResponse(
        "\n".join(["The period has problems:", *problems]),
        status=400,
        content_type="text/plain; charset=utf-8",
    )
