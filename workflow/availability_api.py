"""The date poll's API: a case's candidate onsite dates (GET; PUT by a manager) and a place's
answers (GET; PUT by the place's own peer, or a manager recording them). Thin views, as in
workflow/api.py: the services decide (workflow/availability_services.py)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api_schema import REFUSED
from workflow import availability_services, roles
from workflow.api import _CaseTeam, _VisibleChallenges
from workflow.availability_serializers import (
    AvailabilityInput,
    AvailabilityOutput,
    DateOptionsInput,
    DateOptionsOutput,
)
from workflow.date_checks import date_clashes
from workflow.models import Assignment, AvailabilityAnswer, PeerChallenge


class DateOptionsApi(_VisibleChallenges):
    """The ranges offered for the onsite visit, each with its clash warnings and the answers
    (staff see everyone's, a peer their own); PUT offers new ones in their place."""

    serializer_class = DateOptionsOutput

    def render_options(self, challenge: PeerChallenge) -> dict[str, Any]:
        options = list(challenge.date_options.all())
        answers = AvailabilityAnswer.objects.filter(option__in=options).select_related(
            "assignment__peer"
        )
        user = self.request.user
        if not roles.can_read_all(user):
            answers = answers.filter(assignment__peer__user__pk=user.pk or 0)
        context = {
            "warnings": {o.pk: date_clashes(challenge.host, o.start, o.end) for o in options},
            "answers": list(answers.order_by("assignment__peer__name", "pk")),
        }
        data = {"options": options, "can_change": not availability_services.poll_refusal(challenge)}
        return DateOptionsOutput(data, context=context).data

    def get(self, request, pk: int):
        return Response(self.render_options(self.get_object()))

    @extend_schema(request=DateOptionsInput, responses={200: DateOptionsOutput, 409: REFUSED})
    def put(self, request, pk: int):
        challenge = self.get_object()
        data = DateOptionsInput(data=request.data)
        data.is_valid(raise_exception=True)
        ranges = [(o["start"], o["end"]) for o in data.validated_data["options"]]
        availability_services.date_options_set(
            challenge=challenge, ranges=ranges, actor=request.user
        )
        return Response(self.render_options(challenge))


class PlaceAvailabilityApi(_CaseTeam):
    """One place's answers to the date poll. A peer reaches only their own place (others are
    a 404); a manager may record answers a peer gave another way."""

    serializer_class = AvailabilityOutput
    permission_classes = [IsAuthenticated]

    def get_place(self, challenge: PeerChallenge, assignment_id: int) -> Assignment:
        team = self.team(challenge)
        if not roles.can_read_all(self.request.user):
            team = team.filter(peer__user__pk=self.request.user.pk or 0)
        return get_object_or_404(team, pk=assignment_id)

    def render_answers(self, place: Assignment) -> dict[str, Any]:
        given = dict(
            AvailabilityAnswer.objects.filter(assignment=place).values_list("option", "answer")
        )
        answers = [
            {"option": o.pk, "dates": str(o), "answer": given.get(o.pk, "")}
            for o in place.challenge.date_options.all()
        ]
        return AvailabilityOutput({"assignment": place.pk, "answers": answers}).data

    def get(self, request, pk: int, assignment_id: int):
        return Response(self.render_answers(self.get_place(self.get_object(), assignment_id)))

    @extend_schema(request=AvailabilityInput, responses={200: AvailabilityOutput, 409: REFUSED})
    def put(self, request, pk: int, assignment_id: int):
        place = self.get_place(self.get_object(), assignment_id)
        if not (roles.can_manage(request.user) or place.peer.user_id == request.user.pk):
            raise PermissionDenied("only the peer or a challenge manager may answer for a place")
        data = AvailabilityInput(data=request.data)
        data.is_valid(raise_exception=True)
        availability_services.availability_answer(
            assignment=place, answers=data.answers_by_option(), actor=request.user
        )
        return Response(self.render_answers(place))
