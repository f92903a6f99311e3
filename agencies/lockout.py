"""Failed sign-in counting (CJIS Security Policy AC-7).

Counts live in the shared cache (Redis in production), so every web process sees the same
number; the lock itself is stored on the user, so it outlasts the cache until released.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"login-failures:{digest}"


def record_failure(email: str) -> int:
    """Count one failed sign-in for this address; returns the count inside the window.

    The window opens at the first failure and lasts LOGIN_FAILURE_WINDOW_SECONDS by the
    application's clock; the cache's own expiry only tidies up afterwards.
    """
    key, window = _key(email), settings.LOGIN_FAILURE_WINDOW_SECONDS
    now = time.time()
    cache.add(f"{key}:opened", now, timeout=window)
    if now - cache.get(f"{key}:opened", now) >= window:
        cache.set_many({f"{key}:opened": now, key: 0}, timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)  # atomic in Redis: concurrent failures are all counted
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def failure_count(email: str) -> int:
    key = _key(email)
    opened = cache.get(f"{key}:opened")
    if opened is None or time.time() - opened >= settings.LOGIN_FAILURE_WINDOW_SECONDS:
        return 0
    return cache.get(key, 0)


def clear_failures(email: str) -> None:
    key = _key(email)
    cache.delete_many([key, f"{key}:opened"])


def limit_reached(email: str) -> bool:
    return failure_count(email) >= settings.LOGIN_FAILURE_LIMIT
