"""How often one client may ask for a page: requests counted per client and time window in
the shared cache. The client is the address RequestContextMiddleware worked out for the
request (behind a proxy, the hop TRUSTED_PROXY_COUNT says to trust, not the proxy's own)."""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agencies.audit import request_ip

log = logging.getLogger(__name__)

# An IPv6 client usually holds a whole /64: counting single addresses would not limit it.
IPV6_PREFIX = 64


def client_key(ip: str | None) -> str:
    """The client's address as counted: an IPv6 address by its /64."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:a.b.c.d is an IPv4 client
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


@dataclass(frozen=True)
class Allowance:
    """Where one counter stands after counting a request: the limit, how many requests are
    left in the window, the seconds until the window ends, and how long to wait (0 while
    within the limit)."""

    limit: int
    remaining: int
    reset: int
    wait: int


def count_request(scope: str, who: str, *, limit: int, per_seconds: int) -> Allowance:
    """Count one request of `who` against `limit` per `per_seconds`. Windows are fixed (one
    counter per `who` and window, one cache round trip or two). An unreachable cache lets
    the request through, logged, as if it were the window's first: the limit is a brake,
    never an outage."""
    now = time.time()
    window = int(now // per_seconds)
    reset = max(1, math.ceil((window + 1) * per_seconds - now))
    key = f"ratelimit:{scope}:{who}:{window}"
    try:
        if cache.add(key, 1, per_seconds * 2):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between the two calls: this is the first again
                cache.set(key, 1, per_seconds * 2)
                count = 1
    except Exception:
        log.exception("The cache is unreachable: %s is not rate-limited for now", scope)
        count = 1
    if not isinstance(count, int):
        count = 1
    if count == limit + 1:
        log.warning("%s passed %d %s requests in %d s", who, limit, scope, per_seconds)
    return Allowance(
        limit=limit,
        remaining=max(0, limit - count),
        reset=reset,
        wait=reset if count > limit else 0,
    )


def seconds_until_allowed(scope: str, *, limit: int, per_seconds: int) -> int:
    """Count one request of the current client against `limit` per `per_seconds`: 0 while
    it is within the limit, else the seconds until its count starts again."""
    client = client_key(request_ip.get())
    return count_request(scope, client, limit=limit, per_seconds=per_seconds).wait


def limited_per_client(scope: str, *, setting: str, per_seconds: int = 60) -> Callable:
    """A view answered at most `settings.<setting>` times per client every `per_seconds`;
    past that, 429 Too Many Requests with Retry-After and a page saying when to try again."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit = getattr(settings, setting)
            wait = seconds_until_allowed(scope, limit=limit, per_seconds=per_seconds)
            if wait:
                response = render(request, "429.html", {"retry_after": wait}, status=429)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
