"""Admin for the workflow models.

The case's state is read-only here as everywhere: transitions are fired from buttons on the
change page, through a small form and the service (workflow.services), so the admin writes the
same CaseEvent and runs the same reactions as the API. Edits to a case go through
`challenge_update` for the same reason. A team place's status is read-only too: its steps are
links from the team table to the same kind of form, fired through
`team_services.assignment_transition`; peers are added through `team_services.assignment_add`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html_join
from django_fsm import ConcurrentTransition

from core.admin_lists import BigTableAdmin, fixed_choices_filter
from core.errors import InvalidInput, Refused
from workflow import actions, machine, roles, services, team_services
from workflow.filters import ChallengeFilter
from workflow.models import (
    Assignment,
    CaseEvent,
    ChallengeType,
    Council,
    DeclaredInterest,
    ElectionPeriod,
    Peer,
    PeerChallenge,
    PeerFormerCouncil,
    Specialism,
    State,
)
from workflow.team_transitions import TEAM
from workflow.transition_forms import TransitionForm
from workflow.transitions import CASE

# Set on a case only by its transitions, never by editing.
TRANSITION_FIELDS = (
    "state",
    "postponed_from",
    "feedback_date",
    "report_file",
    "report_url",
    "report_issued_on",
    "publication_url",
    "published_on",
    "postponed_reason",
    "withdrawn_reason",
    "closed_reason",
)


class ReadOnlyAdminMixin:
    """Rows that are written by code (the register loader, the services), never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The mySociety register; refresh it with `manage.py load_councils`."""

    list_display = ("name", "code", "la_type_name", "region", "nation", "is_current")
    list_filter = ("is_current", "nation", "la_type_name", "region")
    search_fields = ("name", "official_name", "code", "gss_code")


@admin.register(ChallengeType)
class ChallengeTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "funder", "intake_mode", "min_peers", "max_peers", "is_active")
    list_filter = ("is_active", "intake_mode", "funder")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Specialism)
class SpecialismAdmin(admin.ModelAdmin):
    """The controlled list of what peers know; the import and the API name them."""

    list_display = ("name", "slug", "description")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ElectionPeriod)
class ElectionPeriodAdmin(admin.ModelAdmin):
    """The pre-election calendar (workflow/date_checks.py warns of it). Managers keep it: the
    role grants it here, since the groups' permissions were set before this model existed."""

    list_display = ("name", "starts", "polling_day", "applies_to")
    date_hierarchy = "polling_day"
    search_fields = ("name",)
    autocomplete_fields = ("councils",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("councils")

    @admin.display(description="Applies to")
    def applies_to(self, obj: ElectionPeriod) -> str:
        return ", ".join(c.name for c in obj.councils.all()) or "Every council"

    def has_view_permission(self, request, obj=None):
        return roles.can_read_all(request.user)

    def has_add_permission(self, request):
        return roles.can_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.can_manage(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.can_manage(request.user)


class PeerFormerCouncilInline(admin.TabularInline):
    """Checked against the peer's home council as the form has it (PeerFormerCouncil.clean)."""

    model = PeerFormerCouncil
    extra = 0
    autocomplete_fields = ("council",)


class DeclaredInterestInline(admin.TabularInline):
    model = DeclaredInterest
    extra = 0
    autocomplete_fields = ("council",)


@admin.register(Peer)
class PeerAdmin(BigTableAdmin):
    """The peer pool. Bulk changes: `manage.py import_peers` or POST /api/peers/import/."""

    list_display = (
        "name",
        "kind",
        "council",
        "region",
        "political_group",
        "officer_role",
        "max_days_per_year",
        "is_active",
    )
    list_filter = (
        "kind",
        "is_active",
        "political_group",
        "officer_role",
        "council__region",
        "specialisms",
    )
    list_select_related = ("council",)
    search_fields = ("name", "email", "council__name", "job_title")
    autocomplete_fields = ("council", "user")
    filter_horizontal = ("specialisms",)
    inlines = (PeerFormerCouncilInline, DeclaredInterestInline)

    @admin.display(description="region", ordering="council__region")
    def region(self, peer: Peer) -> str:
        return peer.region


class TeamInline(admin.TabularInline):
    """The case's team as it stands, leads first. Read-only: a place changes only by its steps
    (the links, each a form fired through the service), and peers join in the table below. A
    peer leaves a team by a step (withdrawn, declined), never by deletion."""

    model = Assignment
    extra = 0
    can_delete = False
    verbose_name_plural = "team"
    fields = (
        "peer",
        "role",
        "status",
        "respond_by",
        "interests",
        "override_reason",
        "days",
        "steps",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        # The steps are links to forms only managers may use.
        steps = ("steps",) if roles.can_manage(request.user) else ()
        return (*self.fields[:-1], *steps)

    def get_queryset(self, request):
        return Assignment.objects.select_related("peer", "challenge").in_team_order()

    @admin.display(description="steps")
    def steps(self, place: Assignment) -> str:
        steps = machine.steps(TEAM, place)
        if not steps:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}" title="{}">{}</a>',
            (
                (
                    reverse(
                        "admin:workflow_assignment_transition",
                        args=[place.challenge_id, place.pk, step["name"]],
                    ),
                    "; ".join(step["unmet"]) or f"to {step['target']}",
                    step["label"] + ("" if step["ready"] else " (not ready)"),
                )
                for step in steps
            ),
        )


class NewPlaceForm(forms.ModelForm):
    start_as = forms.ChoiceField(
        label="add as",
        choices=[(Assignment.Status.INVITED, "Invited"), (Assignment.Status.RESERVE, "Reserve")],
        initial=Assignment.Status.INVITED,
    )

    class Meta:
        model = Assignment
        fields = ("peer", "role", "respond_by", "override_reason")


class AddToTeamInline(admin.TabularInline):
    """Puts peers on the team, invited (respond-by two weeks ahead unless given) or as
    reserves, through team_services.assignment_add (PeerChallengeAdmin.save_formset), so each
    is on the timeline. Lists no rows: those are in the team table above."""

    model = Assignment
    form = NewPlaceForm
    extra = 0
    can_delete = False
    autocomplete_fields = ("peer",)
    fields = ("peer", "role", "respond_by", "override_reason", "start_as")
    verbose_name = "peer to add"
    verbose_name_plural = "add to the team"

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The case's timeline, oldest first."""

    model = CaseEvent
    extra = 0
    fields = ("created_at", "action", "from_state", "to_state", "actor", "reason", "data")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")  # one query, not one per row


def _regions() -> list[tuple[str, str]]:
    regions = Council.objects.exclude(region="").order_by("region").values_list("region", flat=True)
    return [(region, region) for region in regions.distinct()]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("created_at", "challenge", "action", "from_state", "to_state", "actor")
    # Fixed choices and a date filter, not date_hierarchy or the default filters: those list
    # the table's distinct days and values, a scan of every event per page (issue 11, P3).
    list_filter = (
        fixed_choices_filter("action", "action", [(a, a) for a in sorted(actions.ALL)]),
        fixed_choices_filter("to_state", "to state", State.choices),
        "created_at",
    )
    search_fields = ("challenge__host__name", "action", "reason")
    list_select_related = ("challenge__host", "challenge__challenge_type", "actor")
    ordering = ("-created_at", "-pk")  # newest first: the index case_events_order backwards


if TYPE_CHECKING:  # the mixin joins the admin's own ModelForm class at run time
    from django.forms import ModelForm as _ModelForm
else:
    _ModelForm = object


class NewCaseFormMixin(_ModelForm):
    """The service's rules for a new case, shown on the add form instead of failing the save."""

    def clean(self):
        cleaned = super().clean() or {}
        host, ctype = cleaned.get("host"), cleaned.get("challenge_type")
        if host and ctype:
            try:
                services.check_new_case(
                    host=host, challenge_type=ctype, parent=cleaned.get("parent")
                )
            except InvalidInput as invalid:
                for field, errors in invalid.errors.items():
                    self.add_error(field, errors)
            except Refused as refused:
                self.add_error(None, refused.unmet)
        return cleaned


@admin.register(PeerChallenge)
class PeerChallengeAdmin(BigTableAdmin):
    list_display = ("reference", "host", "challenge_type", "state", "onsite_start", "manager")
    # The regions from the council register, and a date filter rather than date_hierarchy:
    # both defaults scan every case per page for their distinct values (issue 11, P3).
    list_filter = (
        "state",
        "challenge_type",
        fixed_choices_filter("host__region", "region", _regions),
        "onsite_start",
    )
    list_select_related = ("host", "challenge_type", "manager")
    search_fields = ("host__name", "host__code")  # the search box; get_search_results searches
    search_help_text = "A council's name or code, or a case reference (PC-00012)"
    autocomplete_fields = ("host", "parent", "manager")
    inlines = (TeamInline, AddToTeamInline, CaseEventInline)
    change_form_template = "admin/workflow/peerchallenge/change_form.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6 default

    def get_search_results(self, request, queryset, search_term):
        """The case list's search (workflow.filters.ChallengeFilter), here and in the parent
        case's autocomplete: the councils matched first, then their cases by index. Django's
        ILIKE across the join and the contacts' names read every case (0.4 s at 100,000)."""
        if not search_term.strip():
            return queryset, False
        found = ChallengeFilter({"search": search_term}, queryset=queryset)
        return (found.qs if found.is_valid() else queryset.none()), False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return TRANSITION_FIELDS
        if obj.state in (State.CLOSED, State.WITHDRAWN):
            return [f.name for f in obj._meta.fields if f.editable]
        enquiry_only = () if obj.state == State.ENQUIRY else tuple(services.ENQUIRY_ONLY_FIELDS)
        return TRANSITION_FIELDS + enquiry_only

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return form if change else type("NewCaseForm", (NewCaseFormMixin, form), {})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A refusal from the services that the form could not foresee (a team move that is
        not allowed, a race) is a message on the page, never a 500. The admin saves inside one
        atomic block, so by the time we catch it everything has been rolled back."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (Refused, InvalidInput) as refused:
            self.message_user(request, f"Not saved: {refused}", messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Create or edit through the services, so every edit is on the timeline."""
        values = {f: form.cleaned_data[f] for f in form.changed_data}
        if change:
            obj.refresh_from_db()  # the form already wrote its values onto obj
            services.challenge_update(challenge=obj, actor=request.user, changes=values)
            return
        for field in ("host", "challenge_type", "parent"):
            values.pop(field, None)
        created = services.challenge_create(
            actor=request.user,
            host=form.cleaned_data["host"],
            challenge_type=form.cleaned_data["challenge_type"],
            parent=form.cleaned_data.get("parent"),
            **values,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assignment:
            return super().save_formset(request, form, formset, change)
        # What formset.save() would leave behind for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:  # only new places: the team table is read-only
            if row.instance.pk is not None or not row.has_changed():
                continue
            values = row.cleaned_data
            added = team_services.assignment_add(
                challenge=form.instance,
                actor=request.user,
                peer=values["peer"],
                role=values["role"],
                respond_by=values.get("respond_by"),
                invite=values["start_as"] == Assignment.Status.INVITED,
                override_reason=values.get("override_reason", ""),
            )
            formset.new_objects.append(added)
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        challenge = self.get_object(request, object_id)
        available = services.available_transitions(challenge, request.user) if challenge else []
        extra_context = {
            **(extra_context or {}),
            "transitions": available,
            "emails_url": _emails_url(challenge) if challenge else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- transitions of the case and of its team's places ---------------------------------

    def get_urls(self):
        transition = self.admin_site.admin_view(self.transition_view)
        team_transition = self.admin_site.admin_view(self.team_transition_view)
        return [
            path(
                "<int:object_id>/team/<int:assignment_id>/transition/<str:name>/",
                team_transition,
                name="workflow_assignment_transition",
            ),
            path(
                "<int:object_id>/transition/<str:name>/",
                transition,
                name="workflow_peerchallenge_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id, name):
        challenge = get_object_or_404(PeerChallenge, pk=object_id)
        return self._step_page(request, challenge, CASE_STEPS, challenge, name)

    def team_transition_view(self, request, object_id, assignment_id, name):
        challenge = get_object_or_404(PeerChallenge, pk=object_id)
        place = get_object_or_404(challenge.assignments.select_related("peer"), pk=assignment_id)
        return self._step_page(request, challenge, TEAM_STEPS, place, name)

    def _step_page(self, request, challenge, steps: "_Steps", instance, name: str):
        """A step's form (its declared input), fired through the service on POST."""
        table = steps.machine.transitions
        if name not in table:
            raise Http404(f"no transition {name!r}")
        if not (self.has_change_permission(request, challenge) and roles.can_manage(request.user)):
            raise PermissionDenied
        spec = table[name]
        about = {steps.form_kwarg: instance, "spec": spec}
        form = TransitionForm(**about)
        if request.method == "POST":
            form = TransitionForm(request.POST, request.FILES, **about)
            if form.is_valid() and self._fire(request, steps, instance, name, form):
                return redirect(reverse("admin:workflow_peerchallenge_change", args=[challenge.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": challenge,
            "title": f"{spec.label}: {steps.subject(instance)}",
            "transition": name,
            "subject": _capitalised(steps.machine.describe(instance)),
            "current": _current(steps.machine, instance),
            "form": form,
            "unmet": _preview(steps.machine, instance, name, request.user),
        }
        return TemplateResponse(request, "admin/workflow/peerchallenge/transition.html", context)

    def _fire(self, request, steps: "_Steps", instance, name: str, form) -> bool:
        """Call the service; a refusal becomes an error message, bad input form errors."""
        try:
            steps.fire(instance, name=name, actor=request.user, **form.service_inputs())
        except Refused as refused:
            self.message_user(request, f"Refused: {'; '.join(refused.unmet)}", messages.ERROR)
            return False
        except ConcurrentTransition:
            self.message_user(
                request, "Someone else changed this case meanwhile: reload it.", messages.ERROR
            )
            return False
        except InvalidInput as invalid:
            form.add_service_errors(invalid)
            return False
        current = _current(steps.machine, instance)
        self.message_user(request, f"{steps.subject(instance)} is now {current}.")
        return True


@dataclass(frozen=True)
class _Steps:
    """How the admin fires one machine's steps: its declarations, its service, how it names
    the thing that moves, and which keyword the step form takes it by."""

    machine: machine.Machine
    fire: Callable[..., Any]
    subject: Callable[[Any], str]
    form_kwarg: str


CASE_STEPS = _Steps(
    CASE,
    lambda challenge, **kw: services.challenge_transition(challenge=challenge, **kw),
    lambda challenge: challenge.reference,
    "challenge",
)
TEAM_STEPS = _Steps(
    TEAM,
    lambda place, **kw: team_services.assignment_transition(assignment=place, **kw),
    lambda place: _capitalised(TEAM.describe(place)),
    "place",
)


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def _current(on: machine.Machine, instance) -> str:
    return getattr(instance, f"get_{on.field}_display")().lower()


def _emails_url(challenge: PeerChallenge) -> str | None:
    """The outbox filtered to this case. By URL name only: workflow never imports notifications,
    and without that app's admin there is simply no link."""
    try:
        changelist = reverse("admin:notifications_notification_changelist")
    except NoReverseMatch:
        return None
    return f"{changelist}?challenge__id__exact={challenge.pk}"


def guard_preview(challenge: PeerChallenge, name: str, user) -> list[str]:
    """What would stop the case's transition right now (inputs from the form may still fix
    it)."""
    return _preview(CASE, challenge, name, user)


def _preview(on: machine.Machine, instance, name: str, user) -> list[str]:
    for transition in machine.available(on, instance, user):
        if transition["name"] == name:
            return transition["unmet"]
    return []
