"""A person's private calendar feed: the page that gives them its URL (and a new one, which
stops the old), and the feed itself, read by calendar apps without a login. A URL that opens no
feed is a 404 that never says why."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from notifications.calendar_feed import feed_ics
from workflow.calendar_feeds import feed_of, feed_path, feed_renew, open_feed


@login_required
@never_cache
def my_calendar(request):
    feed = feed_of(request.user)
    if request.method == "POST":
        feed_renew(feed=feed)
        messages.success(request, "Your calendar has a new link: the old one no longer works.")
        return redirect("my-calendar")
    url = settings.SITE_URL.rstrip("/") + feed_path(feed)
    return render(request, "notifications/pages/my_calendar.html", {"feed_url": url})


@require_GET
@never_cache
@sensitive_variables("token")
def calendar_feed(request, token: str):
    feed = open_feed(token)
    if feed is None:
        raise Http404("no such calendar")
    response = HttpResponse(feed_ics(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="peer-challenge.ics"'
    return response
