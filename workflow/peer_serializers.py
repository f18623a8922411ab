"""The peer pool's API shapes: peers, specialisms, conflicts, the CSV import."""

import datetime
from typing import TYPE_CHECKING

from rest_framework import serializers

from workflow.conflicts import Code, Severity
from workflow.models import DeclaredInterest, Peer, PeerFormerCouncil, Specialism

if TYPE_CHECKING:
    from workflow.candidates import Candidate


class SpecialismOutput(serializers.ModelSerializer):
    class Meta:
        model = Specialism
        fields = ["slug", "name", "description"]


class CouncilRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FormerCouncilOutput(serializers.ModelSerializer):
    council = CouncilRef()

    class Meta:
        model = PeerFormerCouncil
        fields = ["council", "until"]


class DeclaredInterestOutput(serializers.ModelSerializer):
    council = CouncilRef()

    class Meta:
        model = DeclaredInterest
        fields = ["council", "note"]


class PeerOutput(serializers.ModelSerializer):
    political_group = serializers.ChoiceField(
        Peer.PoliticalGroup.choices, allow_blank=True, read_only=True, help_text="Member peers"
    )
    officer_role = serializers.ChoiceField(
        Peer.OfficerRole.choices, allow_blank=True, read_only=True, help_text="Officer peers"
    )
    council = CouncilRef(allow_null=True, help_text="The home council")
    region = serializers.CharField(help_text="The home council's region; blank without one")
    former_councils = FormerCouncilOutput(many=True)
    declared_interests = DeclaredInterestOutput(source="interests", many=True)
    specialisms: "serializers.SlugRelatedField[Specialism]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    username = serializers.CharField(
        source="user.username", allow_null=True, default=None, help_text="The linked account"
    )

    class Meta:
        model = Peer
        fields = [
            "id",
            "name",
            "email",
            "kind",
            "political_group",
            "officer_role",
            "job_title",
            "council",
            "region",
            "former_councils",
            "specialisms",
            "declared_interests",
            "accredited_on",
            "max_days_per_year",
            "is_active",
            "username",
        ]
        read_only_fields = fields


class ConflictOutput(serializers.Serializer):
    severity = serializers.ChoiceField(
        [s.value for s in Severity],
        help_text="hard: no invitation; soft: an invitation needs the manager's reason",
    )
    code = serializers.ChoiceField([c.value for c in Code])
    reason = serializers.CharField(help_text="Why, in words naming both councils")


class _PeerRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PeerConflictsOutput(serializers.Serializer):
    peer = _PeerRef()
    host = CouncilRef()
    on = serializers.DateField(help_text="The day checked: the onsite start, or today")
    blocked = serializers.BooleanField(help_text="A hard conflict: the peer cannot be invited")
    conflicts = ConflictOutput(many=True)


class PeerConflictsQuery(serializers.Serializer):
    peer = serializers.PrimaryKeyRelatedField(
        queryset=Peer.objects.with_councils(),
        help_text="The peer's id",
        error_messages={"does_not_exist": "no peer with id {pk_value}"},
    )


class PeerImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV file in the columns of GET /api/peers/export.csv")
    dry_run = serializers.BooleanField(
        default=False, help_text="Check the file and count; write nothing"
    )


class PeerImportOutput(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    dry_run = serializers.BooleanField()


class CandidateCaseRef(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    host = serializers.CharField(source="host.name")
    type = serializers.CharField(source="challenge_type.name")
    onsite_start = serializers.DateField(allow_null=True)


class CandidatePlaceRef(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    status = serializers.CharField()


class CandidateOutput(serializers.Serializer):
    """A peer as a candidate for the case's team (workflow/candidates.py)."""

    peer = _PeerRef()
    kind = serializers.CharField(source="peer.kind")
    political_group = serializers.CharField(
        source="peer.political_group", help_text="Member peers; blank for officers"
    )
    officer_role = serializers.CharField(source="peer.officer_role")
    council = CouncilRef(source="peer.council", allow_null=True, help_text="The home council")
    region = serializers.CharField(source="peer.region")
    specialisms = serializers.ListField(child=serializers.CharField())
    conflicts = ConflictOutput(many=True, help_text="Hard ones first")
    invitable = serializers.BooleanField(
        help_text="false: a hard conflict, or the peer already has a place on this team"
    )
    place = CandidatePlaceRef(allow_null=True, help_text="Their place on this team, if any")
    workload = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        help_text="Days in the case's financial year: logged on completed places and the "
        "visits of accepted places on open cases",
    )
    max_days = serializers.IntegerField(help_text="The most days they give a financial year")
    open_places = serializers.IntegerField(help_text="Open invitations and accepted places")
    acceptance_rate = serializers.FloatField(
        allow_null=True, help_text="Accepted of the invitations answered; null if none answered"
    )
    last_challenges = CandidateCaseRef(many=True, help_text="Their last three teams, newest first")


_WORKLOAD = CandidateOutput().fields["workload"]  # its rounding and string, as the schema's


def _text(value) -> str | None:
    return None if value is None else str(value)


def _day(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def candidate_output(c: "Candidate") -> dict:
    """`CandidateOutput`'s JSON for one candidate, written directly (a test holds the two
    equal): the serializer's nested fields were ~6 ms of a page of 50."""
    peer, place = c.peer, c.place
    council = peer.council
    rate = c.acceptance_rate
    return {
        "peer": {"id": peer.pk, "name": peer.name},
        "kind": _text(peer.kind),
        "political_group": _text(peer.political_group),
        "officer_role": _text(peer.officer_role),
        "council": None if council is None else {"code": council.code, "name": council.name},
        "region": _text(peer.region),
        "specialisms": [str(name) for name in c.specialisms],
        "conflicts": [
            {"severity": str(x.severity), "code": str(x.code), "reason": x.reason}
            for x in c.conflicts
        ],
        "invitable": c.invitable,
        "place": None
        if place is None
        else {"id": place.pk, "role": str(place.role), "status": str(place.status)},
        "workload": _WORKLOAD.to_representation(c.workload),
        "max_days": c.max_days,
        "open_places": c.open_places,
        "acceptance_rate": None if rate is None else float(rate),
        "last_challenges": [
            {
                "id": case.pk,
                "reference": case.reference,
                "host": case.host.name,
                "type": case.challenge_type.name,
                "onsite_start": _day(case.onsite_start),
            }
            for case in c.last_challenges
        ],
    }
