"""The peer pool's API: peers (staff see all, a peer sees themselves), specialisms, the CSV
export and import, a peer's conflicts with a case's host, and the candidates for its team.
Thin views, as in workflow/api.py: check who may act, read the input, call one function,
render."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import BAD_INPUT
from core.csv_stream import streaming_csv
from workflow import roles
from workflow.candidates import candidates_for
from workflow.conflicts import checked_on, conflicts
from workflow.filters import CandidateFilter, PeerFilter, passthrough_parameters
from workflow.models import Peer, PeerChallenge, Specialism
from workflow.peer_csv import COLUMNS, peer_rows
from workflow.peer_import import import_peers, read_upload
from workflow.peer_serializers import (
    CandidateOutput,
    PeerConflictsOutput,
    PeerConflictsQuery,
    PeerImportInput,
    PeerImportOutput,
    PeerOutput,
    SpecialismOutput,
    candidate_output,
)


class ManagesPeers(BasePermission):
    message = "only challenge managers and admins may export or import peers"

    def has_permission(self, request, view) -> bool:
        return roles.can_manage(request.user)


class ReadsAllPeers(BasePermission):
    message = "only challenge managers, admins and programme leads may check conflicts"

    def has_permission(self, request, view) -> bool:
        return roles.can_read_all(request.user)


class _VisiblePeers(generics.GenericAPIView):
    """Managers, admins and programme leads see every peer; a peer sees only themselves; a
    peer they may not see is a 404."""

    serializer_class = PeerOutput
    queryset = Peer.objects.none()  # for the schema; get_queryset is what runs

    def get_queryset(self):
        peers = Peer.objects.with_everything().order_by("name", "pk")
        return roles.visible_peers(self.request.user, peers)


class PeerListApi(_VisiblePeers, generics.ListAPIView):
    """The peer pool, filtered."""

    filterset_class = PeerFilter


class PeerDetailApi(_VisiblePeers, generics.RetrieveAPIView):
    pass


class SpecialismListApi(generics.ListAPIView):
    """The specialisms peers can have (kept in the admin); `specialism=` filters peers by slug."""

    queryset = Specialism.objects.all()
    serializer_class = SpecialismOutput


class AnyAccept(BaseContentNegotiation):
    """The export answers CSV itself, whatever the request accepts; its errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PeerExportApi(APIView):
    """Every peer as CSV (UTF-8 with a byte order mark, for Excel), in the columns the import
    reads: the file imports back with nothing changed. Cells a spreadsheet would run as formulas
    start with a quote."""

    permission_classes = [IsAuthenticated, ManagesPeers]
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = AnyAccept

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        return streaming_csv(
            filename=f"peers-{timezone.localdate():%Y-%m-%d}.csv", header=COLUMNS, rows=peer_rows()
        )


class PeerImportApi(APIView):
    """Import peers from a CSV file (multipart field `file`). Every row is checked first: any
    problem is a 400 listing each one by row number, and nothing is written."""

    permission_classes = [IsAuthenticated, ManagesPeers]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=PeerImportInput, responses={200: PeerImportOutput})
    def post(self, request):
        data = PeerImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = read_upload(data.validated_data["file"])
        report = import_peers(upload, dry_run=data.validated_data["dry_run"])
        return Response(PeerImportOutput(report).data)


class ChallengeConflictsApi(APIView):
    """A peer's conflicts with the case's host council, on the onsite start (today while the
    case has none): hard ones block the invitation, soft ones need the manager's reason."""

    # The case first: one the user may not see is a 404 for everyone (as the case's other
    # endpoints), a peer on it is refused.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PeerConflictsQuery],
        responses={200: PeerConflictsOutput, 400: BAD_INPUT},
    )
    def get(self, request, pk: int):
        visible = roles.visible_challenges(request.user, PeerChallenge.objects.all())
        challenge = get_object_or_404(visible.select_related("host"), pk=pk)
        if not ReadsAllPeers().has_permission(request, self):
            raise PermissionDenied(ReadsAllPeers.message)
        unknown = set(request.query_params) - {"peer"} - passthrough_parameters()
        if unknown:
            raise ValidationError(
                {name: ["unknown parameter; this reads peer"] for name in unknown}
            )
        query = PeerConflictsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        peer = query.validated_data["peer"]
        on = checked_on(challenge)
        found = conflicts(peer, challenge.host, on=on)
        result = {
            "peer": peer,
            "host": challenge.host,
            "on": on,
            "blocked": any(c.is_hard for c in found),
            "conflicts": found,
        }
        return Response(PeerConflictsOutput(result).data)


class ChallengeCandidatesApi(generics.ListAPIView):
    """Peers to choose for the case's team (workflow/candidates.py): those who may be invited
    first, then by least workload; each with their conflicts with the host in words (a hard
    one: not invitable), workload in the case's financial year, open places, acceptance rate,
    last challenges. Managers and admins only; a case the user may not see is a 404."""

    serializer_class = CandidateOutput
    filterset_class = CandidateFilter
    queryset = Peer.objects.none()  # for the schema; the candidates are built in get

    @extend_schema(responses={200: CandidateOutput(many=True), 400: BAD_INPUT})
    def get(self, request, pk: int):
        visible = roles.visible_challenges(request.user, PeerChallenge.objects.all())
        challenge = get_object_or_404(visible.select_related("host"), pk=pk)
        if not roles.can_manage(request.user):
            raise PermissionDenied("only challenge managers and admins choose a team")
        filters = CandidateFilter(request.query_params, queryset=Peer.objects.all())
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        found = candidates_for(challenge, filters.qs, hide_hard=filters.hide_hard)
        # The pager takes a list as well as a queryset: the candidates are sorted in Python.
        page: list | None = self.paginate_queryset(found.candidates)  # type: ignore[arg-type]
        return self.get_paginated_response([candidate_output(c) for c in page or []])
