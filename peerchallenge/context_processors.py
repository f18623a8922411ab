"""What every page's layout needs: the navigation for the user's roles and the feedback link."""

from django.conf import settings
from django.urls import reverse

from peerchallenge.landing import role_names
from workflow import roles


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items: list[dict] = []
    if user is not None and user.is_authenticated:
        names = role_names(user)
        if roles.can_read_all(user):
            items.append({"text": "My cases", "href": reverse("my-cases")})
        if roles.PEER in names:
            items.append({"text": "My visits", "href": reverse("my-visits")})
        if user.is_staff:
            items.append({"text": "Admin", "href": reverse("admin:index")})
    for item in items:
        item["current"] = request.path.startswith(item["href"])
    return {"navigation": items, "feedback_email": settings.FEEDBACK_EMAIL}
