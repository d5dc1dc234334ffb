"""The client's address, as the lockout counts it.

Behind reverse proxies the connection comes from the nearest proxy, and the client's address is in
``X-Forwarded-For``. That header is trusted only when ``IPS_TRUSTED_PROXY_COUNT`` says how many
proxies append to it: each appends the address it received the request from, so the entry that
many places from the right is the address the outermost trusted proxy saw. Anything further left
was written by the client and is ignored. With 0 (the default) the header is ignored entirely.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's IP address: ``REMOTE_ADDR``, or the trusted entry of ``X-Forwarded-For``."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.IPS_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # The request did not pass through every proxy: none of the entries can be trusted.
        return remote
    return _valid(forwarded[-proxies]) or remote
