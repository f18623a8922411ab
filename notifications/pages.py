"""The pages behind the case's emails panel: preview an email, resend one, write a message.

They call the services the API calls (notifications/api.py), with its rules: a user who may not
read every case gets a 404, a programme lead may read but not act (403), and an account email
(a password reset) is never shown. GET shows, POST acts; a refusal is a message, not an error.
"""

from collections.abc import Callable
from dataclasses import dataclass

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import InvalidInput, Refused
from notifications import services
from notifications.actors import signed_in
from notifications.emails import ACCOUNT_KINDS
from notifications.models import Notification
from notifications.panels import kind_in_words
from workflow import roles, selectors
from workflow.models import Assignment, PeerChallenge


def _case(request: HttpRequest, pk: int) -> PeerChallenge:
    """The case, for a user who may send its emails (the API's rule)."""
    if not roles.can_read_all(request.user):
        raise Http404
    case = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    if not roles.can_manage(request.user):
        raise PermissionDenied
    return case


def _back_to_emails(case: PeerChallenge) -> HttpResponse:
    return redirect(reverse("case-detail", args=[case.pk]) + "#emails")


def _previewed(request: HttpRequest, pk: int, notification_id: int) -> Notification:
    """The case's email that a user may preview (its case set on it, read once)."""
    case = _case(request, pk)
    # An account email renders a live sign-in link: only its recipient may ever see it.
    rows = case.notifications.exclude(kind__in=ACCOUNT_KINDS)
    notification = get_object_or_404(rows, pk=notification_id)
    notification.challenge = case
    return notification


# An email's HTML part is a document of its own, framed by the preview pages (this one, the
# admin's): emails need inline styles, which the site's policy refuses, and a srcdoc frame would
# inherit that policy. So it gets its own narrow one: styles in the document and nothing else;
# `sandbox` keeps it an opaque origin without scripts even when opened on its own; only our own
# pages may frame it (frame-ancestors, and X-Frame-Options for older browsers).
HTML_PART_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": [],
}


def serves_an_html_part(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    """The headers of a response that is an email's HTML part (HTML_PART_POLICY)."""
    return never_cache(xframe_options_sameorigin(csp(HTML_PART_POLICY)(view)))


def html_part_response(notification: Notification) -> HttpResponse:
    """The email's HTML part as a page; 404 if it cannot be rendered (its preview says why)."""
    try:
        html = services.rendered_parts(notification)["html"]
    except InvalidInput:
        raise Http404 from None
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@login_required
@require_GET
@serves_an_html_part
def email_html_part(request: HttpRequest, pk: int, notification_id: int) -> HttpResponse:
    """The HTML part of the email that email_preview shows, for its sandboxed frame."""
    return html_part_response(_previewed(request, pk, notification_id))


@login_required
@require_GET
def email_preview(request: HttpRequest, pk: int, notification_id: int) -> HttpResponse:
    """An outbox row rendered as it is (or was) sent. Nothing is saved."""
    notification = _previewed(request, pk, notification_id)
    case = notification.challenge
    parts, problems = None, []
    try:
        parts = services.rendered_parts(notification)
    except InvalidInput as invalid:
        problems = [message for found in invalid.errors.values() for message in found]
    return render(
        request,
        "notifications/pages/email_preview.html",
        {
            "case": case,
            "email": notification,
            "kind": kind_in_words(notification.kind),
            "parts": parts,
            "problems": problems,
            "resendable": notification.status in services.RESENDABLE,
        },
    )


@login_required
@require_POST
def email_resend(request: HttpRequest, pk: int, notification_id: int) -> HttpResponse:
    """Queue a failed (or sent) email again; a refusal (still queued, say) says why."""
    case = _case(request, pk)
    notification = get_object_or_404(case.notifications, pk=notification_id)
    try:
        services.notification_resend(notification=notification, actor=signed_in(request))
    except Refused as refused:
        messages.error(request, f"Not sent again: {'; '.join(refused.unmet)}.")
    else:
        to = notification.recipient_email
        messages.success(request, f"The email to {to} is queued to be sent again.")
    return _back_to_emails(case)


@dataclass(frozen=True)
class Contact:
    key: str
    name: str
    email: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.name or self.email}, {self.role} ({self.email})"


def case_contacts(case: PeerChallenge) -> list[Contact]:
    """Who a manager may write to about the case: the council's contacts, the manager and the
    team. Keys, not addresses, are posted, so only these people can be chosen."""
    people = [
        Contact(
            "chief_executive",
            case.chief_executive_name,
            case.chief_executive_email,
            "chief executive",
        ),
        Contact("leader", case.leader_name, case.leader_email, "leader"),
    ]
    if case.manager:
        manager = case.manager
        name = manager.get_full_name() or manager.username
        people.append(Contact("manager", name, manager.email, "challenge manager"))
    # Prefetched with their peers by selectors.challenge_list.
    for assignment in case.assignments.all():
        if assignment.status in Assignment.ON_TEAM:
            peer = assignment.peer
            role = assignment.get_role_display().lower()
            people.append(Contact(f"peer-{assignment.pk}", peer.name, peer.email, role))
    return [person for person in people if person.email]


class ManualEmailForm(forms.Form):
    """A manual message (Kind.MANUAL). The service decides; this form translates."""

    recipient = forms.ChoiceField(
        label="Who is it to?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who to send the message to",
            "invalid_choice": "Choose one of the people on this case",
        },
    )
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        help_text="The case reference is added at the end.",
        error_messages={"required": "Enter a subject"},
    )
    message = forms.CharField(
        label="Message",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Sent as plain text, signed with your name.",
        error_messages={"required": "Enter a message"},
    )
    # Where the service's field names land on this form.
    SERVICE_FIELDS = {"recipient_email": "recipient", "recipient_name": "recipient"}

    def __init__(self, *args, contacts: list[Contact], **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = {contact.key: contact for contact in contacts}
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        recipient.choices = [(c.key, c.label) for c in contacts]

    def service_inputs(self) -> dict:
        contact = self.contacts[self.cleaned_data["recipient"]]
        return {
            "kind": Notification.Kind.MANUAL,
            "recipient_email": contact.email,
            "recipient_name": contact.name,
            "context": {name: self.cleaned_data[name] for name in ("subject", "message")},
        }

    def add_service_errors(self, invalid: InvalidInput) -> None:
        for field, found in invalid.errors.items():
            field = self.SERVICE_FIELDS.get(field, field)
            for message in found:
                self.add_error(field if field in self.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def email_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a message about the case to one of its people, sent through the outbox."""
    case = _case(request, pk)
    posted = request.method == "POST"
    form = ManualEmailForm(request.POST if posted else None, contacts=case_contacts(case))
    if posted and form.is_valid():
        inputs = form.service_inputs()
        try:
            services.notification_send_manual(challenge=case, actor=signed_in(request), **inputs)
        except InvalidInput as invalid:
            form.add_service_errors(invalid)
        except Refused as refused:
            for reason in refused.unmet:
                form.add_error(None, reason)
        else:
            to = inputs["recipient_name"] or inputs["recipient_email"]
            messages.success(request, f"Your message to {to} is queued to be sent.")
            return _back_to_emails(case)
    return render(request, "notifications/pages/email_new.html", {"case": case, "form": form})
