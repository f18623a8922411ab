"""Sign-in lockout (django-axes): failures are counted in the database, so every gunicorn
worker and every host sees the same count, by username and by client address (the address as
core/client_ip.py resolves it, through trusted proxies only).

Used by the sign-in page, /admin/login/ and POST /api/auth/token/ alike."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    """Refuses every password for a locked-out username or address, right ones included.

    A sign-in without a request (the shell, the test client's login()) comes from no network
    address and cannot be guessed at from outside: it passes to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def cool_off_minutes() -> int:
    return settings.LOGIN_COOLOFF_MINUTES


def lockout_message() -> str:
    return (
        f"Too many failed sign-in attempts. Wait {cool_off_minutes()} minutes and try again, "
        "or reset your password."
    )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """429 with Retry-After: JSON under /api/, otherwise the GOV.UK page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        response = render(
            request,
            "core/locked_out.html",
            {"minutes": cool_off_minutes()},
            status=429,
        )
    response["Retry-After"] = str(cool_off_minutes() * 60)
    return response
