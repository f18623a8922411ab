"""/api/reports/cases/<pk>/findings/: a case's report findings. Anyone who may see the case
reads them; managers and admins add (POST), change (PUT) and remove (DELETE) them through
reports/findings.py: a bad field is a 400 naming it, a case without its report a 409."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import BAD_INPUT, REFUSED
from reports.findings import case_components, finding_add, finding_delete, finding_edit
from reports.models import Finding, Polarity
from workflow import roles, selectors
from workflow.models import PeerChallenge


class FindingInput(serializers.Serializer):
    """Translates only: reports/findings.py decides, naming each bad field in its own words."""

    component = serializers.CharField(
        required=False, allow_blank=True, help_text="The code of a core component of the case."
    )
    theme = serializers.CharField(
        required=False, allow_blank=True, help_text="The slug of a theme of that component."
    )
    polarity = serializers.CharField(
        required=False, allow_blank=True, help_text=" or ".join(Polarity.values)
    )
    excerpt = serializers.CharField(
        required=False, allow_blank=True, help_text="At most 1,000 characters."
    )


class FindingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    component = serializers.CharField()
    component_label = serializers.SerializerMethodField()
    theme = serializers.CharField(source="theme.slug")
    theme_name = serializers.CharField(source="theme.name")
    polarity = serializers.CharField()
    excerpt = serializers.CharField()

    def get_component_label(self, finding: Finding) -> str:
        return self.context["components"].get(finding.component, finding.component)


def _case(request, pk: int, *, write: bool) -> PeerChallenge:
    case = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    if write and not roles.can_manage(request.user):
        raise PermissionDenied("only managers and admins record findings")
    return case


def _out(case: PeerChallenge, finding: Finding) -> dict:
    return FindingOutput(finding, context={"components": case_components(case)}).data


def _input(request) -> dict:
    data = FindingInput(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class CaseFindingsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FindingOutput(many=True)})
    def get(self, request, pk: int):
        case = _case(request, pk, write=False)
        findings = Finding.objects.filter(challenge=case).select_related("theme")
        context = {"components": case_components(case)}
        return Response(FindingOutput(findings, many=True, context=context).data)

    @extend_schema(
        request=FindingInput, responses={201: FindingOutput, 400: BAD_INPUT, 409: REFUSED}
    )
    def post(self, request, pk: int):
        case = _case(request, pk, write=True)
        finding = finding_add(case=case, data=_input(request), actor=request.user)
        return Response(_out(case, finding), status=status.HTTP_201_CREATED)


class CaseFindingApi(APIView):
    permission_classes = [IsAuthenticated]

    def _finding(self, case: PeerChallenge, finding_id: int) -> Finding:
        return get_object_or_404(Finding, pk=finding_id, challenge=case)

    @extend_schema(
        request=FindingInput, responses={200: FindingOutput, 400: BAD_INPUT, 409: REFUSED}
    )
    def put(self, request, pk: int, finding_id: int):
        case = _case(request, pk, write=True)
        finding = finding_edit(
            finding=self._finding(case, finding_id), data=_input(request), actor=request.user
        )
        return Response(_out(case, finding))

    @extend_schema(request=None, responses={204: None, 409: REFUSED})
    def delete(self, request, pk: int, finding_id: int):
        case = _case(request, pk, write=True)
        finding_delete(finding=self._finding(case, finding_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
