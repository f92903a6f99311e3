"""Background work of the pledge engine: recomputing progress, lapsing overdue pledges."""

import logging
import time

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from agencies.models import Agency
from pledges import progress, services

log = logging.getLogger(__name__)

COALESCE_SECONDS = 60
RECOMPUTE_DELAY_SECONDS = 2
# One dispatcher run stops taking new batches after this long, so other work gets the
# worker too; the next run (a minute later) goes on where it stopped.
DISPATCH_SECONDS = 240


def _pending_key(agency_id: int) -> str:
    return f"pledges:recompute-pending:{agency_id}"


def schedule_recompute(agency_id: int) -> None:
    """Queue one recompute of the agency; changes arriving before it runs ride along.

    Called after the change commits. If the broker is down the change is not lost: the
    nightly recompute sweeps every agency from the database.
    """
    try:
        if not cache.add(_pending_key(agency_id), 1, COALESCE_SECONDS):
            return  # a recompute is already queued and will see this change
        try:
            recompute_agency.apply_async((agency_id,), countdown=RECOMPUTE_DELAY_SECONDS)
        except Exception:
            cache.delete(_pending_key(agency_id))
            raise
    except Exception:  # cache or broker unreachable: the change stands; the nightly run sweeps
        log.exception("Could not queue the progress recompute of agency %s", agency_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recompute_agency(agency_id: int) -> int:
    """Recompute one agency's snapshot for today; running it twice writes the same row."""
    cache.delete(_pending_key(agency_id))  # changes from now on queue a fresh run
    return progress.recompute([agency_id])


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def recompute_all_agencies() -> int:
    """Nightly: days pass, certifications expire, target dates near."""
    return progress.recompute(list(Agency.objects.order_by("pk").values_list("pk", flat=True)))


@shared_task
def lapse_overdue_pledges() -> int:
    return services.lapse_overdue_pledges(timezone.localdate())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def render_certificate_pdf(certificate_id: int) -> str:
    """Render and store a certificate's PDF once; running again keeps the stored file, or
    renders it anew if the file went missing from storage."""
    from django.core.files.base import ContentFile

    from pledges.models import Certificate
    from pledges.pdfs import certificate_pdf

    certificate = Certificate.all_agencies.select_related("agency").get(pk=certificate_id)
    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        certificate.pdf.save(
            f"{certificate.number}.pdf", ContentFile(certificate_pdf(certificate)), save=False
        )
        # Only the file's name: a revocation made while rendering must stand.
        Certificate.all_agencies.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate.pdf.name


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def queue_scheduled_emails() -> int:
    """Daily: progress reports, reminders and the staff digest that are due, to the outbox."""
    from pledges import notices

    return notices.queue_scheduled_emails()


DISPATCH_LOCK = "pledges:outbox-dispatching"


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def dispatch_outbox() -> int:
    """Every minute, and soon after an event writes to the outbox: send what is due.

    Two at once would still send each email once (`pledges.outbox`); the lock only keeps a
    second one from taking a worker while the first is busy. A run stops taking batches
    after DISPATCH_SECONDS, and the next one goes on where it stopped.
    """
    from pledges import outbox

    try:
        if not cache.add(DISPATCH_LOCK, 1, DISPATCH_SECONDS + 60):
            return 0
    except Exception:  # cache unreachable: dispatch anyway, it is safe
        log.warning("Dispatching the outbox without its lock: the cache is unreachable")
    sent, started = 0, time.monotonic()
    try:
        while time.monotonic() - started < DISPATCH_SECONDS:
            result = outbox.dispatch()
            sent += result.sent
            if result.looked_at < outbox.BATCH_SIZE or result.server_unavailable:
                break
    finally:
        try:
            cache.delete(DISPATCH_LOCK)
        except Exception:
            log.warning("Could not release the outbox dispatcher's lock; it expires by itself")
    return sent
