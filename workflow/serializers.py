"""API input and output shapes. Inputs validate everything a client can get wrong (400 with
field errors); the services and guards decide what the domain allows (409)."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.validators import FileExtensionValidator
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow import roles, services
from workflow.dates import validate_programme_date
from workflow.models import Assignment, CaseEvent, ChallengeType, Council, PeerChallenge, State
from workflow.serializer_fields import OR_BLANK, TextLookupField

REPORT_EXTENSIONS = ["pdf", "docx", "doc", "odt"]
REPORT_MAX_BYTES = 20 * 1024 * 1024

# --- outputs -----------------------------------------------------------------------------


class CouncilOutput(serializers.ModelSerializer):
    type = serializers.CharField(source="la_type")
    type_name = serializers.CharField(source="la_type_name")
    county = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    combined_authority = serializers.SlugRelatedField(
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
    peer_id = serializers.IntegerField()
    peer_name = serializers.CharField(source="peer.name")
    kind = serializers.CharField(source="peer.kind")

    class Meta:
        model = Assignment
        fields = ["id", "peer_id", "peer_name", "kind", "status", "is_lead"]


class TransitionOutput(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.CharField()


class AvailableTransitionOutput(TransitionOutput):
    ready = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


class ChallengeListOutput(serializers.ModelSerializer):
    """A case as the list shows it: everything but what needs per-case queries, so its
    transitions come without the guards' verdicts (`ready`, `unmet`: read the case for those)."""

    host = _HostRef()
    type = _TypeRef(source="challenge_type")
    parent = _CaseRef(allow_null=True)
    manager = _UserRef(allow_null=True)
    state_label = serializers.CharField(source="get_state_display")
    postponed_from = serializers.ChoiceField(State.choices, allow_blank=True, read_only=True)
    team = TeamMemberOutput(source="assignments", many=True)
    available_transitions = serializers.SerializerMethodField()

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

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if model_field.blank:
            field_class = OR_BLANK.get(field_class, field_class)
        return field_class, kwargs

    @extend_schema_field(TransitionOutput(many=True))
    def get_available_transitions(self, challenge: PeerChallenge) -> list[dict]:
        user = self.context["request"].user
        return services.available_transitions(challenge, user, with_unmet=False)


class ChallengeOutput(ChallengeListOutput):
    """One case, with the transitions the requesting user may fire and what each still needs."""

    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, challenge: PeerChallenge) -> list[dict]:
        return services.available_transitions(challenge, self.context["request"].user)


class CaseEventOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "from_state", "to_state", "actor", "reason", "data", "created_at"]
        read_only_fields = fields


# --- inputs ------------------------------------------------------------------------------


# Refuses keys it does not know, so a client sending `state` or a typo hears about it instead
# of seeing its change silently dropped.
class RefusesUnknownKeys:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {key: ["unknown field, or not one a client can set"] for key in unknown}
                )
        return super().to_internal_value(data)


class StrictInput(RefusesUnknownKeys, serializers.Serializer):
    pass


def validate_scope(codes: list[str], challenge_type: ChallengeType) -> None:
    known = {c["code"] for c in challenge_type.mandatory_components}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise serializers.ValidationError(
            {"scope_components": [f"not a component of the {challenge_type}: {', '.join(unknown)}"]}
        )
    if len(set(codes)) != len(codes):
        raise serializers.ValidationError({"scope_components": ["a component is listed twice"]})


def _scope_field():
    return serializers.ListField(child=serializers.CharField(max_length=60), required=False)


def _objectives_field():
    # CharField trims, so an objective of only spaces is refused as blank.
    return serializers.ListField(child=serializers.CharField(max_length=500), required=False)


def _date_field(**kwargs):
    return serializers.DateField(validators=[validate_programme_date], **kwargs)


def _url_field(model_field: str, **kwargs):
    """A URL no longer than the case's column for it."""
    max_length = PeerChallenge._meta.get_field(model_field).max_length
    return serializers.URLField(max_length=max_length, **kwargs)


