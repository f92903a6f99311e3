"""The import's steps as services: upload, preview (the dry run), confirm, retry, cancel.
Running it is `training.imports.runs`."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import record_event
from agencies.documents import display_name
from agencies.models import Agency, User
from agencies.tenancy import agency_scope
from onemind.enqueue import enqueue_on_commit
from training.imports import runs as import_runs
from training.imports.planning import ImportPlan
from training.imports.reading import guess_mapping
from training.imports.rows import synonyms_for
from training.models import (
    CANCELLABLE_STATES,
    RETRYABLE_STATES,
    ImportBatch,
    ImportKind,
    ImportMapping,
    ImportState,
)
from training.tasks import run_import

MAX_FILE_BYTES = 20 * 1024 * 1024
# Enough to fix a file by; the count of every error is kept beside them.
MAX_STORED_ERRORS = 5000


def import_upload(*, agency: Agency, actor: User, kind: str, filename: str, data: bytes):
    """Keep an uploaded file privately and propose its column mapping."""
    filename = display_name(filename)  # cleaned for display as every uploaded file's name is
    if kind not in ImportKind.values:
        raise ValidationError({"kind": "Choose a roster or a training-records import."})
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": f"The file is {len(data) / 1048576:.1f} MB; the limit is "
             f"{MAX_FILE_BYTES // 1048576} MB. Split it and upload each part."}
        )  # fmt: skip
    table = import_runs.read_checked(data, filename)
    if not table.rows:
        raise ValidationError({"file": "The file has a header row but no data rows."})
    batch = ImportBatch(
        agency=agency,
        kind=kind,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        mapping=_proposed_mapping(agency, kind, table.headers),
        preview={
            "headers": table.headers,
            "rows": len(table.rows),
            "ended_after_row": table.ended_after_row,
        },
    )
    with transaction.atomic():
        batch.file.save(filename, ContentFile(data), save=False)
        batch.save()
        record_event(
            action="import.uploaded",
            actor=actor,
            agency=agency,
            obj=batch,
            values={"kind": kind, "filename": batch.filename, "rows": len(table.rows)},
        )
    return batch


def _proposed_mapping(agency: Agency, kind: str, headers: list[str]) -> dict[str, str]:
    """{field: header}: the agency's last mapping where its headers recur, else a guess."""
    with agency_scope(agency):
        remembered = ImportMapping.objects.filter(kind=kind).first()
    guessed = {f: headers[i] for f, i in guess_mapping(headers, synonyms_for(kind)).items()}
    if remembered is None:
        return guessed
    kept = {f: h for f, h in remembered.columns.items() if h in headers}
    return kept if kept else guessed


def _errors_for_storage(plan: ImportPlan) -> list[list]:
    return [[e.row, e.column, e.message] for e in plan.errors[:MAX_STORED_ERRORS]]


def import_preview(
    *,
    agency: Agency,
    actor: User,
    batch: ImportBatch,
    mapping: dict[str, str],
    default_category: str = "",
) -> ImportBatch:
    """The dry run with the chosen columns: counts and every row's problems; nothing saved."""
    if batch.state not in (ImportState.UPLOADED, ImportState.PREVIEWED):
        raise ValidationError(f"This import is already {batch.get_state_display().lower()}.")
    batch.mapping = {field: header for field, header in mapping.items() if header}
    batch.preview["default_category"] = default_category
    plan = import_runs.plan_of(batch, import_runs.table_of(batch))
    batch.preview.update(counts=plan.counts, errors=_errors_for_storage(plan))
    batch.state = ImportState.PREVIEWED
    with transaction.atomic():
        batch.save(update_fields=["mapping", "preview", "state"])
        with agency_scope(agency):
            ImportMapping.objects.update_or_create(
                agency=agency,
                kind=batch.kind,
                defaults={"columns": batch.mapping, "updated_at": timezone.now()},
            )
    return batch


def import_confirm(*, agency: Agency, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue a checked import to run in the background; only an error-free one. It is
    recorded as queued, so the sweep runs it even if its message never reaches a worker."""
    if batch.preview.get("counts", {}).get("errors"):
        raise ValidationError(
            "Fix the errors in the file and upload it again; nothing was imported."
        )
    with transaction.atomic():
        queued = ImportBatch.all_agencies.filter(pk=batch.pk, state=ImportState.PREVIEWED).update(
            state=ImportState.QUEUED, progress=0, queued_at=timezone.now(), attempts=0
        )
        if not queued:
            raise ValidationError("This import was already confirmed.")
        record_event(action="import.confirmed", actor=actor, agency=agency, obj=batch)
        enqueue_on_commit(run_import, batch.pk)
    batch.refresh_from_db()
    return batch


def _why_not(batch: ImportBatch) -> str:
    """Why an import cannot be run again or cancelled now, as it stands in the database."""
    batch.refresh_from_db()
    if batch.state == ImportState.RUNNING:
        return _(
            "This import is running now: wait for its result. It lands whole or not at all, "
            "so it cannot be stopped halfway."
        )
    if batch.state in (ImportState.UPLOADED, ImportState.PREVIEWED):
        return _("This import has not been confirmed yet.")
    return _("This import has already ended (%(state)s).") % {
        "state": batch.get_state_display().lower()
    }


def import_retry(*, agency: Agency, actor: User, batch: ImportBatch) -> ImportBatch:
    """Run an import again from the start: one waiting (its message may be lost), one
    interrupted, or one that failed. One running healthily is left to finish."""
    now = timezone.now()
    with transaction.atomic():
        retried = ImportBatch.all_agencies.filter(
            Q(state__in=RETRYABLE_STATES) | import_runs.stale(now), pk=batch.pk
        ).update(
            state=ImportState.QUEUED,
            queued_at=now,
            attempts=0,
            run_token="",
            progress=0,
            error="",
            finished_at=None,
        )
        if not retried:
            raise ValidationError(_why_not(batch))
        record_event(action="import.retried", actor=actor, agency=agency, obj=batch)
        enqueue_on_commit(run_import, batch.pk)
    batch.refresh_from_db()
    return batch


def import_cancel(*, agency: Agency, actor: User, batch: ImportBatch) -> None:
    """Drop an import that has not started, or whose run was interrupted; its file is
    deleted. One running healthily is left to finish."""
    with transaction.atomic():
        cancelled = ImportBatch.all_agencies.filter(
            Q(state__in=CANCELLABLE_STATES) | import_runs.stale(timezone.now()), pk=batch.pk
        ).update(state=ImportState.CANCELLED, run_token="")
        if not cancelled:
            raise ValidationError(_why_not(batch))
        record_event(action="import.cancelled", actor=actor, agency=agency, obj=batch)
        transaction.on_commit(lambda: batch.file.delete(save=False))


def import_progress(batch: ImportBatch) -> int:
    """Percent done: from the shared cache while running (the import's own transaction is
    not visible until it commits), from the batch otherwise."""
    if batch.state == ImportState.RUNNING:
        return cache.get(import_runs.progress_key(batch.pk), 0)
    return 100 if batch.state == ImportState.DONE else batch.progress
