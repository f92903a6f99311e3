"""The shared cache: a Redis backend that an outage of Redis cannot break, and values kept
in the cache that the product can always work out again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Stands for "Redis did not answer" where None could be a real answer.
_UNREACHABLE = object()
# Monotonic, so a change of the wall clock cannot stretch a pause; tests move it.
clock = time.monotonic


class OutageTolerantRedisCache(RedisCache):
    """Django's Redis cache, except that while Redis cannot be reached it behaves as a cache
    that keeps nothing (Django's DummyCache): reads miss, writes are dropped, `add` succeeds.

    Everything read through the cache on a request can do without it (sessions are in the
    database alone): the staff standing and the dashboard's figures are
    computed, and allauth's throttling by client address lets the request through, while
    the lockout per address (agencies.lockout, in the database) still counts failures. An
    `add` that succeeds is what lets them through: answering False would make allauth's
    rate limiter and TOTP check refuse everybody.

    After a failure Redis is left alone for RETRY_SECONDS, so that a Redis that times out
    costs a request at most one timeout; the outage is logged when it starts, every
    LOG_SECONDS while it lasts, and when it ends. Each thread has its own instance (Django
    keeps one cache connection per thread), so this state needs no lock.
    """

    RETRY_SECONDS = 5.0
    LOG_SECONDS = 60.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._retry_at = 0.0
        self._logged_at: float | None = None  # None while Redis answers
        self.last_error: str = ""

    def _call(self, operation: Callable, *args):
        now = clock()
        if now < self._retry_at:
            return _UNREACHABLE
        try:
            result = operation(*args)
        except RedisError as error:
            self._retry_at = now + self.RETRY_SECONDS
            self.last_error = type(error).__name__
            if self._logged_at is None or now - self._logged_at >= self.LOG_SECONDS:
                self._logged_at = now
                log.warning(
                    "The cache (Redis) is unreachable (%s): pages go on without it; sessions "
                    "are read from the database and sign-in throttling by client address is "
                    "off (the lockout per address still applies)",
                    error,
                )
            return _UNREACHABLE
        if self._logged_at is not None:
            self._logged_at = None
            log.info("The cache (Redis) is reachable again")
        return result

    def _or(self, result, fallback):
        return fallback if result is _UNREACHABLE else result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(self._call(super().add, key, value, timeout, version), True)

    def get(self, key, default=None, version=None):
        return self._or(self._call(super().get, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(self._call(super().touch, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._or(self._call(super().delete, key, version), False)

    def get_many(self, keys, version=None):
        return self._or(self._call(super().get_many, keys, version), {})

    def has_key(self, key, version=None):
        return self._or(self._call(super().has_key, key, version), False)

    def incr(self, key, delta=1, version=None):
        result = self._call(super().incr, key, delta, version)
        if result is _UNREACHABLE:
            raise ValueError(f"Key '{key}' not found.")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(self._call(super().set_many, data, timeout, version), [])

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, keys, version)

    def clear(self):
        return self._or(self._call(super().clear), False)


def cached[T](key: str, compute: Callable[[], T], seconds: int) -> T:
    """`compute()`, kept under `key` for `seconds`. An unreachable cache is logged and the
    value computed directly: a cache outage slows pages down, it never breaks them."""
    try:
        found = cache.get(key)
    except Exception:
        log.exception("The cache is unreachable: computing %s directly", key)
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(key, found, seconds)
        except Exception:
            log.exception("Could not keep %s in the cache", key)
    return found


def forget(keys: list[str]) -> None:
    """The values under `keys` may have changed: the next read works them out again.

    Forgotten now and again on commit, so that a request that read the database before the
    change committed cannot keep the old value."""
    _forget(keys)
    transaction.on_commit(lambda: _forget(keys))


def _forget(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # the entries expire on their own
        log.exception("Could not forget %s", keys)
