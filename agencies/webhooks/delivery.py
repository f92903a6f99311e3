"""The webhook dispatcher, on the email outbox's pattern (`agencies.outbox.sending`): each
due delivery claimed by one worker with a conditional UPDATE that counts an attempt, sent
while its row is locked, and marked delivered in that same transaction. A second worker's
claim matches nothing, or waits for the lock and then finds the row delivered; a worker
that dies leaves a claim whose lease runs out, and the row is claimed again.

A 2xx answer is delivered. Anything else (another status, a refused or timed-out
connection, an address no longer public) is retried after 1 and 5 minutes, then half an
hour, 2, 5 and 10 hours: eight attempts over about 28 hours, then failed, shown in the
endpoint's log with the last status or error, for the coordinator to send again.

An agency's deliveries (WebhookDelivery) and a region's (RegionWebhookDelivery) have the
same fields and are sent alike: each function takes the delivery model, the agency's by
default, and `dispatch` sends the due rows of both, oldest first.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from agencies.webhooks import network, signing
from agencies.webhooks.models import DeliveryStatus, RegionWebhookDelivery, WebhookDelivery

log = logging.getLogger(__name__)

BATCH_SIZE = 50
# Far longer than one attempt can take (3 s to connect, 10 s for each read).
LEASE = timedelta(minutes=5)
# The wait after each failed attempt; the attempt after the last one is the last.
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ERROR_LENGTH = 1000

DELIVERY_MODELS = (WebhookDelivery, RegionWebhookDelivery)


def _all(model):
    """The unscoped manager of a delivery (or endpoint) model, an agency's or a region's."""
    return model.all_agencies if hasattr(model, "all_agencies") else model.all_regions


def _shard_key(model) -> str:
    return "agency_id" if hasattr(model, "all_agencies") else "region_id"


def _claimable(now) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_until__lt=now
    )


def claim(pk: int, agency_id: int | None = None, *, model=WebhookDelivery) -> str | None:
    """Take one delivery for this worker: a token when it is ours, None when another
    worker has it or it is done. Counts an attempt."""
    now = timezone.now()
    token = secrets.token_hex(16)
    rows = _all(model).filter(_claimable(now), pk=pk, attempts__lt=MAX_ATTEMPTS)
    if agency_id is not None:  # the shard's key, for Citus (docs/scaling.md)
        rows = rows.filter(**{_shard_key(model): agency_id})
    taken = rows.update(
        status=DeliveryStatus.SENDING,
        claim_token=token,
        claimed_until=now + LEASE,
        attempts=F("attempts") + 1,
    )
    return token if taken else None


@dataclass
class DispatchResult:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    lost: int = 0
    looked_at: int = 0


def dispatch(*, limit: int = BATCH_SIZE) -> DispatchResult:
    """Send the deliveries that are due, oldest first."""
    result = DispatchResult()
    _give_up_on_exhausted()
    now = timezone.now()
    due = sorted(
        (
            (next_attempt_at, model, key, pk)
            for model in DELIVERY_MODELS
            for next_attempt_at, key, pk in _all(model)
            .filter(_claimable(now), attempts__lt=MAX_ATTEMPTS)
            .order_by("next_attempt_at", "pk")
            .values_list("next_attempt_at", _shard_key(model), "pk")[:limit]
        ),
        key=lambda row: (row[0], row[3]),
    )[:limit]
    result.looked_at = len(due)
    for _due, model, key, pk in due:
        token = claim(pk, key, model=model)
        if token is None:
            continue
        outcome = deliver(pk, token, model=model)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def dispatch_all(*, seconds: float | None = None) -> DispatchResult:
    """Batch after batch until nothing is due or (when given) `seconds` have passed."""
    totals, started = DispatchResult(), time.monotonic()
    while seconds is None or time.monotonic() - started < seconds:
        result = dispatch()
        for counted in ("delivered", "retrying", "failed", "lost", "looked_at"):
            setattr(totals, counted, getattr(totals, counted) + getattr(result, counted))
        if result.looked_at < BATCH_SIZE:
            break
    return totals


def body_of(delivery) -> bytes:
    return json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def deliver(pk: int, token: str, *, model=WebhookDelivery) -> str:
    """Send one claimed delivery: "delivered", "retrying", "failed" or "lost" (our claim
    was taken over)."""
    with transaction.atomic():
        row = (
            _all(model)
            .select_for_update()
            .filter(pk=pk, claim_token=token, status=DeliveryStatus.SENDING)
            .select_related("endpoint")
            .first()
        )
        if row is None:
            return "lost"
        now = timezone.now()
        body = body_of(row)
        headers = signing.headers(
            row.endpoint.signing_secrets(now), str(row.event_id), int(now.timestamp()), body
        )
        status, error = None, ""
        try:
            answer = network.post(network.destination(row.endpoint.url), body, headers)
            status = answer.status
        except network.UnsafeDestination as refusal:
            error = str(refusal)
        except Exception as failure:  # refused, timed out, TLS: the receiver's trouble
            error = f"{type(failure).__name__}: {failure}"
        if status is not None and 200 <= status < 300:
            _mine(row, token).update(
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                last_attempt_at=now,
                last_status_code=status,
                last_error="",
                claimed_until=None,
            )
            return "delivered"
        return _failed(row, token, now, status, error)


def _mine(row, token: str):
    return _all(type(row)).filter(pk=row.pk, claim_token=token, status=DeliveryStatus.SENDING)


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _failed(row, token: str, now, status: int | None, error: str) -> str:
    attempts = _all(type(row)).filter(pk=row.pk).values_list("attempts", flat=True)
    attempts = attempts.get()
    final = attempts >= MAX_ATTEMPTS
    if status is not None and not error:
        error = f"HTTP {status}"
    _mine(row, token).update(
        status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
        next_attempt_at=now + retry_delay(attempts),
        last_attempt_at=now,
        last_status_code=status,
        last_error=error[:ERROR_LENGTH],
        claimed_until=None,
    )
    return "failed" if final else "retrying"


def _give_up_on_exhausted() -> None:
    """A delivery whose every attempt ended with its worker gone is failed."""
    for model in DELIVERY_MODELS:
        _all(model).filter(_claimable(timezone.now()), attempts__gte=MAX_ATTEMPTS).update(
            status=DeliveryStatus.FAILED,
            claimed_until=None,
            last_error="The worker stopped while sending, on every attempt.",
        )


# How long a finished delivery stays in its endpoint's log.
KEPT_FOR = timedelta(days=30)
PURGE_BATCH = 5000


def purge_old_deliveries() -> int:
    """Nightly: deliveries delivered or failed more than KEPT_FOR ago, in batches (a busy
    agency's log does not become one long delete)."""
    since = timezone.now() - KEPT_FOR
    deleted = 0
    for model in DELIVERY_MODELS:
        old = _all(model).filter(
            status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], created_at__lt=since
        )
        while batch := list(old.values_list("pk", flat=True)[:PURGE_BATCH]):
            deleted += _all(model).filter(pk__in=batch).delete()[0]
    return deleted
