"""A manager's two actions on a survey invitation, from the case's surveys panel: send it again
with a new link (to the case's contact as it is now: a new chief executive, a corrected
address), or move its closing date (an expired survey opens again). The services
(surveys/lifecycle.py) decide; these pages translate and show what they refuse."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import InvalidInput, Refused
from core.widgets import GovukDateInput
from surveys import lifecycle
from surveys.contacts import current_contact
from surveys.models import SurveyInvitation
from workflow import roles, selectors


def _managed_invitation(request: HttpRequest, pk: int, survey_invitation_id: int):
    """The case's invitation: 404 where the case is not the user's to see, 403 where they may
    see but not manage it (as the case's other step pages)."""
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    invitation = get_object_or_404(
        SurveyInvitation.objects.select_related("questionnaire").filter(challenge=challenge),
        pk=survey_invitation_id,
    )
    if not roles.can_manage(request.user):
        raise PermissionDenied
    invitation.challenge = challenge
    return invitation


def _named(invitation: SurveyInvitation) -> str:
    """ "feedback survey for the chief executive" """
    kind = invitation.questionnaire.get_kind_display().lower()
    return f"{kind} for the {invitation.get_respondent_display().lower()}"


def _panel_url(invitation: SurveyInvitation) -> str:
    return reverse("case-detail", args=[invitation.challenge_id]) + "#surveys"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_link(request: HttpRequest, pk: int, survey_invitation_id: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk, survey_invitation_id)
    name, email = current_contact(invitation)
    refused: list[str] = []
    if request.method == "POST":
        send_again = request.POST.get("send_again") == "yes"
        try:
            lifecycle.survey_revoke_link(
                invitation=invitation, actor=request.user, send_again=send_again
            )
        except Refused as refusal:
            refused = refusal.unmet
        else:
            done = f"sent again to {email}" if send_again else "stopped: its link opens nothing"
            messages.success(request, f"The {_named(invitation)} is {done}.")
            return redirect(_panel_url(invitation))
    context = {
        "case": invitation.challenge,
        "invitation": invitation,
        "contact": (name, email),
        "refused": refused,
    }
    return render(request, "surveys/invitation_link.html", context)


class ClosingDateForm(forms.Form):
    until = forms.DateField(
        label="New closing date",
        widget=GovukDateInput,
        help_text="The survey stays open to the end of this day. For example, 27 3 2027",
        error_messages={"required": "Enter the new closing date"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_closing_date(request: HttpRequest, pk: int, survey_invitation_id: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk, survey_invitation_id)
    form = ClosingDateForm(request.POST if request.method == "POST" else None)
    refused: list[str] = []
    if form.is_bound and form.is_valid():
        try:
            lifecycle.survey_extend(
                invitation=invitation, until=form.cleaned_data["until"], actor=request.user
            )
        except InvalidInput as invalid:
            for field_messages in invalid.errors.values():
                for message in field_messages:
                    form.add_error("until", message)
        except Refused as refusal:
            refused = refusal.unmet
        else:
            until = form.cleaned_data["until"]
            messages.success(request, f"The {_named(invitation)} now closes on {until:%-d %B %Y}.")
            return redirect(_panel_url(invitation))
    context = {"case": invitation.challenge, "invitation": invitation, "form": form}
    return render(request, "surveys/invitation_closing_date.html", context | {"refused": refused})
