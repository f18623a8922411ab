"""The workflow REST API. Views are thin: check who may act, validate input, call one service,
render the case. Domain errors become HTTP in core/api_errors.py (400 / 409)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import REFUSED, ErrorOutput
from core.login_lockout import lockout_response
from core.token_auth import token_expires_at, token_for
from workflow import roles, selectors, services, team_services
from workflow.filters import ChallengeFilter, CouncilFilter
from workflow.models import Assignment, ChallengeType, Council, PeerChallenge
from workflow.peer_api import AnyAccept
from workflow.report_files import CONTENT_TYPES, report_file_response
from workflow.serializers import (
    TEAM_TRANSITION_INPUTS,
    TRANSITION_INPUTS,
    CaseEventOutput,
    ChallengeInput,
    ChallengeListOutput,
    ChallengeOutput,
    ChallengeTypeOutput,
    CouncilOutput,
    ReservesOrderInput,
    TeamLinkRevokeInput,
    TeamPlaceChangeInput,
    TeamPlaceInput,
    TeamPlaceOutput,
)


class ManagesOrReadsOnly(BasePermission):
    """Reading is decided by which cases the user can see; writing needs a manager or admin.
    On one case the check waits until the case is found among those the user may see, so a
    case they may not see is a 404 for every method, never a 403."""

    message = "only challenge managers and admins may change cases"

    def has_permission(self, request, view) -> bool:
        names_a_case = view.lookup_url_kwarg or view.lookup_field
        return names_a_case in view.kwargs or self._may(request)

    def has_object_permission(self, request, view, obj) -> bool:
        return self._may(request)

    def _may(self, request) -> bool:
        return request.method in SAFE_METHODS or roles.can_manage(request.user)


# --- reference data ----------------------------------------------------------------------


class CouncilListApi(generics.ListAPIView):
    queryset = Council.objects.select_related("county", "combined_authority")
    serializer_class = CouncilOutput
    filterset_class = CouncilFilter


class CouncilDetailApi(generics.RetrieveAPIView):
    queryset = CouncilListApi.queryset
    serializer_class = CouncilOutput
    lookup_field = "code"


class ChallengeTypeListApi(generics.ListAPIView):
    queryset = ChallengeType.objects.all()
    serializer_class = ChallengeTypeOutput


class ChallengeTypeDetailApi(generics.RetrieveAPIView):
    queryset = ChallengeType.objects.all()
    serializer_class = ChallengeTypeOutput
    lookup_field = "slug"


# --- cases -------------------------------------------------------------------------------


class _VisibleChallenges(generics.GenericAPIView):
    """Cases outside what the user may see are a 404, never a 403: no hint that they exist."""

    permission_classes = [IsAuthenticated, ManagesOrReadsOnly]

    def get_queryset(self):
        return selectors.challenge_list(user=self.request.user)

    def render_case(self, pk: int) -> dict:
        # Read back through the same queryset so the team and references are fresh.
        challenge = get_object_or_404(self.get_queryset(), pk=pk)
        return ChallengeOutput(challenge, context=self.get_serializer_context()).data


class ChallengeListApi(_VisibleChallenges, generics.ListAPIView):
    serializer_class = ChallengeListOutput
    filterset_class = ChallengeFilter

    def get_queryset(self):
        # The rows read their teams themselves, as values (serializers.CaseRows).
        return super().get_queryset().prefetch_related(None)

    @extend_schema(request=ChallengeInput, responses={201: ChallengeOutput, 409: REFUSED})
    def post(self, request):
        data = ChallengeInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {"manager": request.user, **data.validated_data}
        challenge = services.challenge_create(actor=request.user, **fields)
        return Response(self.render_case(challenge.pk), status=status.HTTP_201_CREATED)


class ChallengeDetailApi(_VisibleChallenges, generics.RetrieveAPIView):
    serializer_class = ChallengeOutput

    @extend_schema(
        request=ChallengeInput(partial=True), responses={200: ChallengeOutput, 409: REFUSED}
    )
    def patch(self, request, pk: int):
        challenge = self.get_object()
        data = ChallengeInput(data=request.data, partial=True, context={"challenge": challenge})
        data.is_valid(raise_exception=True)
        services.challenge_update(
            challenge=challenge, actor=request.user, changes=data.validated_data
        )
        return Response(self.render_case(challenge.pk))


class ChallengeTransitionApi(_VisibleChallenges, generics.GenericAPIView):
    """One URL per transition (workflow/urls.py), so each has its own documented input."""

    transition = ""  # set per URL by as_view(transition=...)
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return TRANSITION_INPUTS[self.transition]

    @extend_schema(responses={200: ChallengeOutput, 409: REFUSED})
    def post(self, request, pk: int):
        challenge = self.get_object()
        data = self.get_serializer_class()(data=request.data, context={"challenge": challenge})
        data.is_valid(raise_exception=True)
        services.challenge_transition(
            challenge=challenge, name=self.transition, actor=request.user, **data.validated_data
        )
        return Response(self.render_case(challenge.pk))


# --- the team ----------------------------------------------------------------------------


class _CaseTeam(_VisibleChallenges):
    """A case's team: the case as the user may see it (else 404), its places within it."""

    def team(self, challenge: PeerChallenge):
        # The guards of each place's steps read its case and peer: joined, not per place.
        return challenge.assignments.select_related("peer", "challenge__challenge_type")

    def get_place(self, challenge: PeerChallenge, assignment_id: int) -> Assignment:
        return get_object_or_404(self.team(challenge), pk=assignment_id)

    def render_place(self, place: Assignment) -> dict:
        fresh = self.get_place(place.challenge, place.pk)
        return TeamPlaceOutput(fresh, context=self.get_serializer_context()).data


