"""The filters the dashboard and the publication tracker share with the case list (region, type,
manager, financial year of the visit), so a count on the dashboard and the case list it links
to always agree: the page's GET form (workflow's own, less search and state) and the API's
strict filter set (an unknown or bad parameter is a 400 naming it). Kept figures
(core/snapshots.py) are of the filters' plain values: `plain` and `cases_where`."""

from django import forms
from django.db.models import QuerySet

from workflow.filters import ChallengeFilter
from workflow.models import PeerChallenge
from workflow.pages.lists import MyCasesFilter

# What the reports filter by; the case list also reads `state` and `search`.
NAMES = ("region", "type", "manager", "financial_year")
# The filters in effect as plain values (str or int; None: not filtered), by name.
FilterValues = dict[str, str | int | None]


class PlainValues:
    """Both filters' values as kept figures are keyed by (core/snapshots.py)."""

    form: forms.Form

    @property
    def plain(self) -> FilterValues:
        """The filters in effect as plain values; call after is_valid()."""
        data = self.form.cleaned_data
        return {name: data.get(name) or None for name in NAMES}


def cases_where(**values: str | int | None) -> QuerySet[PeerChallenge]:
    """The cases the filters' plain values (`plain` of either filter) choose."""
    data = {name: str(value) for name, value in values.items() if value is not None}
    filters = ReportApiFilter(data, queryset=PeerChallenge.objects.all())
    if not filters.is_valid():
        raise ValueError(f"not the values of valid report filters: {values!r}")
    return filters.qs


class ReportPageFilter(PlainValues, MyCasesFilter):
    """The case list's filter form, drawn with only NAMES: anything else is a form error."""

    def __init__(self, data, *, user) -> None:
        super().__init__(data, user=user)
        for name in set(self.form.fields) - set(NAMES):
            del self.form.fields[name]
            self.filters.pop(name, None)

    def cases(self, queryset: QuerySet[PeerChallenge] | None = None) -> QuerySet[PeerChallenge]:
        """`queryset` (every case by default) under the filters in effect; call after
        is_valid()."""
        cases = PeerChallenge.objects.all() if queryset is None else queryset
        return self.filter_queryset(cases)

    @property
    def query(self) -> dict[str, str]:
        """The filters in effect as case-list parameters (an empty manager is 'anyone': the
        case list would otherwise show a manager only their own cases)."""
        data = self.form.cleaned_data
        query = {name: str(data[name]) for name in NAMES if data.get(name) not in (None, "")}
        query.setdefault("manager", "")
        return query


class ReportApiFilter(PlainValues, ChallengeFilter):
    """GET parameters of the reports' API: the case list's, less those the reports do not read."""

    state = None
    host = None
    onsite_from = None  # type: ignore[assignment]
    onsite_to = None  # type: ignore[assignment]
    search = None
    ordering = None  # type: ignore[assignment]

    def cases(self, queryset: QuerySet[PeerChallenge] | None = None) -> QuerySet[PeerChallenge]:
        cases = PeerChallenge.objects.all() if queryset is None else queryset
        return self.filter_queryset(cases)
