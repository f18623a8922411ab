"""The candidates page: a manager chooses peers for a case's team (workflow/candidates.py),
filters them, reads each one's conflicts in words, and puts one on the team, invited or as a
reserve, through `team_services.assignment_add` (which decides: a hard conflict is refused, a
soft one needs the manager's reason). A case the user may not see is a 404; one they may see
but not manage is a 403."""

from collections.abc import Iterator
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from core.errors import InvalidInput, Refused
from core.row_markup import DateWords
from core.row_markup import escape as _e
from core.widgets import GovukDateInput
from workflow import roles, selectors, team_services
from workflow.candidates import Candidate, Candidates, candidates_for
from workflow.choices import AssignmentRole, AssignmentStatus, PeerKind
from workflow.filters import CandidateFilter
from workflow.models import Peer

PAGE_SIZE = 25


class AddToTeamForm(forms.Form):
    """One candidate put on the team. What may be chosen is the service's rule; this form
    only reads the values (and asks for a reason where the peer has a soft conflict)."""

    role = forms.ChoiceField(label="Role on the team", choices=AssignmentRole.choices)
    start_as = forms.ChoiceField(
        label="Invite them now?",
        choices=[
            (AssignmentStatus.INVITED, "Invite now"),
            (AssignmentStatus.RESERVE, "Add as a reserve, to invite later"),
        ],
        initial=AssignmentStatus.INVITED,
        widget=forms.RadioSelect,
    )
    respond_by = forms.DateField(
        label="Respond by (optional)",
        required=False,
        widget=GovukDateInput,
        help_text="Leave it blank for two weeks from the day they are invited.",
    )
    override_reason = forms.CharField(
        label="Your reason for choosing them despite the soft conflict",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidate: Candidate, **kwargs):
        kwargs.setdefault("prefix", f"peer-{candidate.peer.pk}")  # one per row: ids unique
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        role, asks_reason = self.variant(candidate)
        self.fields["role"].initial = role
        if not asks_reason:
            del self.fields["override_reason"]

    @staticmethod
    def variant(candidate: Candidate) -> tuple[str, bool]:
        """What a blank form for this candidate varies by, besides its prefix: the role it
        proposes (their kind's) and whether it asks for a reason (a soft conflict)."""
        kind = candidate.peer.kind
        role = AssignmentRole.MEMBER if kind == PeerKind.MEMBER else AssignmentRole.OFFICER
        return role, bool(candidate.soft)

    def add_service_errors(self, invalid: InvalidInput) -> None:
        for field, problems in invalid.errors.items():
            self.add_error(field if field in self.fields else None, list(problems))


def _managed_case(request, pk: int):
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    if not roles.can_manage(request.user):
        raise PermissionDenied
    return challenge


