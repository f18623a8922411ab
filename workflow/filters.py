"""Query-string filters for the API lists. Bad values give 400 with the parameter named, and so
do parameters a list does not know: a misspelt filter must not quietly return everything."""

import datetime
import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, QuerySet
from django.db.models.expressions import OrderBy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.settings import api_settings

from workflow.choices import MEMBER_ROLES, OFFICER_ROLES, AssignmentRole
from workflow.dates import financial_year_bounds, financial_year_label, is_impossible_date
from workflow.models import Council, Peer, PeerChallenge, Specialism, State
from workflow.models.challenges import STATE_IN_LIFECYCLE


def passthrough_parameters() -> set[str]:
    """Query parameters a list reads besides its filters: the pager's and DRF's `format`."""
    pager = api_settings.DEFAULT_PAGINATION_CLASS
    names: list[str | None] = [api_settings.URL_FORMAT_OVERRIDE]
    names += [getattr(pager, name, None) for name in ("page_query_param", "page_size_query_param")]
    return {name for name in names if name}


class RefusesUnknownParameters(forms.Form):
    """The form behind a strict FilterSet: a parameter that is neither a filter nor paging is
    an error under its own name, listing the ones the list knows."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        unknown = sorted(set(self.data) - set(self.fields) - passthrough_parameters())
        known = ", ".join(sorted({*self.fields, *passthrough_parameters()}))
        for name in unknown:
            # After full_clean: `errors` is the dict it filled, not a trigger to clean again.
            self.errors[name] = self.error_class([f"unknown parameter; this list reads {known}"])


class StrictFilterSet(django_filters.FilterSet):
    class Meta:
        form = RefusesUnknownParameters


class CouncilFilter(StrictFilterSet):
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

    class Meta(StrictFilterSet.Meta):
        model = Council
        fields = ["region", "nation", "type", "active_english", "search"]

    def filter_active_english(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active_english_council=value == "true")

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
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


# --- financial years -----------------------------------------------------------------------

FIRST_FINANCIAL_YEAR, LAST_FINANCIAL_YEAR = 1990, 2100
# 2026, 2026-27, 2026/27, 2026-2027 or 2026/2027. [0-9]: \d would take other scripts' digits.
FINANCIAL_YEAR = re.compile(r"([0-9]{4})(?:[-/]([0-9]{2}|[0-9]{4}))?")


class FinancialYearField(forms.CharField):
    """A UK financial year as people write it, read as the calendar year it starts in."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = FINANCIAL_YEAR.fullmatch(text)
        if not match:
            raise ValidationError(
                "write a financial year as 2026-27, 2026/27 or 2026", code="invalid"
            )
        first, second = int(match[1]), match[2]
        if second is not None and second != str(first + 1)[-len(second) :]:
            raise ValidationError(
                f"{text} is not a financial year: {first} is followed by "
                f"{first + 1} ({financial_year_label(first)})",
                code="mismatch",
            )
        if not FIRST_FINANCIAL_YEAR <= first <= LAST_FINANCIAL_YEAR:
            raise ValidationError(
                f"must be between {FIRST_FINANCIAL_YEAR} and {LAST_FINANCIAL_YEAR}",
                code="out_of_range",
            )
        return first


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-9]{4}([-/]([0-9]{2}|[0-9]{4}))?$",
        "example": "2026-27",
    }
)
class FinancialYearFilter(django_filters.Filter):
    field_class = FinancialYearField

    def filter(self, queryset: QuerySet, value: int | None) -> QuerySet:
        if value is None:
            return queryset
        first, last = financial_year_bounds(value)
        return queryset.filter(onsite_start__gte=first, onsite_start__lte=last)


# --- dates ---------------------------------------------------------------------------------


class DateInputField(forms.DateField):
    """A date written YYYY-MM-DD; one in that format that names no day is "not a real date"."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "write a date as YYYY-MM-DD",
        "impossible": "%(value)s is not a real date",
    }

    def to_python(self, value: Any) -> datetime.date | None:
        try:
            return super().to_python(value)
        except ValidationError:
            if isinstance(value, str) and is_impossible_date(value.strip()):
                raise ValidationError(
                    self.error_messages["impossible"],
                    code="impossible",
                    params={"value": value.strip()},
                ) from None
            raise


class DateInputFilter(django_filters.DateFilter):
    field_class = DateInputField


# --- the case list -------------------------------------------------------------------------

# `ordering` values and what each sorts by (each has its index: PeerChallenge.Meta and
# migration 0016). A case without onsite dates sorts last either way.
CASE_ORDERINGS: dict[str, F | Case] = {
    "onsite_start": F("onsite_start"),
    "created_at": F("created_at"),
    "updated_at": F("updated_at"),
    "host": F("host__name"),
    "state": STATE_IN_LIFECYCLE,  # enquiry first, closed, postponed and withdrawn last
}
NULLABLE_ORDERINGS = {"onsite_start"}
ORDERING_RULE = (
    f"order by {', '.join(CASE_ORDERINGS)}, comma-separated, each with - in front for descending"
)


class CaseOrderingFilter(django_filters.OrderingFilter):
    """`ordering=-onsite_start,host`: a whitelist, ties broken newest case first so pages are
    stable. Anything else is a 400 listing the allowed values."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": f"%(value)s is not an ordering: {ORDERING_RULE}"},
        )
        super().__init__(fields=list(CASE_ORDERINGS), **kwargs)

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        return qs.order_by(*(self.order_by(param) for param in value), "-pk")

    @staticmethod
    def order_by(param: str) -> OrderBy:
        name = param.removeprefix("-")
        # NULLS LAST only where there are nulls: said of a column that has none, it no longer
        # matches that column's index (workflow 0016), and the sort reads every case.
        nulls_last = True if name in NULLABLE_ORDERINGS else None
        return OrderBy(
            CASE_ORDERINGS[name], descending=param.startswith("-"), nulls_last=nulls_last
        )


