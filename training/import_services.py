"""The import's steps as services: upload, preview (the dry run), confirm, run, cancel."""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from agencies.audit import record_event
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, User
from agencies.tenancy import agency_scope
from training.import_rows import synonyms_for
from training.imports import ImportPlan, apply_plan, plan_import
from training.models import (
    ImportBatch,
    ImportKind,
    ImportMapping,
    ImportState,
    ImportTouch,
    Person,
    TrainingRecord,
)
from training.tabular import Table, TableError, guess_mapping, read_table

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
# The largest roster is about 36,000 people; training exports run past 100,000 rows.
MAX_ROWS = 200_000
# Enough to fix a file by; the count of every error is kept beside them.
MAX_STORED_ERRORS = 5000


def import_upload(*, agency: Agency, actor: User, kind: str, filename: str, data: bytes):
    """Keep an uploaded file privately and propose its column mapping."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": "Choose a roster or a training-records import."})
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": f"The file is {len(data) / 1048576:.1f} MB; the limit is "
             f"{MAX_FILE_BYTES // 1048576} MB. Split it and upload each part."}
        )  # fmt: skip
    table = _read(data, filename)
    if not table.rows:
        raise ValidationError({"file": "The file has a header row but no data rows."})
    batch = ImportBatch(
        agency=agency,
        kind=kind,
        filename=filename[:255],
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


def _read(data: bytes, filename: str) -> Table:
    try:
        return read_table(data, filename, max_rows=MAX_ROWS)
    except TableError as error:
        raise ValidationError({"file": str(error)}) from error


def _proposed_mapping(agency: Agency, kind: str, headers: list[str]) -> dict[str, str]:
    """{field: header}: the agency's last mapping where its headers recur, else a guess."""
    with agency_scope(agency):
        remembered = ImportMapping.objects.filter(kind=kind).first()
    guessed = {f: headers[i] for f, i in guess_mapping(headers, synonyms_for(kind)).items()}
    if remembered is None:
        return guessed
    kept = {f: h for f, h in remembered.columns.items() if h in headers}
    return kept if kept else guessed


def _table_of(batch: ImportBatch) -> Table:
    with batch.file.open("rb") as stored:
        return _read(stored.read(), batch.filename)


def _plan(batch: ImportBatch, table: Table) -> ImportPlan:
    headers = table.headers
    mapping = {f: headers.index(h) for f, h in batch.mapping.items() if h in headers}
    return plan_import(
        agency=batch.agency,
        kind=batch.kind,
        table=table,
        mapping=mapping,
        today=batch.agency.today(),
        default_category=batch.preview.get("default_category", ""),
    )


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
    plan = _plan(batch, _table_of(batch))
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
    """Queue a checked import to run in the background; only an error-free one."""
    from training.tasks import run_import

    if batch.preview.get("counts", {}).get("errors"):
        raise ValidationError(
            "Fix the errors in the file and upload it again; nothing was imported."
        )
    with transaction.atomic():
        queued = ImportBatch.all_agencies.filter(pk=batch.pk, state=ImportState.PREVIEWED).update(
            state=ImportState.QUEUED, progress=0
        )
        if not queued:
            raise ValidationError("This import was already confirmed.")
        record_event(action="import.confirmed", actor=actor, agency=agency, obj=batch)
        transaction.on_commit(lambda: run_import.delay(batch.pk))
    batch.refresh_from_db()
    return batch


def import_cancel(*, agency: Agency, actor: User, batch: ImportBatch) -> None:
    """Drop an import that has not started; its file is deleted."""
    with transaction.atomic():
        cancelled = ImportBatch.all_agencies.filter(
            pk=batch.pk, state__in=[ImportState.UPLOADED, ImportState.PREVIEWED]
        ).update(state=ImportState.CANCELLED)
        if not cancelled:
            raise ValidationError("This import has already started or ended.")
        record_event(action="import.cancelled", actor=actor, agency=agency, obj=batch)
        transaction.on_commit(lambda: batch.file.delete(save=False))


# A large import changes the tables' shape at once; the planner must not wait for autovacuum
# to learn it (stale statistics made the roster page of a fresh 36,000-person agency slow).
REFRESH_STATISTICS_AFTER = 1000


def _refresh_statistics(kind: str) -> None:
    if connection.vendor != "postgresql":
        return
    tables = [Person._meta.db_table, ImportTouch._meta.db_table]
    if kind == ImportKind.TRAINING:
        tables.append(TrainingRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def import_progress(batch: ImportBatch) -> int:
    """Percent done: from the shared cache while running (the import's own transaction is
    not visible until it commits), from the batch otherwise."""
    if batch.state == ImportState.RUNNING:
        return cache.get(progress_key(batch.pk), 0)
    return 100 if batch.state == ImportState.DONE else batch.progress


def import_run(*, batch_id: int) -> None:
    """Run a queued import whole or not at all; a second worker finds it claimed."""
    claimed = ImportBatch.all_agencies.filter(pk=batch_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING
    )
    if not claimed:
        return
    batch = ImportBatch.all_agencies.select_related("agency", "uploaded_by").get(pk=batch_id)
    agency = batch.agency
    try:
        # Planned again: the roster may have changed since the preview.
        plan = _plan(batch, _table_of(batch))
        if plan.errors:
            raise ValidationError(
                f"{len(plan.errors)} problems appeared since the preview (someone changed the "
                "roster meanwhile); upload the file again to see them."
            )
        with transaction.atomic():
            counts = apply_plan(
                agency=agency,
                batch=batch,
                plan=plan,
                progress=lambda percent: cache.set(progress_key(batch.pk), percent, 3600),
            )
            record_event(
                action="import.committed",
                actor=batch.uploaded_by,
                agency=agency,
                obj=batch,
                values={"kind": batch.kind, "filename": batch.filename, **counts},
            )
            ImportBatch.all_agencies.filter(pk=batch.pk).update(
                state=ImportState.DONE, progress=100, result=counts, finished_at=timezone.now()
            )
            if counts["create"] or counts["update"]:
                announce_evidence_changed(agency)
        if counts["create"] + counts["update"] >= REFRESH_STATISTICS_AFTER:
            _refresh_statistics(batch.kind)
    except Exception as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else (
            "The import stopped on an unexpected error; nothing was imported. Program staff "
            "have been told."
        )  # fmt: skip
        if not isinstance(error, ValidationError):
            logger.exception("import %s failed", batch.pk)
        with transaction.atomic():
            ImportBatch.all_agencies.filter(pk=batch.pk).update(
                state=ImportState.FAILED, error=message, finished_at=timezone.now()
            )
            record_event(
                action="import.failed",
                actor=batch.uploaded_by,
                agency=agency,
                obj=batch,
                values={"reason": message},
            )
    finally:
        cache.delete(progress_key(batch.pk))
