"""A rate limit on every page that acts on a signed link: any URL whose route takes a `token`
(survey and invitation pages, the calendar feed, password reset). Such a page needs no sign-in,
so nothing else stops a client guessing at tokens or hammering a leaked one.

Counted per client address (core/client_ip.py: through trusted proxies only) in Django's cache,
in fixed windows: Redis in production (shared by every worker), local memory otherwise."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.client_ip import client_ip


def _over_limit(request: HttpRequest) -> bool:
    limit, window = settings.SIGNED_LINK_RATE_LIMIT
    key = f"signed-link-rate:{client_ip(request)}:{int(time.time() // window)}"
    # add() then incr(): both atomic in Redis, so concurrent workers never lose a count.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def too_many_requests(request: HttpRequest) -> HttpResponse:
    _, window = settings.SIGNED_LINK_RATE_LIMIT
    response = render(request, "core/too_many_requests.html", status=429)
    response["Retry-After"] = str(window)
    return response


class SignedLinkRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if "token" not in view_kwargs:
            return None
        if _over_limit(request):
            return too_many_requests(request)
        return None
