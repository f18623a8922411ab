"""API input and output shapes. Inputs validate everything a client can get wrong (400 with
field errors); the services and guards decide what the domain allows (409)."""

from collections.abc import Callable, Mapping
from typing import Any, cast

from django.db.models import Field as ModelField
from django.db.models import Model
from django.db.models.manager import BaseManager
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow import roles, selectors, services, team_services
from workflow.models import (
    Assignment,
    CaseEvent,
    ChallengeType,
    Council,
    Peer,
    PeerChallenge,
    State,
    case_rules,
)
from workflow.serializer_fields import INPUT_FIELD_MAPPING, OR_BLANK, TextLookupField
from workflow.team_transitions import TEAM_TRANSITIONS
from workflow.timeline import PERSONAL, shown_reason
from workflow.transitions import TRANSITIONS, Reason, Transition

# --- outputs -----------------------------------------------------------------------------


class CouncilOutput(serializers.ModelSerializer):
    type = serializers.CharField(source="la_type")
    type_name = serializers.CharField(source="la_type_name")
    county: "serializers.SlugRelatedField[Council]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    combined_authority: "serializers.SlugRelatedField[Council]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    is_active_english_council = serializers.BooleanField(read_only=True)

    class Meta:
        model = Council
        fields = [
            "code",
            "gss_code",
            "name",
            "official_name",
            "nation",
            "region",
            "type",
            "type_name",
            "county",
            "combined_authority",
            "start_date",
            "end_date",
            "is_current",
            "is_active_english_council",
        ]


class ChallengeTypeOutput(serializers.ModelSerializer):
    class Meta:
        model = ChallengeType
        fields = [
            "slug",
            "name",
            "funder",
            "intake_mode",
            "mandatory_components",
            "components_version",
            "min_peers",
            "max_peers",
            "requires_lead_member_peer",
            "requires_lead_officer_peer",
            "sends_surveys",
            "publication_expected",
            "repeat_interval_months",
            "requires_parent",
            "is_active",
        ]


