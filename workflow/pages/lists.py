"""The landing list: a manager's cases (everyone's for a programme lead). A peer's lists are
in workflow/pages/invitations.py."""

import csv
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.pagination import DeferredJoinPaginator
from workflow import roles, selectors
from workflow.choices import State
from workflow.filters import CaseOrderingFilter, ChallengeFilter, RefusesUnknownParameters
from workflow.models import ChallengeType, Council, PeerChallenge
from workflow.peer_csv import spreadsheet_safe as safe_text
from workflow.transitions import TRANSITIONS, Transition

PAGE_SIZE = 50
COLUMNS = (
    "Reference",
    "Host council",
    "Type",
    "State",
    "Onsite",
    "Manager",
    "Waits for",
    "Waiting",
)
# The pipeline's order: by stage, then the soonest visit; undated cases last in their stage.
CASE_ORDER = (CaseOrderingFilter.order_by("state"), CaseOrderingFilter.order_by("onsite_start"))


# --- what a case waits for ----------------------------------------------------------------


def _next_step(state: str) -> Transition | None:
    """The step a case in `state` waits for: the first declared transition leaving it (the
    declarations list the way forward before postpone and withdraw)."""
    for spec in TRANSITIONS.values():
        if getattr(PeerChallenge, spec.name)._django_fsm.get_transition(state):
            return spec
    return None


NEXT_STEP = {state: _next_step(state) for state in State}

# Guards that read only the case row and the host and type joined to it, so the list runs
# them for every row at no query. The others would cost a query a row (booking: the host's
# other open cases; the team: its accepted peers): the list names their step and leaves what
# is unmet to the case page. tests/pages/test_my_cases.py holds the list's query count level
# from 5 rows to 50 with a case in every state, so a guard that starts querying is caught.
GUARDS_READING_ONLY_THE_ROW = frozenset({"start_team_assembly", "start_onsite", "record_feedback"})


@dataclass(frozen=True)
class CaseRow:
    case: PeerChallenge
    step: Transition | None  # what the case waits for; None once it is closed or withdrawn
    unmet: str  # the step's first unmet condition, where the list can tell without a query
    more_unmet: int  # how many more there are
    since: datetime.date  # when it entered its state (selectors.challenge_table)
    days: int

    @classmethod
    def of(cls, case: PeerChallenge, *, today: datetime.date) -> "CaseRow":
        step = NEXT_STEP.get(case.state)
        unmet = step.unmet(case) if step and step.name in GUARDS_READING_ONLY_THE_ROW else []
        since = timezone.localdate(case.state_since)  # type: ignore[attr-defined]
        first, more = (unmet[0], len(unmet) - 1) if unmet else ("", 0)
        return cls(case, step, first, more, since, (today - since).days)

    @property
    def still_needs(self) -> str:
        return f"{self.unmet} (and {self.more_unmet} more)" if self.more_unmet else self.unmet


# --- the filters ----------------------------------------------------------------------------


class _PageFilterForm(RefusesUnknownParameters):
    """A parameter the page has no filter for is said at the top of the page: there is no
    field to put it against. Every filter is optional, so none is marked so."""

    mark_optional = False

    def full_clean(self) -> None:
        super().full_clean()
        # After full_clean: `errors` is the dict it filled, not a trigger to clean again.
        unknown = [name for name in self.errors if name not in {*self.fields, NON_FIELD_ERRORS}]
        for name in unknown:
            del self.errors[name]
            self.add_error(None, f"This page has no filter called “{name}”")


class _SelectOne(forms.Select):
    """One value picked from a list, read as the list a multiple-choice field expects; a
    link may still name several (state=booked&state=onsite)."""

    def value_from_datadict(self, data, files, name):
        return [value for value in data.getlist(name) if value]


class MyCasesFilter(ChallengeFilter):
    """The API's case filters and their rules (workflow/filters.py), drawn as the page's GET
    form: lists to pick from where the API takes text, and only the filters the page offers."""

    class Meta(ChallengeFilter.Meta):
        form = _PageFilterForm

    NOT_ON_THE_PAGE = ("host", "onsite_from", "onsite_to", "ordering")

    def __init__(self, data, *, user) -> None:
        super().__init__(data, queryset=selectors.challenge_table(user=user))
        for name in self.NOT_ON_THE_PAGE:
            del self.filters[name]
        fields = self.form.fields
        fields["search"].label = "Council or case reference"
        fields["state"].label = "State"
        fields["state"].widget = _SelectOne(choices=[("", "Any state"), *State.choices])
        fields["type"] = forms.ChoiceField(
            label="Type", required=False, choices=[("", "Any type"), *_type_choices()]
        )
        fields["region"] = forms.ChoiceField(
            label="Region", required=False, choices=[("", "Any region"), *_region_choices()]
        )
        fields["manager"].label = "Manager"
        fields["manager"].widget = forms.Select(choices=[("", "Anyone"), *_manager_choices(user)])
        fields["financial_year"].label = "Financial year"
        fields["financial_year"].help_text = "Of the onsite visit, for example 2026-27"
        fields["financial_year"].widget.attrs["class"] = "govuk-input--width-10"
        # As the page shows them: the error summary's links to the form go to the first.
        self.form.order_fields(["search", "type", "region", "state", "manager"])

    def filter_queryset_except(self, queryset: QuerySet, skip: str) -> QuerySet:
        """`queryset` under every filter in effect but `skip`."""
        for name, value in self.form.cleaned_data.items():
            if name != skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def _type_choices() -> list[tuple[str, str]]:
    return list(ChallengeType.objects.order_by("name").values_list("slug", "name"))


