"""`/`: each user lands where their role works; an anonymous visitor is asked to sign in."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from workflow import roles


def role_names(user) -> set[str]:
    """The user's role groups, read once per request."""
    if not hasattr(user, "_page_role_names"):
        user._page_role_names = set(user.groups.values_list("name", flat=True))
    return user._page_role_names


def landing_url_name(user) -> str | None:
    if roles.can_read_all(user):
        return "dashboard"  # the pipeline, what is overdue and their own actions
    if roles.PEER in role_names(user):
        return "my-challenges"
    return None


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return redirect("sign-in")
    url_name = landing_url_name(request.user)
    if url_name:
        return redirect(url_name)
    # Signed in, but no role yet: say so rather than show an empty page or a 403.
    return render(request, "peerchallenge/no_role.html")
