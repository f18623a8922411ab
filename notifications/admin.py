from django.contrib import admin, messages
from django.utils.html import format_html

from notifications import services
from notifications.models import Notification
from workflow import roles
from workflow.errors import InvalidInput, TransitionRefused


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient_email", "due_on", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "due_on"]
    search_fields = ["recipient_email", "recipient_name", "subject_ref"]
    date_hierarchy = "due_on"
    list_select_related = ["challenge"]
    # The outbox is written by services; here it is only read, previewed and resent.
    readonly_fields = [
        "kind",
        "subject_ref",
        "challenge",
        "recipient_email",
        "recipient_name",
        "due_on",
        "context",
        "status",
        "attempts",
        "last_error",
        "dispatched_at",
        "claimed_at",
        "sent_at",
        "stale_requeues",
        "created_at",
        "rendered_preview",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Preview")
    def rendered_preview(self, obj: Notification) -> str:
        try:
            parts = services.rendered_parts(obj)
        except InvalidInput as exc:
            return f"Cannot render: {exc}"
        return format_html(
            "<p><strong>{}</strong></p><pre style='white-space: pre-wrap'>{}</pre>"
            "<iframe sandbox srcdoc='{}' style='width: 100%; height: 24em; border: 1px solid #ccc'>"
            "</iframe>",
            parts["subject"],
            parts["text"],
            parts["html"],
        )

    def has_resend_permission(self, request) -> bool:
        return roles.can_manage(request.user)

    @admin.action(description="Resend the selected failed or sent emails", permissions=["resend"])
    def resend(self, request, queryset):
        resent, refused = 0, []
        for notification in queryset:
            try:
                services.notification_resend(notification)
                resent += 1
            except TransitionRefused as exc:
                refused.append(f"#{notification.pk}: {exc}")
        if resent:
            self.message_user(request, f"{resent} email(s) queued again.", messages.SUCCESS)
        if refused:
            self.message_user(request, "; ".join(refused), messages.WARNING)
