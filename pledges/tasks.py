"""Background work of the pledges app: recomputing progress, lapsing overdue pledges,
rendering certificates and the reports asked for on a page, queueing the scheduled emails."""

import logging
import zoneinfo
from datetime import UTC, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone

from agencies.models import Agency, Region
from onemind.enqueue import enqueue
from onemind.lib.pdfs import render_pdf
from pledges import services
from pledges.certification.pdf import certificate_pdf
from pledges.emails import notices
from pledges.engine import progress
from pledges.models import Certificate
from pledges.program.queries import program_figures
from pledges.regions.queries import region_report
from pledges.regions.report import region_report_pdf
from pledges.report import progress_report, progress_report_pdf

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
    certificate = Certificate.all_agencies.select_related("agency").get(pk=certificate_id)
    if not certificate_pdf_ready(certificate):
        certificate.pdf.save(
            f"{certificate.number}.pdf", ContentFile(certificate_pdf(certificate)), save=False
        )
        # Only the file's name: a revocation made while rendering must stand.
        Certificate.all_agencies.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate.pdf.name


def certificate_pdf_ready(certificate: Certificate) -> bool:
    """Whether the certificate's PDF is stored, ready to serve."""
    return bool(certificate.pdf) and certificate.pdf.storage.exists(certificate.pdf.name)


def _ask_once_a_minute(task, *args) -> None:
    """A page asked for a PDF not rendered yet: the worker renders it, asked at most once a
    minute however often the page is reloaded."""
    key = ":".join(["pledges:render-asked", task.name, *map(str, args)])
    try:
        if not cache.add(key, 1, 60):
            return
    except Exception:  # cache unreachable: ask anyway; a render keeps a stored file
        log.exception("Could not record the render asked by %s", key)
    enqueue(task, *args)


def ask_for_certificate_pdf(certificate_id: int) -> None:
    """The certificate's PDF is not stored (not rendered yet, or its file went missing)."""
    _ask_once_a_minute(render_certificate_pdf, certificate_id)


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
    return notices.queue_scheduled_emails()


# Reports on demand (the program's, an agency's progress report): their figures move with
# recomputes, so a stored report serves the hour it was rendered in, and the ones before it are
# removed when the next is stored.
PROGRAM_REPORTS = "program-reports"


def _hourly(folder: str, prefix: str, at: datetime) -> str:
    return f"{folder}/{prefix}-{at.astimezone(UTC):%Y-%m-%dT%H}.pdf"


def _stored(name: str) -> str | None:
    return name if default_storage.exists(name) else None


def _store_replacing_earlier(folder: str, name: str, render) -> str:
    """Store the PDF `render()` makes under `name` once; remove the folder's earlier ones."""
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(render()))
    _, stored = default_storage.listdir(folder)
    for earlier in stored:
        if f"{folder}/{earlier}" < name:
            default_storage.delete(f"{folder}/{earlier}")
    return name


def program_report_name(at: datetime) -> str:
    return _hourly(PROGRAM_REPORTS, "one-mind-program-report", at)


def stored_program_report(at: datetime) -> str | None:
    """The stored program report of the hour of `at`, if rendered."""
    return _stored(program_report_name(at))


def ask_for_program_report(at: datetime) -> None:
    _ask_once_a_minute(render_program_report, at.isoformat())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_program_report(at_iso: str) -> str:
    """Render and store the program report of an hour once."""
    at = datetime.fromisoformat(at_iso)

    def render() -> bytes:
        figures = program_figures(timezone.localdate(at))
        return render_pdf("pledges/program_report_pdf.html", {"figures": figures})

    return _store_replacing_earlier(PROGRAM_REPORTS, program_report_name(at), render)


def _progress_reports(agency: Agency) -> str:
    return f"progress-reports/{agency.public_id}"


def progress_report_name(agency: Agency, at: datetime) -> str:
    return _hourly(_progress_reports(agency), "one-mind-progress-report", at)


def stored_progress_report(agency: Agency, at: datetime) -> str | None:
    """The agency's stored progress report of the hour of `at`, if rendered."""
    return _stored(progress_report_name(agency, at))


def ask_for_progress_report(agency: Agency, at: datetime) -> None:
    _ask_once_a_minute(render_progress_report, agency.pk, at.isoformat())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_progress_report(agency_id: int, at_iso: str) -> str:
    """Render and store an agency's progress report of an hour once (the largest agency's
    takes about ten seconds: never while a page waits)."""
    agency = Agency.objects.get(pk=agency_id)
    at = datetime.fromisoformat(at_iso)
    on = timezone.localdate(at, timezone=zoneinfo.ZoneInfo(agency.time_zone))

    def render() -> bytes:
        return progress_report_pdf(progress_report(agency, on))

    return _store_replacing_earlier(
        _progress_reports(agency), progress_report_name(agency, at), render
    )


def _region_reports(region: Region) -> str:
    return f"region-reports/{region.public_id}"


def region_report_name(region: Region, at: datetime) -> str:
    return _hourly(_region_reports(region), "one-mind-region-report", at)


def stored_region_report(region: Region, at: datetime) -> str | None:
    """The region's stored report of the hour of `at`, if rendered."""
    return _stored(region_report_name(region, at))


def ask_for_region_report(region: Region, at: datetime) -> None:
    _ask_once_a_minute(render_region_report, region.pk, at.isoformat())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_region_report(region_id: int, at_iso: str) -> str:
    """Render and store a region's report of an hour once: its member agencies' standing,
    with no one's name."""
    region = Region.objects.get(pk=region_id)
    at = datetime.fromisoformat(at_iso)
    on = timezone.localdate(at, timezone=zoneinfo.ZoneInfo(settings.PROGRAM_TIME_ZONE))

    def render() -> bytes:
        return region_report_pdf(region_report(region, on))

    return _store_replacing_earlier(_region_reports(region), region_report_name(region, at), render)
