"""The case page's emails panel (settings.CASE_PANELS, workflow/panels.py): every outbox row
about the case, with a preview, a resend and a manual message for those who may send.

Managers and admins act; programme leads read the same rows without a button; anyone else
(a peer) gets no panel, as the API gives them a 404.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from notifications.emails import ACCOUNT_KINDS, subject_of
from notifications.models import Notification
from notifications.services import RESENDABLE
from notifications.snapshot import case_facts
from workflow import roles
from workflow.models import PeerChallenge

Status = Notification.Status
STATUS_TAG: dict[str, str] = {
    Status.QUEUED: "govuk-tag--grey",
    Status.SENDING: "govuk-tag--light-blue",
    Status.SENT: "govuk-tag--green",
    Status.FAILED: "govuk-tag--red",
}


@dataclass(frozen=True)
class EmailRow:
    """One row as the panel shows it: the outbox row and what the template should not work out."""

    notification: Notification
    kind: str
    subject: str | None
    tag: str
    error: str
    previewable: bool
    resendable: bool


def kind_in_words(kind: str) -> str:
    return Notification.Kind(kind).label if kind in Notification.Kind.values else kind


def case_emails(case: PeerChallenge) -> list[EmailRow]:
    """The case's outbox, the latest due first (as the API lists it), in one query."""
    rows = []
    live_facts = None
    for notification in case.notifications.order_by("-due_on", "-pk"):
        # The subject is rendered from the row's snapshot of the case. A row written before rows
        # carried one is rendered from the live case (as delivery would): taken once, not once
        # a row, and never saved.
        notification.challenge = case
        if "case" not in notification.context:
            live_facts = live_facts or case_facts(case)
            notification.context = {**notification.context, "case": live_facts}
        rows.append(
            EmailRow(
                notification=notification,
                kind=kind_in_words(notification.kind),
                subject=subject_of(notification),
                tag=STATUS_TAG.get(notification.status, "govuk-tag--grey"),
                error=notification.last_error if notification.status == Status.FAILED else "",
                # An account email renders a live sign-in link: never shown to anyone but its
                # recipient (see the admin's preview).
                previewable=notification.kind not in ACCOUNT_KINDS,
                resendable=notification.status in RESENDABLE,
            )
        )
    return rows


def emails_panel(request: HttpRequest, case: PeerChallenge) -> SafeString | None:
    user = request.user
    if not roles.can_read_all(user):
        return None
    return render_to_string(
        "notifications/pages/emails_panel.html",
        {"case": case, "rows": case_emails(case), "can_send": roles.can_manage(user)},
        request=request,
    )
