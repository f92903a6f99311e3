"""Background work of the pledge engine: recomputing progress, lapsing overdue pledges,
rendering certificates, queueing the scheduled emails."""

import logging
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from agencies.models import Agency
from onemind.enqueue import enqueue
from pledges import progress, services
from pledges.models import Certificate

log = logging.getLogger(__name__)

COALESCE_SECONDS = 60
RECOMPUTE_DELAY_SECONDS = 2
# A certificate still without its PDF this long after it was issued lost its message (the
# broker was down when the approval committed): the sweep renders it.
CERTIFICATE_RENDER_GRACE = timedelta(minutes=2)
# One render asked for a certificate at a time: the sweep runs every minute, and a render
# waiting behind a long import must not be queued again and again.
CERTIFICATE_RENDER_AGAIN_AFTER = timedelta(minutes=15)


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
        if not enqueue(recompute_agency, agency_id, countdown=RECOMPUTE_DELAY_SECONDS):
            cache.delete(_pending_key(agency_id))
    except Exception:  # cache unreachable: the change stands; the nightly run sweeps
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
def sweep_certificate_pdfs() -> int:
    """Every minute: queue the render of each valid certificate still without its PDF (its
    message was lost, or its render failed every retry), once per quarter of an hour."""
    waiting = Certificate.all_agencies.filter(
        pdf="", revoked_at=None, created_at__lt=timezone.now() - CERTIFICATE_RENDER_GRACE
    ).values_list("pk", flat=True)
    queued, now = 0, timezone.now()
    again_after = CERTIFICATE_RENDER_AGAIN_AFTER.total_seconds()
    for pk in waiting:
        key = f"pledges:certificate-render-queued:{pk}"
        last = cache.get(key)
        if last is not None and now.timestamp() - last < again_after:
            continue
        if enqueue(render_certificate_pdf, pk):
            cache.set(key, now.timestamp(), int(again_after))
            queued += 1
    return queued


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def queue_scheduled_emails() -> int:
    """Daily: progress reports, reminders and the staff digest that are due, to the outbox."""
    from pledges import notices

    return notices.queue_scheduled_emails()
