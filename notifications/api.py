"""The outbox as seen from a case: what was sent, previews, manual sends and resends.

Managers and admins write and preview; programme leads read; anyone else gets 404, so the API
does not reveal which cases exist.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import REFUSED
from notifications import services
from notifications.actors import signed_in
from notifications.emails import KINDS, subject_of
from notifications.models import Notification
from notifications.snapshot import case_facts
from workflow import roles
from workflow.models import PeerChallenge


def _challenge(request, challenge_id: int, *, write: bool) -> PeerChallenge:
    if not roles.can_read_all(request.user):
        raise Http404
    visible = roles.visible_challenges(request.user, PeerChallenge.objects.all())
    challenge = get_object_or_404(visible, pk=challenge_id)
    if write and not roles.can_manage(request.user):
        raise PermissionDenied("only managers and admins may send or preview emails")
    return challenge


class NotificationOutputSerializer(serializers.ModelSerializer):
    # Rendered from the row's snapshot, so it is the subject the email had (or will have);
    # null if the row cannot be rendered (its last_error says why once delivery tried).
    subject = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "recipient_email",
            "recipient_name",
            "due_on",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "stale_requeues",
            "uncertain_sends",
            "resent_by",
            "resent_at",
            "created_at",
        ]

    def get_subject(self, notification: Notification) -> str | None:
        return subject_of(notification)


class EmailInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS, default=Notification.Kind.MANUAL)
    recipient_email = serializers.EmailField()
    recipient_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    message = serializers.CharField(max_length=10000, required=False, allow_blank=True)

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "kind": Notification.Kind(data["kind"]),
            "recipient_email": data["recipient_email"],
            "recipient_name": data.get("recipient_name", ""),
            "context": {k: data[k] for k in ("subject", "message") if data.get(k)},
        }


class PreviewOutputSerializer(serializers.Serializer):
    subject = serializers.CharField()
    text = serializers.CharField()
    html = serializers.CharField()


class ChallengeNotificationsApi(APIView):
    """GET: the case's outbox, newest first. POST: send an email now (a manual message by
    default)."""

    @extend_schema(responses=NotificationOutputSerializer(many=True))
    def get(self, request, challenge_id: int):
        challenge = _challenge(request, challenge_id, write=False)
        rows = list(challenge.notifications.order_by("-due_on", "-pk"))
        legacy = [row for row in rows if row.context.get("case") is None]
        if legacy:
            # Rows written before snapshots render from the live case: read it once for all
            # of them (in memory only), not once per row.
            facts = case_facts(challenge)
            for row in legacy:
                row.context = {**row.context, "case": facts}
        return Response(NotificationOutputSerializer(rows, many=True).data)

    # 409: the same kind of email to the same person was already sent or queued today.
    @extend_schema(
        request=EmailInputSerializer, responses={201: NotificationOutputSerializer, 409: REFUSED}
    )
    def post(self, request, challenge_id: int):
        challenge = _challenge(request, challenge_id, write=True)
        payload = EmailInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        notification = services.notification_send_manual(
            challenge=challenge, actor=signed_in(request), **payload.service_kwargs()
        )
        return Response(NotificationOutputSerializer(notification).data, status=201)


class ChallengeNotificationPreviewApi(APIView):
    """The email as it would be sent: subject, text and HTML. Nothing is saved."""

    @extend_schema(request=EmailInputSerializer, responses=PreviewOutputSerializer)
    def post(self, request, challenge_id: int):
        challenge = _challenge(request, challenge_id, write=True)
        payload = EmailInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(
            services.notification_preview(challenge=challenge, **payload.service_kwargs())
        )


class NotificationResendApi(APIView):
    """Queue a failed or sent email again."""

    @extend_schema(request=None, responses={200: NotificationOutputSerializer, 409: REFUSED})
    def post(self, request, notification_id: int):
        if not roles.can_read_all(request.user):
            raise Http404
        notification = get_object_or_404(Notification, pk=notification_id)
        if not roles.can_manage(request.user):
            raise PermissionDenied("only managers and admins may resend emails")
        notification = services.notification_resend(
            notification=notification, actor=signed_in(request)
        )
        return Response(NotificationOutputSerializer(notification).data)
