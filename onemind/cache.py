"""Values kept in the shared cache that the product can always work out again."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache

log = logging.getLogger(__name__)


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
