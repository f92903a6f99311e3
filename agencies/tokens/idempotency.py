"""`Idempotency-Key` for the API's writes: a request sent again under the same key (a retry
after a lost reply, a double submit) gets the first answer back, status and body, and
writes nothing again; the same key with another request is refused.

The key is claimed by inserting its row at the start of the write's transaction: a second
request under the same key waits on the unique constraint until the first commits, then
finds its answer. A write that fails rolls its claim back, so the key may be used again
for the corrected request. Keys hold for IDEMPOTENCY_HOURS; the nightly housekeeping
removes older ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Agency
from agencies.tenancy import agency_scope
from agencies.tokens.models import IDEMPOTENCY_HOURS, IdempotencyKey

MAX_KEY_LENGTH = 255


class KeyReused(Exception):
    """The key was used for another request (another operation or body)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    replayed: bool = False


def fingerprint(payload: Any) -> str:
    """A digest of a request's body as parsed: the same JSON, however spaced, digests alike."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def answer_once(
    *,
    agency: Agency,
    key: str | None,
    operation: str,
    payload: Any,
    write: Callable[[], tuple[int, Any]],
) -> Answer:
    """Run `write` (which returns the status and a JSON-ready body) once per key; without a
    key, simply run it. Raises KeyReused when the key names another request."""
    if not key:
        return Answer(*write())
    digest = fingerprint(payload)
    with agency_scope(agency), transaction.atomic():
        cutoff = timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
        IdempotencyKey.objects.filter(key=key, created_at__lt=cutoff).delete()
        claim = IdempotencyKey(
            agency=agency, key=key, operation=operation, fingerprint=digest, status=0, body=""
        )
        try:
            with transaction.atomic():
                claim.save(force_insert=True)
        except IntegrityError:
            first = IdempotencyKey.objects.get(key=key)
            if (first.operation, first.fingerprint) != (operation, digest):
                raise KeyReused from None
            return Answer(first.status, json.loads(first.body), replayed=True)
        status, body = write()
        claim.status, claim.body = status, json.dumps(body)
        claim.save(update_fields=["status", "body"])
    return Answer(status, body)


def purge_old_keys() -> int:
    """Nightly: keys older than IDEMPOTENCY_HOURS no longer hold."""
    cutoff = timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
    deleted, _ = IdempotencyKey.all_agencies.filter(created_at__lt=cutoff).delete()
    return deleted
