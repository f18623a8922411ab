"""A case's survey invitations over the API: listed for those who read every case (managers,
admins, programme leads); a closing date extended, or a link revoked and the survey sent again,
by managers and admins. Views are thin: each calls one service of surveys/lifecycle.py, whose
refusals are 409 and bad values 400 (core/api_errors.py). A case or invitation the user may not
see is a 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import REFUSED
from surveys import lifecycle
from surveys.contacts import contact_changed, waiting_for_address
from surveys.models import SurveyInvitation
from workflow import roles
from workflow.models import PeerChallenge


class InvitationOutput(serializers.ModelSerializer):
    survey = serializers.CharField(source="questionnaire.kind")
    questionnaire_version = serializers.IntegerField(source="questionnaire.version")
    contact_changed = serializers.SerializerMethodField(
        help_text="Sent to someone the case no longer names for this role: send it again to "
        "reach the current one"
    )
    waiting_for_address = serializers.SerializerMethodField(
        help_text="Due but not sent: the case has no email address for this respondent"
    )

    class Meta:
        model = SurveyInvitation
        fields = [
            "id",
            "challenge",
            "survey",
            "questionnaire_version",
            "respondent",
            "status",
            "recipient_name",
            "recipient_email",
            "send_on",
            "sent_at",
            "expires_on",
            "completed_at",
            "reminders_sent",
            "bounced_at",
            "bounce_reason",
            "contact_changed",
            "waiting_for_address",
        ]

    def get_contact_changed(self, invitation: SurveyInvitation) -> bool:
        return contact_changed(invitation)

    def get_waiting_for_address(self, invitation: SurveyInvitation) -> bool:
        return waiting_for_address(invitation)


class ExtendInput(serializers.Serializer):
    until = serializers.DateField(help_text="The new closing date: the link works through it")


class RevokeInput(serializers.Serializer):
    send_again = serializers.BooleanField(
        default=True,
        help_text="Send the survey again with a new link, to the case's current contact",
    )


class ReadsAllCases(BasePermission):
    message = "only managers, admins and programme leads may read survey invitations"

    def has_permission(self, request, view) -> bool:
        return roles.can_read_all(request.user)


class ManagesCases(BasePermission):
    message = "only managers and admins may change survey invitations"

    def has_permission(self, request, view) -> bool:
        return roles.can_manage(request.user)


def _cases(user):
    return roles.visible_challenges(user, PeerChallenge.objects.all())


def _invitations(user):
    return SurveyInvitation.objects.filter(challenge__in=_cases(user)).select_related(
        "questionnaire", "challenge"
    )


class CaseSurveyInvitationsApi(APIView):
    """The case's survey invitations: who each went to, where it stands, its reminders and
    closing date, a bounce, and whether the case's contact has changed since it was sent."""

    # The case first: one the user may not see is a 404 for everyone, a peer on it is refused.
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: InvitationOutput(many=True)})
    def get(self, request, pk: int):
        case = get_object_or_404(_cases(request.user), pk=pk)
        if not ReadsAllCases().has_permission(request, self):
            raise PermissionDenied(ReadsAllCases.message)
        found = _invitations(request.user).filter(challenge=case)
        return Response(InvitationOutput(found, many=True).data)


class _InvitationAction(APIView):
    permission_classes = [IsAuthenticated, ManagesCases]

    def invitation(self, request, pk: int) -> SurveyInvitation:
        return get_object_or_404(_invitations(request.user), pk=pk)


class SurveyInvitationExtendApi(_InvitationAction):
    """Move the closing date later; an expired survey opens again."""

    @extend_schema(request=ExtendInput, responses={200: InvitationOutput, 409: REFUSED})
    def post(self, request, pk: int):
        invitation = self.invitation(request, pk)
        data = ExtendInput(data=request.data)
        data.is_valid(raise_exception=True)
        changed = lifecycle.survey_extend(
            invitation=invitation, until=data.validated_data["until"], actor=request.user
        )
        return Response(InvitationOutput(changed).data)


class SurveyInvitationRevokeApi(_InvitationAction):
    """Revoke the link (the one already emailed opens nothing) and, unless `send_again` is
    false, send the survey again with a new link to the case's current contact."""

    @extend_schema(request=RevokeInput, responses={200: InvitationOutput, 409: REFUSED})
    def post(self, request, pk: int):
        invitation = self.invitation(request, pk)
        data = RevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        changed = lifecycle.survey_revoke_link(
            invitation=invitation, actor=request.user, **data.validated_data
        )
        return Response(InvitationOutput(changed).data)
