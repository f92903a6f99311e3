"""Failed sign-in counting (CJIS Security Policy AC-7).

Counts live in the shared cache (Redis in production), so every web process sees the same
number; the lock itself is stored on the user, so it outlasts the cache until released.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"login-failures:{digest}"


def record_failure(email: str) -> int:
    """Count one failed sign-in for this address; returns the count inside the window."""
    key = _key(email)
    # add() starts the window only if none is running; incr() is atomic in Redis.
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


def failure_count(email: str) -> int:
    return cache.get(_key(email), 0)


def clear_failures(email: str) -> None:
    cache.delete(_key(email))


def limit_reached(email: str) -> bool:
    return failure_count(email) >= settings.LOGIN_FAILURE_LIMIT
