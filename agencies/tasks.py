import logging

from celery import shared_task
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError

from agencies import documents, health, lockout
from agencies.models import Heartbeat
from agencies.outbox import sending
from agencies.tokens import idempotency

log = logging.getLogger(__name__)

# One dispatcher run stops taking new batches after this long, so other work gets the
# worker too; the next run (a minute later) goes on where it stopped.
DISPATCH_SECONDS = 240
DISPATCH_LOCK = "outbox:dispatching"


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def dispatch_outbox() -> int:
    """Every minute, and soon after an event writes to the outbox: send what is due.

    Two at once would still send each email once (`agencies.outbox`); the lock only keeps a
    second one from taking a worker while the first is busy. A run stops taking batches
    after DISPATCH_SECONDS, and the next one goes on where it stopped.
    """
    return _dispatching_alone(
        DISPATCH_LOCK, "the outbox", lambda: sending.dispatch_all(seconds=DISPATCH_SECONDS).sent
    )


def _dispatching_alone(lock: str, what: str, dispatch) -> int:
    """`dispatch()` unless another run holds `lock` (0 then); with the cache unreachable it
    runs anyway, which is safe: each row is claimed before it is sent."""
    try:
        if not cache.add(lock, 1, DISPATCH_SECONDS + 60):
            return 0
    except Exception:  # cache unreachable: dispatch anyway, it is safe
        log.warning("Dispatching %s without its lock: the cache is unreachable", what)
    try:
        return dispatch()
    finally:
        try:
            cache.delete(lock)
        except Exception:
            log.warning("Could not release the lock of %s's dispatcher; it expires by itself", what)


@shared_task
def purge_expired_sessions() -> None:
    """Nightly housekeeping: expired sessions, sign-in failures outside the window and API
    idempotency keys past their day."""
    call_command("clearsessions")
    lockout.purge_old_failures()
    idempotency.purge_old_keys()


@shared_task
def sweep_orphan_documents() -> int:
    """Nightly housekeeping: files whose document's transaction rolled back."""
    return documents.sweep_orphans()


@shared_task
def heartbeat() -> None:
    """Every minute from beat: a worker ran it, so a worker runs (see agencies.health)."""
    health.record_heartbeat(Heartbeat.Process.WORKER)


WEBHOOKS_LOCK = "webhooks:dispatching"


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def dispatch_webhooks() -> int:
    """Every minute, and soon after an event is written: send the webhook deliveries that
    are due. As for the outbox, two at once would still send each delivery once
    (`agencies.webhooks.delivery`); the lock only spares a worker."""
    from agencies.webhooks import delivery

    return _dispatching_alone(
        WEBHOOKS_LOCK, "webhooks", lambda: delivery.dispatch_all(seconds=DISPATCH_SECONDS).delivered
    )


@shared_task
def purge_webhook_deliveries() -> int:
    """Nightly housekeeping: deliveries finished more than 30 days ago leave the logs."""
    from agencies.webhooks import delivery

    return delivery.purge_old_deliveries()
