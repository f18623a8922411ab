"""Sign in, sign out and password reset: Django's auth views with our GOV.UK templates.

The reset email goes through the outbox like every other email. Its row keeps only the user's
id and username: the link's token is made when the email is rendered for sending
(`notifications/templatetags/account_links.py`), so the outbox never holds a working link.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_queue

# Reset emails to one account: at most one per window, so the public form cannot be used to
# flood someone's inbox. A second request inside the window is a no-op (the first link works).
RESET_EMAIL_WINDOW_MINUTES = 15


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class OutboxPasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            required="Enter your email address",
            invalid="Enter an email address in the correct format, like name@example.org",
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        """Called by `save()` once per matching active account: an outbox row, not an SMTP call."""
        user = context["user"]
        now = timezone.localtime()
        window = now.minute // RESET_EMAIL_WINDOW_MINUTES
        notification_queue(
            kind=Notification.Kind.PASSWORD_RESET,
            topic_key=f"user:{user.pk}:{now:%H}:{window}",
            recipient_email=to_email,
            recipient_name=user.get_full_name(),
            due_on=now.date(),
            context={"user_id": user.pk, "username": user.get_username()},
        )


class SignInView(auth_views.LoginView):
    template_name = "peerchallenge/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django refuses a GET sign-out: a link could sign you out)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "peerchallenge/password_reset.html"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "peerchallenge/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        hours = datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT) // datetime.timedelta(
            hours=1
        )
        return super().get_context_data(timeout_hours=hours, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "peerchallenge/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "peerchallenge/password_reset_complete.html"