class _HostRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class _TypeRef(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class _CaseRef(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class _UserRef(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class TeamMemberOutput(serializers.ModelSerializer):
    """A place as the case shows it: who, in what role, where their place stands."""

    peer_id = serializers.IntegerField()
    peer_name = serializers.CharField(source="peer.name")
    kind = serializers.CharField(source="peer.kind")
    role_label = serializers.CharField(source="get_role_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Assignment
        fields = ["id", "peer_id", "peer_name", "kind", "role", "role_label", "status",
                  "status_label"]  # fmt: skip

    def row_renderer(self) -> Callable[[dict], dict]:
        """One function rendering a place's TEAM_VALUES as to_representation renders the
        place (see CaseRows)."""
        role = self.fields["role"].to_representation
        status = self.fields["status"].to_representation
        role_labels, status_labels = _labels(Assignment, "role"), _labels(Assignment, "status")
        return lambda place: {
            "id": int(place["id"]),
            "peer_id": int(place["peer_id"]),
            "peer_name": str(place["peer__name"]),
            "kind": str(place["peer__kind"]),
            "role": role(place["role"]),
            "role_label": str(role_labels.get(place["role"], place["role"])),
            "status": status(place["status"]),
            "status_label": str(status_labels.get(place["status"], place["status"])),
        }


# How CaseRows reads one field of a row: what each does is what DRF's Serializer does with the
# field (a None attribute renders as None), less its generic attribute lookup.


def _column(attname: str, represent: Callable[[Any], Any]) -> Callable[[Model], Any]:
    def read(row: Model) -> Any:
        value = getattr(row, attname)
        return None if value is None else represent(value)

    return read


def _is_display(source: str) -> bool:
    return source.startswith("get_") and source.endswith("_display")


def _display(model: type[Model], source: str) -> Callable[[Model], str]:
    field = source.removeprefix("get_").removesuffix("_display")
    labels = _labels(model, field)
    return lambda row: str(labels.get(getattr(row, field), getattr(row, field)))


def _as_drf(field: serializers.Field) -> Callable[[Model], Any]:
    def read(row: Model) -> Any:
        value = field.get_attribute(row)
        return None if value is None else field.to_representation(value)

    return read


def _case_ref(case: PeerChallenge) -> dict | None:
    parent = case.parent
    return None if parent is None else {"id": int(parent.pk), "reference": str(parent.reference)}


def _user_ref(case: PeerChallenge) -> dict | None:
    user = case.manager
    if user is None:
        return None
    return {"id": int(user.pk), "username": str(user.username), "name": str(user.get_full_name())}


class TransitionOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    target = serializers.CharField()


class AvailableTransitionOutput(TransitionOutput):
    ready = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


def _labels(model: type[Model], name: str) -> dict[Any, str]:
    """A choice field's labels, as get_FOO_display() gives them, in the active language."""
    field = model._meta.get_field(name)
    assert isinstance(field, ModelField)
    return {value: str(label) for value, label in field.flatchoices}


class CaseRows(serializers.ListSerializer):
    """Many cases (the case list): the same rows as rendering each case on its own, built
    without DRF's per-field machinery, which was most of the list's time (issue 11, P2).
    Per page, not per row: the teams (one query), the choice labels, the report file's URL
    around its id, the fields' own renderers; a plain column is read straight off the row.
    The list's queryset need not prefetch the teams. Row for row the same JSON as
    the serializer's own to_representation (tests/workflow/test_api_list_rows.py)."""

    def to_representation(self, data: Any) -> list[dict]:
        cases = list(data.all() if isinstance(data, BaseManager) else data)
        child = cast("ChallengeListOutput", self.child)
        render = child.row_renderer(teams=_teams([case.pk for case in cases]))
        return [render(case) for case in cases]


# What the list shows of a place; the teams of a page's cases are read as these values in one
# query, not as model instances (a state-machine model's are costly to build: 200 places and
# their peers were a third of a page's time).
TEAM_VALUES = ("id", "challenge_id", "peer_id", "peer__name", "peer__kind", "role", "status")


def _teams(case_ids: list[int]) -> dict[int, list[dict]]:
    teams: dict[int, list[dict]] = {pk: [] for pk in case_ids}
    places = Assignment.objects.filter(challenge_id__in=case_ids).in_team_order()
    for place in places.values(*TEAM_VALUES):
        teams[place["challenge_id"]].append(place)
    return teams


class ChallengeListOutput(serializers.ModelSerializer):
    """A case as the list shows it: everything but what needs per-case queries, so its
    transitions come without the guards' verdicts (`ready`, `unmet`: read the case for those).
    Many of them render through CaseRows."""

    host = _HostRef()
    type = _TypeRef(source="challenge_type")
    parent = _CaseRef(allow_null=True)
    manager = _UserRef(allow_null=True)
    state_label = serializers.CharField(source="get_state_display")
    postponed_from = serializers.ChoiceField(State.choices, allow_blank=True, read_only=True)
    team = TeamMemberOutput(source="assignments", many=True)
    available_transitions = serializers.SerializerMethodField()
    report_file = serializers.SerializerMethodField()

    class Meta:
        model = PeerChallenge
        fields = [
            "id",
            "reference",
            "host",
            "type",
            "parent",
            "manager",
            "state",
            "state_label",
            "postponed_from",
            "onsite_start",
            "onsite_end",
            "feedback_date",
            "scope_components",
            "local_objectives",
            "chief_executive_name",
            "chief_executive_email",
            "leader_name",
            "leader_email",
            "report_url",
            "report_file",
            "report_issued_on",
            "publication_url",
            "published_on",
            "action_plan_url",
            "action_plan_published_on",
            "postponed_reason",
            "withdrawn_reason",
            "closed_reason",
            "team",
            "available_transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        list_serializer_class = CaseRows

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if model_field.blank:
            field_class = OR_BLANK.get(field_class, field_class)
        return field_class, kwargs

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_report_file(self, challenge: PeerChallenge) -> str | None:
        """Where the uploaded report is served (after the case's own permission check), never
        the storage path: media files are not served."""
        if not challenge.report_file:
            return None
        url = reverse("challenge-report-file", kwargs={"pk": challenge.pk})
        return self.context["request"].build_absolute_uri(url)

    @extend_schema_field(TransitionOutput(many=True))
    def get_available_transitions(self, challenge: PeerChallenge) -> list[dict]:
        # Without the guards' verdicts they follow from the state alone (and, for resume, the
        # state a postponed case returns to): the case's @transition methods take no FSM
        # conditions. So once per state in a page, not once per row.
        key = (challenge.state, challenge.postponed_from)
        memo = self.__dict__.setdefault("_transitions_by_state", {})
        if key not in memo:
            user = self.context["request"].user
            memo[key] = services.available_transitions(challenge, user, with_unmet=False)
        return [dict(transition) for transition in memo[key]]

    # --- many cases (CaseRows) ---------------------------------------------------------

    def row_renderer(self, *, teams: dict[int, list[dict]]) -> Callable[[PeerChallenge], dict]:
        """One function rendering a case as to_representation does, with what every row
        shares worked out once: for each field, how to read and render it. `teams`: each
        case's places as TEAM_VALUES, in team order."""
        columns = {field.attname for field in PeerChallenge._meta.concrete_fields}
        team = TeamMemberOutput(context=self.context).row_renderer()
        special: dict[str, Callable[[Any], Any]] = {
            "host": lambda case: {"code": str(case.host.code), "name": str(case.host.name)},
            "type": lambda case: {
                "slug": str(case.challenge_type.slug),
                "name": str(case.challenge_type.name),
            },
            "parent": _case_ref,
            "manager": _user_ref,
            "team": lambda case: [team(place) for place in teams[case.pk]],
            "report_file": self._report_file_renderer(),
        }
        steps: list[tuple[str, Callable[[Any], Any]]] = []
        for field in self._readable_fields:
            name, source = str(field.field_name), str(field.source)
            if name in special:
                steps.append((name, special[name]))
            elif isinstance(field, serializers.SerializerMethodField):
                steps.append((name, getattr(self, str(field.method_name))))
            elif source in columns:
                steps.append((name, _column(source, field.to_representation)))
            elif _is_display(source):
                steps.append((name, _display(PeerChallenge, source)))
            else:  # anything else as DRF itself reads it
                steps.append((name, _as_drf(field)))

        def render(case: PeerChallenge) -> dict:
            return {name: step(case) for name, step in steps}

        return render

    def _report_file_renderer(self) -> Callable[[PeerChallenge], str | None]:
        # The absolute URL of one case's file, and every other's by putting its id in place
        # of that one's: one reverse() per page.
        marker = 9_876_543_210
        url = reverse("challenge-report-file", kwargs={"pk": marker})
        before, after = self.context["request"].build_absolute_uri(url).split(str(marker))
        return lambda case: f"{before}{case.pk}{after}" if case.report_file else None


class PoliticalGroupCountOutput(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    count = serializers.IntegerField()


class ChallengeOutput(ChallengeListOutput):
    """One case, with the transitions the requesting user may fire and what each still needs,
    and the political balance of its accepted member peers (shown, not a rule)."""

    team_balance = serializers.SerializerMethodField()

    class Meta(ChallengeListOutput.Meta):
        fields = [*ChallengeListOutput.Meta.fields, "team_balance"]
        read_only_fields = fields

    @extend_schema_field(PoliticalGroupCountOutput(many=True))
    def get_team_balance(self, challenge: PeerChallenge) -> list[dict]:
        return selectors.team_balance(challenge)

    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, challenge: PeerChallenge) -> list[dict]:
        return services.available_transitions(challenge, self.context["request"].user)


class TeamPlaceOutput(TeamMemberOutput):
    """A place on the team endpoints: the invitation, the answer, the days, and the steps the
    requesting user may take with it and what each still needs."""

    decline_reason = serializers.ChoiceField(
        Assignment.DeclineReason.choices, allow_blank=True, read_only=True
    )
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            *TeamMemberOutput.Meta.fields,
            "invited_on",
            "respond_by",
            "interests",
            "decline_reason",
            "decline_note",
            "override_reason",
            "overridden_by",
            "overridden_at",
            "reserve_rank",
            "days",
            "available_transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, place: Assignment) -> list[dict]:
        return team_services.available_team_transitions(place, self.context["request"].user)

    # A peer's reasons and declaration, and the manager's override: managers read them (and
    # the peer their own), as on the case page's team panel.
    PERSONAL = {"interests": "", "decline_reason": "", "decline_note": "", "override_reason": "",
                "overridden_by": None, "overridden_at": None}  # fmt: skip

    def to_representation(self, place: Assignment) -> dict:
        data = super().to_representation(place)
        user = self.context["request"].user
        if not (roles.can_manage(user) or place.peer.user_id == user.pk):
            data.update(self.PERSONAL)
        return data


class CaseEventOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "from_state", "to_state", "actor", "reason", "data", "created_at"]
        read_only_fields = fields

    def to_representation(self, event: CaseEvent) -> dict:
        """Without the personal data an event holds (timeline.PERSONAL) for all but managers,
        as the case page's timeline."""
        data = super().to_representation(event)
        if not roles.can_manage(self.context["request"].user):
            data["data"] = {k: v for k, v in data["data"].items() if k not in PERSONAL}
            data["reason"] = shown_reason(event, personal=False)
        return data


# --- inputs ------------------------------------------------------------------------------


# Refuses keys it does not know, so a client sending `state` or a typo hears about it instead
# of seeing its change silently dropped.
class RefusesUnknownKeys(serializers.Serializer):
    # Model dates read as dates that exist ("2027-02-30" is "not a real date", not a format).
    serializer_field_mapping = INPUT_FIELD_MAPPING

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {key: ["unknown field, or not one a client can set"] for key in unknown}
                )
        return super().to_internal_value(data)


def _list_of(item_length: int, **kwargs):
    # CharField trims, so an item of only spaces is refused as blank.
    return serializers.ListField(child=serializers.CharField(max_length=item_length), **kwargs)


# How the API reads case fields the model stores as JSON; what the values may be is the
# model's rule (workflow/models/case_rules.py), checked by the services.
CASE_INPUT_FIELDS = {
    "scope_components": lambda: _list_of(60, required=False, help_text="Component codes"),
    "local_objectives": lambda: _list_of(
        case_rules.MAX_OBJECTIVE_LENGTH, required=False, max_length=case_rules.MAX_OBJECTIVES
    ),
}


class ChallengeInput(RefusesUnknownKeys, serializers.ModelSerializer):
    """Create (all required fields) or PATCH (partial=True, with the case in context).

    The fields are the services' own list (EDITABLE_FIELDS, plus what only an enquiry may
    change); those not declared here take their lengths and date bounds from the model.
    """

    host = TextLookupField(slug_field="code", queryset=Council.objects.all())
    type = TextLookupField(
        source="challenge_type",
        slug_field="slug",
        queryset=ChallengeType.objects.filter(is_active=True),
    )
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # like Field.parent
        queryset=PeerChallenge.objects.all(), allow_null=True, required=False
    )
    manager = serializers.PrimaryKeyRelatedField(
        queryset=roles.managers(), allow_null=True, required=False
    )
    scope_components = CASE_INPUT_FIELDS["scope_components"]()
    local_objectives = CASE_INPUT_FIELDS["local_objectives"]()

    class Meta:
        model = PeerChallenge
        fields = ["host", "type", "parent", *sorted(services.EDITABLE_FIELDS)]
        # The one-open-case rule is the booking guard's (409), not a matter of input.
        validators: list = []


# A new place starts as one of these (workflow.team_services.assignment_add).
ADDED_AS = (Assignment.Status.INVITED, Assignment.Status.RESERVE)


class TeamPlaceInput(RefusesUnknownKeys, serializers.ModelSerializer):
    """A peer put on the team: invited (the default; respond-by defaults to two weeks from
    today) or as a reserve. A peer with a soft conflict with the host needs `override_reason`
    (the manager's reason for choosing them anyway); one with a hard conflict is refused."""

    peer = serializers.PrimaryKeyRelatedField(queryset=Peer.objects.all())
    status = serializers.ChoiceField(
        [(status, Assignment.Status(status).label) for status in ADDED_AS],
        default=Assignment.Status.INVITED,
        help_text="invited, or reserve to invite later",
    )

    class Meta:
        model = Assignment
        fields = ["peer", "role", "status", "respond_by", "override_reason"]
        # One place per peer is the service's rule, said in its words.
        validators: list = []


class TeamLinkRevokeInput(RefusesUnknownKeys):
    """Revoke a place's invitation link: every link sent before stops working."""

    resend = serializers.BooleanField(
        default=False, help_text="also send the invitation again, with the new link"
    )


class TeamPlaceChangeInput(RefusesUnknownKeys, serializers.ModelSerializer):
    """PATCH a place: what it holds besides its status (which changes by a transition). What
    may change in which status is the service's rule (workflow.team_services)."""

    class Meta:
        model = Assignment
        fields = sorted(team_services.EDITABLE_WHILE)


class ReservesOrderInput(RefusesUnknownKeys):
    """A role's reserves in the order they are to be invited when an invitee of that role
    declines or lets the invitation lapse. That it lists each of them once is the service's
    rule (workflow.team_services.reserves_reorder)."""

    role = serializers.ChoiceField(Assignment.Role.choices)
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=200,
        help_text="The id of every reserve place of the role, the first to be invited first",
    )


def _transition_input(
    spec: Transition, model: type[Model], *, prefix: str = ""
) -> type[serializers.Serializer]:
    """The request body of one transition, from its declaration: the model fields it takes
    (lengths, URL and date bounds, file checks from the model) and `reason` where it has one."""
    attrs: dict = {
        field: CASE_INPUT_FIELDS[field]()
        for field in spec.fields
        if model is PeerChallenge and field in CASE_INPUT_FIELDS
    }
    if spec.reason != Reason.NONE:
        required = spec.reason == Reason.REQUIRED
        attrs["reason"] = serializers.CharField(
            max_length=2000, required=required, allow_blank=not required
        )
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": list(spec.inputs),
            "extra_kwargs": {f: {"required": f in spec.required} for f in spec.fields},
        },
    )
    attrs["__doc__"] = f"What “{spec.label}” takes."
    name = prefix + "".join(part.capitalize() for part in spec.name.split("_")) + "Input"
    return type(name, (RefusesUnknownKeys, serializers.ModelSerializer), attrs)


# Transition name -> its request body, derived from workflow/transitions.py and (for a team
# place) workflow/team_transitions.py.
TRANSITION_INPUTS = {
    name: _transition_input(spec, PeerChallenge) for name, spec in TRANSITIONS.items()
}
TEAM_TRANSITION_INPUTS = {
    name: _transition_input(spec, Assignment, prefix="Team")
    for name, spec in TEAM_TRANSITIONS.items()
}