@login_required
def case_candidates(request, pk: int):
    """GET: the candidates, filtered, a page at a time. POST: put one on the team; the page
    again with the service's words if it refuses."""
    challenge = _managed_case(request, pk)
    filters = CandidateFilter(request.GET, queryset=Peer.objects.all())
    for field in filters.form.fields.values():
        field.help_text = ""  # the API's notes (slugs, true/false); the page shows choices
    valid = filters.is_valid()
    found = candidates_for(challenge, filters.qs if valid else Peer.objects.none(),
                           hide_hard=valid and filters.hide_hard)  # fmt: skip
    posted: AddToTeamForm | None = None
    refused: list[str] = []
    if request.method == "POST":
        posted, refused, added = _add(request, challenge, found.candidates)
        if added is not None:
            done = "invited" if added.status == AssignmentStatus.INVITED else "added as a reserve"
            messages.success(request, f"{added.peer} {done} ({added.get_role_display().lower()}).")
            return HttpResponseRedirect(request.get_full_path())
    page = Paginator(found.candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    blank = _BlankForms()
    rows = [
        (c, posted if posted and posted.candidate.peer.pk == c.peer.pk else blank.of(c))
        for c in page
    ]
    return render(
        request,
        "workflow/case_candidates.html",
        {
            "case": challenge,
            "found": found,
            # The base template's error summary reads `form`: the add form that failed, else
            # the filters.
            "form": posted if posted is not None and posted.errors else filters.form,
            "filters": filters.form,
            "filtered": bool(set(request.GET) - {"page"}),
            "refused": refused,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "rows": _rows_html(rows, csrf_input(request)) if rows else "",
            "balance": selectors.team_balance(challenge),
            "team_url": reverse("case-detail", kwargs={"pk": challenge.pk}),
        },
    )


def csrf_input(request) -> SafeString:
    """What `{% csrf_token %}` writes: one masked token serves every row's form."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


def _rows_html(rows: list[tuple[Candidate, Any]], csrf: SafeString) -> SafeString:
    """The table's rows, written in Python: through the template's tags and lookups, 25 rows
    were ~10 ms of the page at 100,000 cases, through format_html ~4.5 ms (its lazy-aware
    escaping per value); as f-strings with each value from the data escaped (`_e`, what the
    template's autoescape does) ~2.7 ms. The markup is the template's. `rows`: (candidate, its
    add form's markup or the posted form, or None where they cannot be added)."""
    months = DateWords("M Y")  # "Jul 2026"
    out = "\n".join(_row(c, add_form, csrf, months) for c, add_form in rows)
    return mark_safe(out)  # every value from the data escaped by _e, as the template did


def _row(candidate: Candidate, add_form: Any, csrf: SafeString, months: DateWords) -> str:
    peer, place = candidate.peer, candidate.place
    about = peer.get_kind_display()
    if peer.political_group:
        about += f", {peer.get_political_group_display()}"
    if peer.officer_role:
        about += f", {peer.get_officer_role_display()}"
    if peer.council:
        home = f"{peer.council} ({peer.region})" if peer.region else str(peer.council)
    else:
        home = "No home council"
    specialisms = f"<br>{_e(', '.join(candidate.specialisms))}" if candidate.specialisms else ""
    if candidate.hard:
        tag = '<strong class="govuk-tag govuk-tag--red">Cannot serve</strong>'
    elif candidate.soft and place is not None and place.override_reason:
        tag = '<strong class="govuk-tag govuk-tag--blue">Reason given</strong>'
    elif candidate.soft:
        tag = '<strong class="govuk-tag govuk-tag--yellow">Needs a reason</strong>'
    else:
        tag = "None"
    conflicts = _list(
        f"{'Hard' if c.is_hard else 'Soft'}: {_e(capfirst(c.reason))}" for c in candidate.conflicts
    )
    over = (
        ' <strong class="govuk-tag govuk-tag--orange">Over</strong>' if candidate.over_limit else ""
    )
    if candidate.acceptance_rate is None:
        record = "Never answered an invitation"
    else:
        accepted, answered = localize(candidate.accepted), localize(candidate.answered)
        record = f"Accepted {_e(accepted)} of {_e(answered)} answered"
    past = _list(
        _e(case.host) + (f", {_e(months(case.onsite_start))}" if case.onsite_start else "")
        for case in candidate.last_challenges
    )
    hint = '<div class="govuk-hint govuk-!-font-size-16 govuk-!-margin-bottom-0">'
    return (
        f'<tr class="govuk-table__row" data-testid="candidate-{peer.pk}">'
        f'<th scope="row" class="govuk-table__header">{_e(peer.name)}'
        f"{hint}{_e(about)}<br>{_e(home)}{specialisms}</div></th>"
        f'<td class="govuk-table__cell">{tag}{conflicts}</td>'
        f'<td class="govuk-table__cell">{_e(localize(candidate.workload))} of '
        f"{_e(localize(candidate.max_days))} days{over}"
        f"{hint}{_e(localize(candidate.open_places))} open place"
        f"{pluralize(candidate.open_places)}</div></td>"
        f'<td class="govuk-table__cell">{record}{past}</td>'
        f'<td class="govuk-table__cell">{_add_cell(candidate, add_form, csrf)}</td>'
        "</tr>"
    )


def _list(items: Iterator[str]) -> str:
    """The template's small `<ul>` of these `<li>`s' markup; nothing if there are none."""
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f'<ul class="govuk-list govuk-!-font-size-16">{lis}</ul>' if lis else ""


def _add_cell(candidate: Candidate, add_form: Any, csrf: SafeString) -> str:
    peer, place = candidate.peer, candidate.place
    if place is not None:
        return _e(f"On the team: {place.get_status_display().lower()}")
    if not add_form:
        return "Cannot be invited"
    name = _e(peer.name)
    soft = (
        f'<p class="govuk-body govuk-!-font-size-16">{name} has a soft conflict: say why you are '
        "choosing them anyway.</p>"
        if candidate.soft
        else ""
    )
    # A blank form's markup, or the posted form, which renders itself escaped.
    form = add_form if isinstance(add_form, SafeString) else conditional_escape(add_form)
    return (
        f'<details class="govuk-details"{" open" if getattr(add_form, "errors", None) else ""}>'
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        f'Add<span class="govuk-visually-hidden"> {name}</span> to the team</span></summary>'
        f'<div class="govuk-details__text"><form method="post" novalidate>{csrf}'
        f'<input type="hidden" name="peer" value="{peer.pk}">{soft}{form}'
        f'<button type="submit" class="govuk-button" data-module="govuk-button">Add {name}</button>'
        "</form></div></details>"
    )


class _BlankForms:
    """Each invitable row's blank add form as markup. A blank form differs between rows only
    by its prefix and `AddToTeamForm.variant`, so each variant is rendered once under a
    placeholder prefix and given each row's own: a page of 25 forms is at most four renders,
    not 25 (3-4 ms each: 90 ms of the page at 100,000 cases). Nothing in a blank form varies
    by request, case or day (its choices, labels and hints are the code's), so the renders
    are kept for the process: its first page pays for them, not every page (~13 ms)."""

    PLACEHOLDER = "peer-ROW"
    _kept: ClassVar[dict[tuple[str, bool], str]] = {}

    def __init__(self) -> None:
        self._markup = self._kept

    def of(self, candidate: Candidate) -> SafeString | None:
        if not candidate.invitable:
            return None
        variant = AddToTeamForm.variant(candidate)
        if variant not in self._markup:
            form = AddToTeamForm(candidate=candidate, prefix=self.PLACEHOLDER)
            self._markup[variant] = str(form)
        own = self._markup[variant].replace(self.PLACEHOLDER, f"peer-{candidate.peer.pk}")
        # The form's own escaped markup with a number put in: nothing from the user.
        return mark_safe(own)


def _add(request, challenge, candidates: Candidates):
    """(the form, what the service refused, the place added or None)."""
    posted = request.POST.get("peer", "")
    chosen = candidates.find(int(posted)) if posted.isascii() and posted.isdigit() else None
    if chosen is None:
        # Not among the peers listed (filtered out, inactive, unknown): ask for the page again.
        return None, ["choose a peer from the list on this page"], None
    form = AddToTeamForm(request.POST, candidate=chosen)
    if not form.is_valid():
        return form, [], None
    values = form.cleaned_data
    try:
        added = team_services.assignment_add(
            challenge=challenge,
            peer=chosen.peer,
            actor=request.user,
            role=values["role"],
            respond_by=values.get("respond_by"),
            invite=values["start_as"] == AssignmentStatus.INVITED,
            override_reason=values.get("override_reason", ""),
        )
    except InvalidInput as invalid:
        form.add_service_errors(invalid)
        return form, [], None
    except Refused as refusal:
        return form, refusal.unmet, None
    return form, [], added
