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
            items.append({"text": "Dashboard", "href": reverse("dashboard")})
            items.append({"text": "My cases", "href": reverse("my-cases")})
            items.append({"text": "Survey results", "href": reverse("survey-results")})
            items.append({"text": "Reports", "href": reverse("programme-report")})
            items.append({"text": "Common messages", "href": reverse("common-messages")})
        if roles.PEER in names:
            items.append({"text": "My invitations", "href": reverse("my-invitations")})
            items.append({"text": "My challenges", "href": reverse("my-challenges")})
        # Published examples are for everyone's learning (DOMAIN.md §8), peers' included.
        items.append({"text": "Good practice", "href": reverse("good-practice")})
        if roles.PEER in names or roles.is_manager(user):  # their visits and deadlines
            items.append({"text": "Calendar", "href": reverse("my-calendar")})
        if user.is_superuser or roles.ADMIN in names:  # the programme's history comes in here
            items.append({"text": "Import history", "href": reverse("history-import")})
        if user.is_staff:
            items.append({"text": "Admin", "href": reverse("admin:index")})
    for item in items:
        item["current"] = request.path.startswith(item["href"])
    return {"navigation": items, "feedback_email": settings.FEEDBACK_EMAIL}