class TeamListApi(_CaseTeam):
    """The case's team, leads first; POST puts a peer on it (invited, or as a reserve)."""

    serializer_class = TeamPlaceOutput
    pagination_class = None

    @extend_schema(responses=TeamPlaceOutput(many=True))
    def get(self, request, pk: int):
        challenge = self.get_object()
        places = self.team(challenge).in_team_order()
        return Response(TeamPlaceOutput(places, many=True, context={"request": request}).data)

    @extend_schema(request=TeamPlaceInput, responses={201: TeamPlaceOutput, 409: REFUSED})
    def post(self, request, pk: int):
        challenge = self.get_object()
        data = TeamPlaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        place = team_services.assignment_add(
            challenge=challenge,
            actor=request.user,
            invite=fields.pop("status") == Assignment.Status.INVITED,
            **fields,
        )
        return Response(self.render_place(place), status=status.HTTP_201_CREATED)


class TeamReservesApi(_CaseTeam):
    """Rank a role's reserves: the first is invited when an invitee of that role declines or
    lets the invitation lapse. Answers with that role's reserves in their new order."""

    serializer_class = ReservesOrderInput

    @extend_schema(
        request=ReservesOrderInput,
        responses={200: TeamPlaceOutput(many=True), 409: REFUSED},
    )
    def post(self, request, pk: int):
        challenge = self.get_object()
        data = ReservesOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        ranked = team_services.reserves_reorder(
            challenge=challenge, actor=request.user, **data.validated_data
        )
        places = self.team(challenge).filter(pk__in=[place.pk for place in ranked])
        by_pk = {place.pk: place for place in places}
        ordered = [by_pk[place.pk] for place in ranked]
        return Response(TeamPlaceOutput(ordered, many=True, context={"request": request}).data)


class TeamPlaceApi(_CaseTeam):
    """One place; PATCH edits what it holds besides its status."""

    serializer_class = TeamPlaceOutput

    def get(self, request, pk: int, assignment_id: int):
        place = self.get_place(self.get_object(), assignment_id)
        return Response(self.render_place(place))

    @extend_schema(
        request=TeamPlaceChangeInput(partial=True),
        responses={200: TeamPlaceOutput, 409: REFUSED},
    )
    def patch(self, request, pk: int, assignment_id: int):
        place = self.get_place(self.get_object(), assignment_id)
        data = TeamPlaceChangeInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        team_services.assignment_update(
            assignment=place, actor=request.user, changes=data.validated_data
        )
        return Response(self.render_place(place))


class TeamRevokeLinkApi(_CaseTeam):
    """Replace an open invitation's link (a forwarded email, a lost phone): the links sent
    before stop working; with `resend`, the peer is emailed the invitation with the new link."""

    serializer_class = TeamLinkRevokeInput

    @extend_schema(responses={200: TeamPlaceOutput, 409: REFUSED})
    def post(self, request, pk: int, assignment_id: int):
        place = self.get_place(self.get_object(), assignment_id)
        data = TeamLinkRevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        team_services.assignment_revoke_link(
            assignment=place, actor=request.user, **data.validated_data
        )
        return Response(self.render_place(place))


class TeamTransitionApi(_CaseTeam):
    """One URL per transition of a place (workflow/urls.py), each with its documented input."""

    transition = ""  # set per URL by as_view(transition=...)

    def get_serializer_class(self):
        return TEAM_TRANSITION_INPUTS[self.transition]

    @extend_schema(responses={200: TeamPlaceOutput, 409: REFUSED})
    def post(self, request, pk: int, assignment_id: int):
        place = self.get_place(self.get_object(), assignment_id)
        data = self.get_serializer_class()(data=request.data)
        data.is_valid(raise_exception=True)
        team_services.assignment_transition(
            assignment=place, name=self.transition, actor=request.user, **data.validated_data
        )
        return Response(self.render_place(place))


class ChallengeReportFileApi(APIView):
    """The case's uploaded report file, to whoever may see the case (404 otherwise, or when it
    has no uploaded file): an attachment, never rendered by the browser."""

    renderer_classes = [renderers.JSONRenderer]  # for its errors
    content_negotiation_class = AnyAccept  # answers the file whatever the request accepts

    @extend_schema(
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in sorted(set(CONTENT_TYPES.values()))
        }
    )
    def get(self, request, pk: int):
        visible = roles.visible_challenges(request.user, PeerChallenge.objects.all())
        return report_file_response(get_object_or_404(visible, pk=pk))


class ChallengeEventListApi(generics.ListAPIView):
    """The case's audit timeline, oldest first."""

    serializer_class = CaseEventOutput
    queryset = PeerChallenge.objects.none()  # for the schema; get_queryset is what runs

    def get_queryset(self):
        visible = roles.visible_challenges(self.request.user, PeerChallenge.objects.all())
        challenge = get_object_or_404(visible, pk=self.kwargs["pk"])
        return challenge.events.select_related("actor")


# --- authentication ----------------------------------------------------------------------


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


LOCKED_OUT = OpenApiResponse(
    ErrorOutput,
    description="Too many failed sign-ins for this username or from this address: wait for the "
    "time in Retry-After (seconds); the right password is refused until then",
)


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token, valid for API_TOKEN_TTL_HOURS; an
    expired token is replaced by a new one. Failed attempts lock the username and the address
    out (django-axes, counted in the database across workers)."""

    # Whoever calls, with whatever token or session: only the password decides (a peer holding
    # a token gets no more guesses at an admin's password than anyone else).
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(responses={200: TokenOutput, 429: LOCKED_OUT})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes flags the request when this username or address is locked out.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise
        token = token_for(serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})
