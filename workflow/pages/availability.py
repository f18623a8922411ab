"""The date poll's pages: the manager's (offer ranges, see who can make which, use a range as
the onsite dates) and the peer's answer, by their invitation's signed link or signed in. They
call workflow/availability_services.py and services.challenge_update, as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django_fsm import ConcurrentTransition

from core.errors import InvalidInput, Refused
from workflow import availability_services, roles, selectors, services
from workflow.availability_forms import AnswerDatesForm, OfferDatesForm, option_of
from workflow.availability_grid import poll_grid
from workflow.invitation_links import open_invitation
from workflow.models import Assignment, PeerChallenge

NOT_OPEN = "workflow/invitation_not_open.html"  # the invitation page's: one page for any bad link
CHANGED_MEANWHILE = "this case changed while you were looking: reload the page and try again"


@login_required
def case_availability(request, pk: int):
    """Readers see the poll; managers offer the ranges and use one as the onsite dates."""
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    if not roles.can_read_all(request.user):
        raise PermissionDenied
    may_change = roles.can_manage(request.user)
    posted = request.method == "POST"
    if posted and not may_change:
        raise PermissionDenied
    form = OfferDatesForm(
        request.POST if posted and "offer" in request.POST else None, challenge=challenge
    )
    refused: list[str] = []
    if posted:
        try:
            if "offer" in request.POST:
                done = _offer(request, challenge, form)
            else:
                done = _use(request, challenge)
        except Refused as refusal:
            refused, done = refusal.unmet, False
        except ConcurrentTransition:
            refused, done = [CHANGED_MEANWHILE], False
        if done:
            return redirect("case-availability", pk=challenge.pk)
    columns, rows = poll_grid(challenge)
    closed = availability_services.poll_refusal(challenge)
    return render(
        request,
        "workflow/case_availability.html",
        {
            "case": challenge,
            "form": form,
            "columns": columns,
            "rows": rows,
            "refused": refused,
            "may_change": may_change and not closed,
            "closed": closed,
        },
    )


def _offer(request, challenge: PeerChallenge, form: OfferDatesForm) -> bool:
    if not form.is_valid():
        return False
    try:
        availability_services.date_options_set(
            challenge=challenge, ranges=form.ranges(), actor=request.user
        )
    except InvalidInput as invalid:
        form.add_service_errors(invalid)
        return False
    messages.success(request, "The dates are offered: the team has been asked which they can make.")
    return True


def _use(request, challenge: PeerChallenge) -> bool:
    option = option_of(challenge, request.POST.get("use", ""))
    if option is None:
        raise Refused(["those dates are no longer offered: choose from the dates below"])
    availability_services.refuse_unless_choosing(challenge)
    try:
        services.challenge_update(
            challenge=challenge,
            actor=request.user,
            changes={"onsite_start": option.start, "onsite_end": option.end},
        )
    except InvalidInput as invalid:
        raise Refused([m for messages_ in invalid.errors.values() for m in messages_]) from None
    messages.success(request, f"The onsite visit is now {option}.")
    return True


# --- the peer's answer ---------------------------------------------------------------------


@never_cache
@sensitive_variables("token")
def invitation_availability(request, token: str):
    """By the invitation's signed link: GET shows the question, POST saves the answers."""
    place = open_invitation(token)
    if place is None:
        return render(request, NOT_OPEN, status=404)
    return _answer_page(request, place, actor=place.peer.user, by_link=True)


@login_required
def my_place_availability(request, assignment_id: int):
    """Signed in: the peer's own place (invited or on the team)."""
    place = (
        Assignment.objects.select_related("peer", "challenge__host", "challenge__challenge_type")
        .filter(pk=assignment_id, peer__user=request.user)
        .first()
    )
    if place is None:
        raise Http404("no such place of yours")
    return _answer_page(request, place, actor=request.user)


def _answer_page(request, place: Assignment, *, actor, by_link: bool = False):
    posted = request.method == "POST"
    form = AnswerDatesForm(request.POST if posted else None, place=place)
    refused = availability_services.answer_refusal(place)
    if posted and not refused and form.is_valid():
        try:
            availability_services.availability_answer(
                assignment=place, answers=form.answers(), actor=actor, by_link=by_link
            )
        except InvalidInput as invalid:
            form.add_service_errors(invalid)
        except Refused as refusal:
            refused = refusal.unmet
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect(request.path)
    return render(
        request,
        "workflow/availability_answer.html",
        {"place": place, "case": place.challenge, "form": form, "refused": refused},
    )