def _region_choices() -> list[tuple[str, str]]:
    regions = (
        Council.objects.active_english()
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
    return [(region, region) for region in regions]


def _manager_choices(user) -> list[tuple[int, str]]:
    """Everyone who may manage a case; the signed-in manager is marked."""
    people = roles.managers().order_by("first_name", "last_name", "username")
    choices = []
    for pk, first, last, username in people.values_list(
        "pk", "first_name", "last_name", "username"
    ):
        name = f"{first} {last}".strip() or username
        choices.append((pk, f"{name} (you)" if pk == user.pk else name))
    return choices


def _case_filters(request) -> MyCasesFilter:
    user = request.user
    if not roles.can_read_all(user):
        raise PermissionDenied  # peers have /my/challenges/
    data = request.GET.copy()
    if roles.is_manager(user) and "manager" not in data:
        data["manager"] = str(user.pk)  # their own cases; "Anyone" sends manager=
    return MyCasesFilter(data, user=user)


# --- the pages --------------------------------------------------------------------------------


@login_required
@require_safe
def my_cases(request):
    """A manager's own cases by default; everyone's for a programme lead or an admin. Filters,
    the pipeline's counts, a page of rows: the same number of queries at any page size."""
    filters = _case_filters(request)
    context = {
        "title": "My cases" if roles.is_manager(request.user) else "All cases",
        "form": filters.form,
        "can_manage": roles.can_manage(request.user),
        "filtered": bool(set(request.GET) - {"page"}),
    }
    if filters.is_valid():
        pipeline = _pipeline(filters, request.user)
        paginator = DeferredJoinPaginator(filters.qs.order_by(*CASE_ORDER, "pk"), PAGE_SIZE)
        # The pipeline counted the cases under every other filter by state: the list's size
        # is the sum over the states chosen, with no COUNT of its own.
        counted = [stage for stage in pipeline if stage["chosen"]] or pipeline
        paginator.count = sum(stage["count"] for stage in counted)
        # A page past the end shows the last one, a page that is no number the first: a
        # bookmarked page 7 of a list that has since shrunk still shows cases, not a 404.
        page = paginator.get_page(request.GET.get("page"))
        today = timezone.localdate()
        show_manager = filters.form.cleaned_data.get("manager") is None  # not when it is one
        context |= {
            "columns": [name for name in COLUMNS if show_manager or name != "Manager"],
            "show_manager": show_manager,
            "pipeline": pipeline,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "rows": [CaseRow.of(case, today=today) for case in page],
        }
    return render(request, "workflow/my_cases.html", context)


def _pipeline(filters: MyCasesFilter, user) -> list[dict]:
    """How many cases each state holds under the other filters: one grouped query."""
    cases = filters.filter_queryset_except(
        roles.visible_challenges(user, PeerChallenge.objects.all()), skip="state"
    )
    counts = dict(cases.order_by().values_list("state").annotate(Count("pk")))
    chosen = set(filters.form.cleaned_data.get("state") or [])
    return [
        {
            "state": state.value,
            "label": state.label,
            "count": counts.get(state, 0),
            "chosen": state in chosen,
        }
        for state in State
    ]


# --- the CSV export ---------------------------------------------------------------------------

CSV_HEADER = [
    "Reference",
    "Link",
    "Host council",
    "Council code",
    "Region",
    "Type",
    "State",
    "Manager",
    "Onsite start",
    "Onsite end",
    "Waits for",
    "Still needs",
    "In this state since",
    "Days waiting",
]


def spreadsheet_safe(value: object) -> str:
    """A council contact or a name typed as =HYPERLINK(...) must arrive as text: the one guard
    every CSV export uses (workflow.peer_csv), on any value."""
    return safe_text("" if value is None else str(value))


def _csv_cells(row: CaseRow, link: str) -> list[str]:
    case = row.case
    manager = (case.manager.get_full_name() or case.manager.username) if case.manager else ""
    cells = [
        case.reference,
        link,
        case.host.name,
        case.host.code,
        case.host.region,
        case.challenge_type.name,
        case.get_state_display(),
        manager,
        case.onsite_start,
        case.onsite_end,
        row.step.label if row.step else "",
        row.still_needs,
        row.since,
        row.days,
    ]
    return [spreadsheet_safe(cell) for cell in cells]


class _Echo:
    """csv.writer writes a row here and gets it back, to stream it."""

    def write(self, value: str) -> str:
        return value


@login_required
@require_safe
def my_cases_csv(request):
    """The filtered list, every row (not one page), streamed: the same filters as the page."""
    filters = _case_filters(request)
    if not filters.is_valid():
        problems = [f"{name}: {' '.join(errors)}" for name, errors in filters.errors.items()]
        return HttpResponse(
            "\n".join(["The filters have problems:", *problems]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    today = timezone.localdate()
    cases = filters.qs.order_by(*CASE_ORDER, "pk").iterator(chunk_size=500)
    rows: Iterable[list[str]] = (
        _csv_cells(
            CaseRow.of(case, today=today),
            request.build_absolute_uri(reverse("case-detail", args=[case.pk])),
        )
        for case in cases
    )
    writer = csv.writer(_Echo())
    lines: Iterator[str] = (writer.writerow(cells) for cells in chain([CSV_HEADER], rows))
    # The byte order mark makes Excel read the file as UTF-8 (council names have accents).
    response = StreamingHttpResponse(
        chain(["\ufeff"], lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="cases-{today:%Y-%m-%d}.csv"'
    return response


@login_required
@require_safe
def my_visits(request):
    """The old address of a peer's list of cases, kept for bookmarks: My challenges (the teams
    they are on) and My invitations (what waits for their answer) replace it."""
    return redirect("my-challenges")
