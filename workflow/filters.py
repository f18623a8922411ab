"""Query-string filters for the API lists. Bad values give 400 with the parameter named."""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from workflow.dates import financial_year_bounds
from workflow.models import Council, PeerChallenge, State


class CouncilFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region", lookup_expr="iexact")
    nation = django_filters.CharFilter(field_name="nation", lookup_expr="iexact")
    type = django_filters.CharFilter(field_name="la_type", lookup_expr="iexact")
    # A choice, not BooleanFilter: that one reads "perhaps" as "no filter" instead of a 400.
    active_english = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_active_english",
        help_text="true: only councils that can host a challenge; false: all the others",
    )
    search = django_filters.CharFilter(method="filter_search", help_text="Name or code")

    class Meta:
        model = Council
        fields = ["region", "nation", "type", "active_english", "search"]

    def filter_active_english(self, queryset, name, value):
        return queryset.filter(is_active_english_council=value == "true")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(name__icontains=value) | Q(code__iexact=value)) if value else queryset
        )


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.Filter):
    """A whole number within bounds: out of range is a 400, never a database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = 2**31 - 1, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class FinancialYearFilter(IntegerFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1990, max_value=2100, **kwargs)

    def filter(self, queryset, value):
        if value is None:
            return queryset
        first, last = financial_year_bounds(value)
        return queryset.filter(onsite_start__gte=first, onsite_start__lte=last)


class ChallengeFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=State.choices)
    type = django_filters.CharFilter(field_name="challenge_type__slug")
    host = django_filters.CharFilter(field_name="host__code", lookup_expr="iexact")
    region = django_filters.CharFilter(field_name="host__region", lookup_expr="iexact")
    manager = IntegerFilter(field_name="manager_id")
    financial_year = FinancialYearFilter(
        help_text="UK financial year by onsite start: 2025 means 1 April 2025 to 31 March 2026"
    )

    class Meta:
        model = PeerChallenge
        fields = ["state", "type", "host", "region", "manager", "financial_year"]