# PC-00012, pc12, 00012 or 12; at most 18 digits, so any of them fits a 64-bit primary key.
CASE_REFERENCE = re.compile(r"(?:PC-?)?0*([0-9]{1,18})", re.IGNORECASE)


class ChallengeFilter(StrictFilterSet):
    # Not distinct (django-filter's default for this filter): a case's own column has no
    # duplicates to remove, and SELECT DISTINCT over every column sorted all 80,000 closed
    # cases for the count and the page (issue 11, P3).
    state = django_filters.MultipleChoiceFilter(choices=State.choices, distinct=False)
    type = django_filters.CharFilter(field_name="challenge_type__slug")
    host = django_filters.CharFilter(field_name="host__code", lookup_expr="iexact")
    region = django_filters.CharFilter(field_name="host__region", lookup_expr="iexact")
    manager = IntegerFilter(field_name="manager_id")
    financial_year = FinancialYearFilter(
        help_text="UK financial year by onsite start, written 2026-27, 2026/27 or 2026: each "
        "means 1 April 2026 to 31 March 2027"
    )
    onsite_from = DateInputFilter(
        field_name="onsite_start", lookup_expr="gte", help_text="Onsite visit starts on or after"
    )
    onsite_to = DateInputFilter(
        field_name="onsite_start", lookup_expr="lte", help_text="Onsite visit starts on or before"
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Part of the council's name, its code, or the case reference (PC-00012 or 12)",
    )
    ordering = CaseOrderingFilter(
        help_text=f"Default: newest onsite visit first, undated cases last. Or {ORDERING_RULE}."
    )

    class Meta(StrictFilterSet.Meta):
        model = PeerChallenge
        fields: list[str] = []  # each filter is declared above

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # The matching councils first (a small table), so that the cases are found through
        # the host's index and the primary key: an OR across the join read every case, 0.6 s
        # at 100,000 (issue 11, P3).
        hosts = Council.objects.filter(Q(name__icontains=value) | Q(code__iexact=value))
        matches = Q(host_id__in=list(hosts.values_list("pk", flat=True)))
        reference = CASE_REFERENCE.fullmatch(value)
        if reference:
            matches |= Q(pk=int(reference[1]))
        return queryset.filter(matches)


# --- the peer pool -------------------------------------------------------------------------

YES_NO = [("true", "true"), ("false", "false")]


class PeerFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=Peer.Kind.choices)
    region = django_filters.CharFilter(
        field_name="council__region", lookup_expr="iexact", help_text="The home council's region"
    )
    specialism = django_filters.CharFilter(
        field_name="specialisms__slug", max_length=60, help_text="A specialism's slug"
    )
    political_group = django_filters.ChoiceFilter(choices=Peer.PoliticalGroup.choices)
    officer_role = django_filters.ChoiceFilter(choices=Peer.OfficerRole.choices)
    active = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_active", help_text="true: active peers; false: the others"
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Part of the name, email or home council's name, or the council's code",
    )

    class Meta(StrictFilterSet.Meta):
        model = Peer
        fields: list[str] = []  # each filter is declared above

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=value == "true")

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(email__icontains=value)
            | Q(council__name__icontains=value)
            | Q(council__code__iexact=value)
        )


# --- candidates for a team (workflow/candidates.py) ----------------------------------------


def _regions() -> list[tuple[str, str]]:
    # Ordered by the region itself: the councils' own order (by name) would make DISTINCT
    # keep every council, one option each (453 options for 12 regions).
    regions = (
        Council.objects.exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
    return [(region, region) for region in regions]


class CandidateFilter(StrictFilterSet):
    """What a manager narrows the candidates by; a value that names nothing is a 400 (or a
    form error on the page), not an empty list."""

    kind = django_filters.ChoiceFilter(
        label="Member or officer",
        choices=Peer.Kind.choices,
        empty_label="Either",
        help_text="member (councillors) or officer peers",
    )
    role = django_filters.ChoiceFilter(
        label="For the role",
        choices=AssignmentRole.choices,
        empty_label="Any",
        method="filter_role",
        help_text="The peers who can fill it: councillors for a member role, officers for an "
        "officer role, either for a specialist or a shadow",
    )
    specialism = django_filters.ModelChoiceFilter(
        label="Specialism",
        field_name="specialisms",
        to_field_name="slug",
        queryset=Specialism.objects.all(),
        empty_label="Any",
        help_text="A specialism's slug (GET /api/specialisms/)",
    )
    region = django_filters.ChoiceFilter(
        field_name="council__region",
        choices=_regions,
        empty_label="Any",
        help_text="The home council's region",
    )
    political_group = django_filters.ChoiceFilter(
        choices=Peer.PoliticalGroup.choices, empty_label="Any"
    )
    hide_hard_conflicts = django_filters.ChoiceFilter(
        label="Peers with a hard conflict",
        choices=[("false", "Show them"), ("true", "Hide them")],
        empty_label=None,
        method="filter_nothing",  # read by the list itself: conflicts are not columns
        help_text="true: leave out peers with a hard conflict with the host",
    )

    class Meta(StrictFilterSet.Meta):
        model = Peer
        fields: list[str] = []  # each filter is declared above

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value in MEMBER_ROLES:
            return queryset.filter(kind=Peer.Kind.MEMBER)
        if value in OFFICER_ROLES:
            return queryset.filter(kind=Peer.Kind.OFFICER)
        return queryset

    @property
    def hide_hard(self) -> bool:
        return self.form.cleaned_data.get("hide_hard_conflicts") == "true"
