"""A peer's invitation, answered from the emailed link (no sign-in) or on My invitations, and
My challenges. Both answer pages draw the same forms with the same template
(workflow/_invitation_answer.html); the forms come from the transitions' declarations.

The link page: GET only shows (a link scanner opening it changes nothing), POST answers. A link
that opens no invitation - bad, tampered, used, lapsed, revoked, its case over - gets one page,
with one status, that never says which."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_safe
from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from workflow.invitation_answers import (
    ANSWERS,
    answer_by_link,
    answer_signed_in,
    challenges_of,
    invitations_of,
)
from workflow.invitation_links import open_invitation
from workflow.models import Assignment, Peer
from workflow.team_transitions import TEAM_TRANSITIONS
from workflow.transition_forms import TransitionForm

NOT_OPEN = "workflow/invitation_not_open.html"


class AnswerForm(TransitionForm):
    """Accept (the declaration of interests) or decline (a reason and a note, both optional)."""

    def __init__(self, *args, place: Assignment, answer: str, **kwargs):
        super().__init__(*args, spec=TEAM_TRANSITIONS[answer], place=place, **kwargs)
        self.answer = answer
        if "decline_reason" in self.fields:
            self.fields["decline_reason"] = forms.ChoiceField(
                label="Why are you declining?",
                choices=Assignment.DeclineReason.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields["decline_note"].label = "Anything else the challenge manager should know"
            self.fields["decline_note"].widget.attrs["rows"] = 3
        if "interests" in self.fields:
            self.fields["interests"].widget.attrs["rows"] = 5


def answer_forms(place: Assignment, data=None, *, answered: str = "", prefix: str = "") -> dict:
    """The accept and decline forms for `place`; only the one answered is bound to `data`."""
    return {
        name: AnswerForm(
            data if name == answered else None,
            place=place,
            answer=name,
            prefix=f"{name}{prefix}",
        )
        for name in ANSWERS
    }


@dataclass
class Outcome:
    place: Assignment | None = None  # answered
    refused: list[str] = field(default_factory=list)  # the service's refusal, in words
    gone: bool = False  # nothing left to answer: answered, revoked or withdrawn meanwhile


def _answer(form: AnswerForm, do: Callable[..., Assignment | None]) -> Outcome:
    """Run `do(**inputs)` for a valid form; its field errors come back onto the form."""
    if not form.is_valid():
        return Outcome()
    try:
        place = do(**form.service_inputs())
    except InvalidInput as invalid:
        form.add_service_errors(invalid)
        return Outcome()
    except Refused as refused:
        return Outcome(refused=refused.unmet)
    except ConcurrentTransition:  # another answer won the race
        return Outcome(gone=True)
    return Outcome(place=place, gone=place is None)


def _posted_answer(request) -> str:
    answer = request.POST.get("answer", "")
    if answer not in ANSWERS:
        raise Http404("no such answer")
    return answer


def _not_open(request):
    return render(request, NOT_OPEN, status=404)


@never_cache
@sensitive_variables("token")
def invitation(request, token: str):
    place = open_invitation(token)
    if place is None:
        return _not_open(request)
    answered = _posted_answer(request) if request.method == "POST" else ""
    answer_with = answer_forms(place, request.POST, answered=answered)
    outcome = Outcome()
    if answered:
        outcome = _answer(
            answer_with[answered],
            lambda **inputs: answer_by_link(token=token, name=answered, **inputs),
        )
        if outcome.gone:
            return _not_open(request)
        if outcome.place is not None:
            return render(request, "workflow/invitation_answered.html", {"place": outcome.place})
    return render(
        request,
        "workflow/invitation.html",
        {
            "place": place,
            "forms": answer_with,
            "form": answer_with.get(answered),  # base.html's error summary
            "refused": outcome.refused,
        },
    )


@login_required
def my_invitations(request):
    """The signed-in peer's open invitations, each with the same forms as the link page."""
    places = list(invitations_of(request.user))
    forms_of = {p.pk: answer_forms(p, prefix=f"-{p.pk}") for p in places}
    error_form, refused = None, []
    if request.method == "POST":
        answered = _posted_answer(request)
        place = next((p for p in places if str(p.pk) == request.POST.get("place")), None)
        if place is None:
            raise Http404("no such open invitation")
        pk = place.pk
        form = answer_forms(place, request.POST, answered=answered, prefix=f"-{pk}")[answered]
        forms_of[pk][answered] = form
        outcome = _answer(
            form,
            lambda **inputs: answer_signed_in(user=request.user, pk=pk, name=answered, **inputs),
        )
        if outcome.place is not None:
            messages.success(request, _answered_words(outcome.place))
            return redirect("my-challenges" if answered == "accept" else "my-invitations")
        if outcome.gone:
            messages.error(request, "That invitation is no longer open.")
            return redirect("my-invitations")
        error_form, refused = form, outcome.refused
    return render(
        request,
        "workflow/my_invitations.html",
        {
            "rows": [{"place": p, "forms": forms_of[p.pk]} for p in places],
            "is_peer": _is_peer(request.user),
            "form": error_form,  # base.html's error summary
            "refused": refused,
        },
    )


def _answered_words(place: Assignment) -> str:
    case = place.challenge
    if place.status == Assignment.Status.ACCEPTED:
        return f"You have joined the team for the {case.challenge_type} at {case.host}."
    return f"You have declined the invitation to the {case.challenge_type} at {case.host}."


def _is_peer(user) -> bool:
    return Peer.objects.filter(user=user).exists()


@login_required
@require_safe
def my_challenges(request):
    """The signed-in peer's places on teams: the visit, their role, the manager, days logged."""
    return render(
        request,
        "workflow/my_challenges.html",
        {"places": list(challenges_of(request.user)), "is_peer": _is_peer(request.user)},
    )
