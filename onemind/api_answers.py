"""What every API answer shares, applied once to all operations of the API (`install`):

- a per-token rate limit, API_REQUESTS_PER_MINUTE per token in fixed one-minute windows
  counted in the shared cache (onemind.ratelimit's machinery; a request refused 401 or 403
  before its token was counted counts against its client address instead); answers say
  where the counter stands in the headers of draft-ietf-httpapi-ratelimit-headers in their
  three-field form: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds
  until the window ends); past the limit, 429 problem details with `Retry-After`. While the
  cache is down, requests are not counted and go on (the limit is a brake, never an outage);
- a strong ETag over the JSON body of every successful read, and 304 Not Modified, without
  a body, when `If-None-Match` names it;
(The schema documents the statuses these answer with: onemind.api_contract.)
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from agencies.audit import request_ip
from onemind.lib.problems import problem
from onemind.ratelimit import Allowance, client_key, count_request

WINDOW_SECONDS = 60
READS = ("GET", "HEAD")


# Rate limits.


def note_allowance(request: HttpRequest, allowance: Allowance) -> None:
    """Where the request's counter stands, for the headers of its answer."""
    request.rate_allowance = allowance


class TokenRateLimit(BaseThrottle):
    """API_REQUESTS_PER_MINUTE requests per API token. Runs after authentication (a request
    without a live token is answered 401 and not counted)."""

    def __init__(self) -> None:
        self._last = threading.local()  # ninja asks wait() right after allow_request()

    def allow_request(self, request: HttpRequest) -> bool:
        token_pk = getattr(getattr(request, "auth", None), "pk", None)
        if token_pk is None:
            return True
        allowance = count_request(
            "api",
            f"token:{token_pk}",
            limit=settings.API_REQUESTS_PER_MINUTE,
            per_seconds=WINDOW_SECONDS,
        )
        note_allowance(request, allowance)
        self._last.wait = allowance.wait
        return not allowance.wait

    def wait(self) -> float | None:
        return getattr(self._last, "wait", None) or None


def rate_limited(wait: int) -> HttpResponse:
    response = problem(
        429,
        f"Too many requests: wait {wait} seconds and try again.",
        retry_after=wait,
    )
    response["Retry-After"] = str(wait)
    return response


def _refusal_counted(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A request refused before its token was counted (none, a dead one, or one without the
    scope) counts against its client address, with the same limit: guessing is braked too."""
    allowance = count_request(
        "api",
        f"client:{client_key(request_ip.get())}",
        limit=settings.API_REQUESTS_PER_MINUTE,
        per_seconds=WINDOW_SECONDS,
    )
    note_allowance(request, allowance)
    return rate_limited(allowance.wait) if allowance.wait else response


def _rate_limit_headers(request: HttpRequest, response: HttpResponse) -> None:
    allowance: Allowance | None = getattr(request, "rate_allowance", None)
    if allowance is None:
        return
    response["RateLimit-Limit"] = str(allowance.limit)
    response["RateLimit-Remaining"] = str(allowance.remaining)
    response["RateLimit-Reset"] = str(allowance.reset)
    if response.status_code == 429:
        response["Retry-After"] = str(allowance.wait or allowance.reset)


# ETags.


def etag_of(content: bytes) -> str:
    """A strong validator: the same bytes, the same tag."""
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def _matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if request.method not in READS or response.status_code != 200 or response.streaming:
        return response
    etag = etag_of(response.content)
    if _matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    response["ETag"] = etag
    # What a token reads is its agency's: shared caches keep none of it, and a client's own
    # cache asks again each time (a 304 answers cheaply when nothing changed).
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Authorization"])
    return response


def api_answer(run: Callable) -> Callable:
    """Wraps an operation's whole run (authentication, throttling, the view, rendering and
    errors), so each answer, refusals included, gets its ETag and rate-limit headers."""

    @wraps(run)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = _conditional(request, run(request, *args, **kwargs))
        if response.status_code in (401, 403) and not hasattr(request, "rate_allowance"):
            response = _refusal_counted(request, response)
        _rate_limit_headers(request, response)
        return response

    return answer


def install(api: NinjaAPI) -> None:
    """Applies the above to every operation of `api`."""
    api.throttle = [TokenRateLimit()]
    api.add_decorator(api_answer, mode="view")
    api.add_exception_handler(Throttled, lambda request, error: rate_limited(error.wait or 1))
