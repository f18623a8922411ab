from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import escape, format_html

from core.admin_lists import BigTableAdmin
from core.errors import InvalidInput, Refused
from notifications import services
from notifications.actors import signed_in
from notifications.emails import ACCOUNT_KINDS
from notifications.models import Notification
from notifications.pages import html_part_response, serves_an_html_part
from workflow import roles
from workflow.models import PeerChallenge


class CaseFilter(admin.SimpleListFilter):
    """One case's emails, as linked from the case's admin page (`?challenge__id__exact=<id>`).

    Unlike `list_filter = ["challenge"]` it does not list every case in the sidebar (one label,
    and two queries, per case): it shows only the case chosen."""

    title = "case"
    parameter_name = "challenge__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value:
            return []
        case = PeerChallenge.objects.select_related("host", "challenge_type")
        case = case.filter(pk=value).first() if value.isdigit() else None
        return [(value, str(case) if case else f"unknown case {value}")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():  # the admin shows its "invalid filter" page, not a 500
            raise IncorrectLookupParameters(f"not a case id: {value!r}")
        return queryset.filter(challenge_id=int(value))


@admin.register(Notification)
class NotificationAdmin(BigTableAdmin):
    list_display = [
        "kind",
        "challenge",
        "recipient_email",
        "due_on",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    # A date filter (due_on), no date_hierarchy: that lists the distinct years of a million
    # rows on every page (issue 11, P3).
    list_filter = ["status", "kind", "due_on", CaseFilter]
    search_fields = ["recipient_email", "recipient_name", "topic_key"]
    list_select_related = ["challenge__host", "challenge__challenge_type"]
    # The outbox is written by services; here it is only read, previewed and resent.
    readonly_fields = [
        "kind",
        "topic_key",
        "challenge",
        "recipient_email",
        "recipient_name",
        "due_on",
        "context",
        "status",
        "attempts",
        "last_error",
        "dispatched_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "stale_requeues",
        "uncertain_sends",
        "resent_by",
        "resent_at",
        "created_at",
        "rendered_preview",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The outbox is the email history and the guard against sending twice: a row deleted
        # is an email that may go again. Nobody deletes one by hand, superusers included,
        # whatever the role groups grant; the retention rules (reports.data_protection.
        # apply_retention) are the one path. This also drops the bulk delete.
        return False

    @admin.display(description="Preview")
    def rendered_preview(self, obj: Notification) -> str:
        if obj.kind in ACCOUNT_KINDS:
            # Rendering makes a live sign-in link (a password reset): only its recipient may
            # see it, never someone reading the outbox.
            return "Not shown here: it holds a link that only its recipient may see."
        try:
            parts = services.rendered_parts(obj)
        except InvalidInput as exc:
            return f"Cannot render: {exc}"
        # The text parts are escaped here, where they are output (escape() escapes whatever a
        # string's marking). The HTML part is its own document with its own narrow policy
        # (html_part below), shown in a sandboxed frame.
        return format_html(
            '<p><strong>{}</strong></p><pre class="app-email-text">{}</pre>'
            '<iframe sandbox src="{}" title="HTML part" class="app-email-frame"></iframe>',
            escape(parts["subject"]),
            escape(parts["text"]),
            reverse("admin:notifications_notification_html", args=[obj.pk]),
        )

    class Media:
        css = {"all": ["notifications/admin.css"]}  # the preview's classes (no inline styles)

    def get_urls(self):
        html = self.admin_site.admin_view(serves_an_html_part(self.html_part))
        own = [path("<int:pk>/html/", html, name="notifications_notification_html")]
        return own + super().get_urls()

    def html_part(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The HTML part of the email that rendered_preview shows, for its sandboxed frame."""
        email = get_object_or_404(Notification, pk=pk)
        if email.kind in ACCOUNT_KINDS or not self.has_view_permission(request, email):
            raise Http404  # an account email's live sign-in link is never shown (as above)
        return html_part_response(email)

    def has_resend_permission(self, request) -> bool:
        return roles.can_manage(request.user)

    @admin.action(description="Resend the selected failed or sent emails", permissions=["resend"])
    def resend(self, request, queryset):
        resent, refused = 0, []
        for notification in queryset:
            try:
                services.notification_resend(notification=notification, actor=signed_in(request))
                resent += 1
            except Refused as exc:
                refused.append(f"#{notification.pk}: {exc}")
        if resent:
            self.message_user(request, f"{resent} email(s) queued again.", messages.SUCCESS)
        if refused:
            self.message_user(request, "; ".join(refused), messages.WARNING)