def _managers():
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[roles.MANAGER, roles.ADMIN]))
        .distinct()
    )


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
    parent = serializers.PrimaryKeyRelatedField(
        queryset=PeerChallenge.objects.all(), allow_null=True, required=False
    )
    manager = serializers.PrimaryKeyRelatedField(
        queryset=_managers(), allow_null=True, required=False
    )
    scope_components = _scope_field()
    local_objectives = _objectives_field()

    class Meta:
        model = PeerChallenge
        fields = ["host", "type", "parent", *sorted(services.EDITABLE_FIELDS)]
        # The one-open-case rule is the booking guard's (409), not a matter of input.
        validators = []

    def validate(self, attrs):
        case = self.context.get("challenge")

        def current(field):
            return attrs[field] if field in attrs else getattr(case, field, None)

        start, end = current("onsite_start"), current("onsite_end")
        if start and end and end < start:
            raise serializers.ValidationError({"onsite_end": ["must not be before onsite_start"]})
        if "scope_components" in attrs or "challenge_type" in attrs:
            validate_scope(current("scope_components") or [], current("challenge_type"))
        parent = attrs.get("parent")
        if parent is not None and case is not None and parent.pk == case.pk:
            raise serializers.ValidationError({"parent": ["a case cannot follow up itself"]})
        return attrs


class NoInput(StrictInput):
    """Nothing: the transition reads what the case already holds."""


class StartTeamAssemblyInput(StrictInput):
    """The agreed scope, if not already recorded on the case."""

    scope_components = _scope_field()
    local_objectives = _objectives_field()

    def validate(self, attrs):
        if "scope_components" in attrs:
            validate_scope(attrs["scope_components"], self.context["challenge"].challenge_type)
        return attrs


class RecordFeedbackInput(StrictInput):
    """The date the team presented its feedback to the council."""

    feedback_date = _date_field()


class IssueReportInput(StrictInput):
    """The final report as a URL or an uploaded file (multipart), at least one."""

    report_url = _url_field("report_url", required=False, allow_blank=True)
    report_file = serializers.FileField(
        required=False, validators=[FileExtensionValidator(REPORT_EXTENSIONS)]
    )
    issued_on = _date_field(required=False)

    def validate_report_file(self, value):
        if value.size > REPORT_MAX_BYTES:
            raise serializers.ValidationError("the report is larger than 20 MB")
        return value

    def validate_issued_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("cannot be in the future")
        return value

    def validate(self, attrs):
        if not (attrs.get("report_url") or attrs.get("report_file")):
            raise serializers.ValidationError(
                {"report_url": ["give a report URL or upload a report_file"]}
            )
        return attrs


class PublishInput(StrictInput):
    """Where and when the council published the report (and its action plan, if ready). Both
    are required only for types that expect publication."""

    publication_url = _url_field("publication_url", required=False, allow_blank=True)
    published_on = _date_field(required=False, allow_null=True)
    action_plan_url = _url_field("action_plan_url", required=False, allow_blank=True)
    action_plan_published_on = _date_field(required=False, allow_null=True)

    def validate(self, attrs):
        if self.context["challenge"].challenge_type.publication_expected:
            missing = [f for f in ("publication_url", "published_on") if not attrs.get(f)]
            if missing:
                raise serializers.ValidationError({f: ["This field is required."] for f in missing})
        return attrs


class ReasonInput(StrictInput):
    """Why: required, recorded on the case and in its timeline."""

    reason = serializers.CharField(max_length=2000)


class ResumeInput(StrictInput):
    """Optionally, why the case resumes."""

    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# Transition name -> what it takes. Every name in services.TRANSITION_SERVICES has one
# (workflow/urls.py looks each up, so a missing entry fails at start-up, not at request time).
TRANSITION_INPUTS: dict[str, type[StrictInput]] = {
    "book": NoInput,
    "start_team_assembly": StartTeamAssemblyInput,
    "confirm_team": NoInput,
    "start_onsite": NoInput,
    "record_feedback": RecordFeedbackInput,
    "issue_report": IssueReportInput,
    "publish": PublishInput,
    "start_post_challenge": NoInput,
    "close": ReasonInput,
    "postpone": ReasonInput,
    "resume": ResumeInput,
    "withdraw": ReasonInput,
}
