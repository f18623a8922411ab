"""The client's address, the one rule every limit keys on (login lockout, signed-link rate
limits, DRF's throttles through NUM_PROXIES).

X-Forwarded-For is written by whoever sends the request, so it is read only when settings say
TRUSTED_PROXY_COUNT proxies stand in front of the app; each of them appends the address it saw,
so the client is the entry that many places from the right. Anything further left was sent by
the client and is ignored. Without a proxy the socket's address (REMOTE_ADDR) is the client."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request carries none we can trust (a request
    built in code, such as the one Django's test client signs in with, has no socket; a hop
    that is not an address means the proxy count is wrong, and the socket is used instead).
    None is stored as NULL by the lockout, never as text its address column would refuse."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not come through them all.
        return remote
    return _address(hops[-proxies]) or remote
