"""The import's steps as services: upload, columns, values (then the dry run), confirm,
retry, cancel. Running it is `training.imports.runs`."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import record_event
from agencies.documents import display_name
from agencies.models import Agency, User
from agencies.tenancy import agency_scope
from agencies.validation import check_same_agency
from onemind.enqueue import enqueue_on_commit
from onemind.lib.tables import Table, guess_mapping
from training.imports import courses as course_matching
from training.imports import runs
from training.imports.effect import import_effect
from training.imports.kept_plans import drop_kept_plan, keep_plan, plan_inputs
from training.imports.rows import RowError, mapping_problems, synonyms_for
from training.imports.values_step import value_lines
from training.models import (
    CANCELLABLE_STATES,
    EDITABLE_STATES,
    RETRYABLE_STATES,
    Course,
    ImportBatch,
    ImportKind,
    ImportMapping,
    ImportState,
    Person,
)
from training.services import course_propose
from training.tasks import run_import

MAX_FILE_BYTES = 20 * 1024 * 1024
# Enough to fix a file by; the count of every error is kept beside them.
MAX_STORED_ERRORS = 5000
# The skipped rows' reasons, for the download that lists them with their cells.
MAX_STORED_SKIPPED_ROWS = 50_000


def import_upload(*, agency: Agency, actor: User, kind: str, filename: str, data: bytes):
    """Keep an uploaded file privately and propose its column mapping."""
    filename = display_name(filename)  # cleaned for display as every uploaded file's name is
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose a roster or a training-records import.")})
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("The file is %(size).1f MB; the limit is %(limit)d MB. Split it and "
                       "upload each part.")
             % {"size": len(data) / 1048576, "limit": MAX_FILE_BYTES // 1048576}}
        )  # fmt: skip
    table = runs.read_checked(data, filename, kind)
    if not table.rows:
        raise ValidationError({"file": _("The file has a header row but no data rows.")})
    mapping, remembered = _proposed_mapping(agency, kind, table.headers)
    batch = ImportBatch(
        agency=agency,
        kind=kind,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        mapping=mapping,
        preview={
            "headers": table.headers,
            "rows": len(table.rows),
            "header_row": table.header_row,
            "ended_after_row": table.ended_after_row,
            "columns_remembered": remembered,
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


def _remembered(agency: Agency, kind: str) -> ImportMapping | None:
    with agency_scope(agency):
        return ImportMapping.objects.filter(kind=kind).first()


def _proposed_mapping(agency: Agency, kind: str, headers: list[str]) -> tuple[dict, bool]:
    """{field: header}: the agency's last mapping where its headers recur, else a guess;
    and whether it was remembered."""
    remembered = _remembered(agency, kind)
    guessed = {f: headers[i] for f, i in guess_mapping(headers, synonyms_for(kind)).items()}
    kept = {f: h for f, h in remembered.columns.items() if h in headers} if remembered else {}
    return (kept, True) if kept else (guessed, False)


def _for_storage(items: list[RowError]) -> list[list]:
    return [[e.row, e.column, e.message] for e in items[:MAX_STORED_ERRORS]]


def _editable(agency: Agency, batch: ImportBatch) -> None:
    check_same_agency(agency, batch)
    if batch.state not in EDITABLE_STATES:
        raise ValidationError(
            _("This import is already %(state)s.") % {"state": batch.get_state_display().lower()}
        )


def import_columns(
    *,
    agency: Agency,
    actor: User,
    batch: ImportBatch,
    mapping: dict[str, str],
    table: Table | None = None,
) -> ImportBatch:
    """The columns step: keep the chosen columns (remembered for the agency's next file) and
    find each distinct value the values or courses step asks about. Nothing is imported.
    `table` is the file's table when the caller has read it already."""
    _editable(agency, batch)
    batch.mapping = {field: header for field, header in mapping.items() if header}
    table = runs.table_of(batch) if table is None else table
    indexes = runs.column_indexes(batch, table)
    if problems := mapping_problems(batch.kind, indexes):
        raise ValidationError(problems)
    remembered = _remembered(agency, batch.kind)
    with agency_scope(agency):
        known_ids = set(Person.objects.values_list("employee_id", flat=True))
    lines, more = value_lines(
        kind=batch.kind,
        table=table,
        mapping=indexes,
        remembered=remembered.values if remembered else {},
        known_ids=known_ids,
        courses=course_matching.usable_courses(agency) if batch.kind == ImportKind.TRAINING else [],
    )
    for name in ("counts", "errors", "notes", "sample", "effect"):
        batch.preview.pop(name, None)
    batch.preview.update(values=[line.as_json() for line in lines], values_more=more)
    batch.state = ImportState.UPLOADED
    with transaction.atomic():
        batch.save(update_fields=["mapping", "preview", "state"])
        with agency_scope(agency):
            ImportMapping.objects.update_or_create(
                agency=agency,
                kind=batch.kind,
                defaults={"columns": batch.mapping, "updated_at": timezone.now()},
            )
    if not lines:
        return import_values(agency=agency, actor=actor, batch=batch, meanings={}, table=table)
    return batch


def import_values(
    *,
    agency: Agency,
    actor: User,
    batch: ImportBatch,
    meanings: dict[int, str],
    allow_unchosen: bool = False,
    table: Table | None = None,
) -> ImportBatch:
    """The values (or courses) step, then the dry run: each distinct value's meaning as
    chosen (`meanings`: line number -> meaning), remembered for the agency's next file;
    a title chosen to be proposed as an equivalent course is proposed now. Nothing is
    imported: the preview says what the import would do. With `allow_unchosen`, a value
    nothing proposed a meaning for stays without one, and its rows are skipped."""
    _editable(agency, batch)
    lines = batch.preview.get("values", [])
    chosen: dict[str, dict[str, str]] = {}
    with transaction.atomic():
        for number, line in enumerate(lines):
            meaning = meanings.get(number, line["meaning"])
            if not meaning and allow_unchosen:
                continue
            if not meaning:
                raise ValidationError(
                    _("Choose what “%(value)s” means.") % {"value": line["shown"]}
                )
            if meaning in course_matching.PROPOSE:
                meaning = _proposed_course(agency, actor, batch, line, meaning)
            chosen.setdefault(line["field"], {})[line["key"]] = meaning
        batch.values = chosen
        with agency_scope(agency):
            memory, _created = ImportMapping.objects.get_or_create(agency=agency, kind=batch.kind)
            for field, values in chosen.items():
                memory.values[field] = {**memory.values.get(field, {}), **values}
            memory.updated_at = timezone.now()
            memory.save(update_fields=["values", "updated_at"])
        _preview(agency, batch, runs.table_of(batch) if table is None else table)
        batch.state = ImportState.PREVIEWED
        batch.save(update_fields=["values", "preview", "state", "kept_plan"])
        record_event(
            action="import.checked",
            actor=actor,
            agency=agency,
            obj=batch,
            values={"columns": batch.mapping, "values": chosen, **batch.preview["counts"]},
        )
    return batch


def import_check(
    *, agency: Agency, actor: User, batch: ImportBatch, mapping: dict[str, str] | None = None
) -> ImportBatch:
    """The columns and values steps at once, with what they propose (the agency's remembered
    choices, the built-in synonyms, the closest courses): for program staff importing an
    agency's files from the command line. Values nothing proposed are left unchosen, and
    their rows skipped with the reason. The file is read once for both steps."""
    table = runs.table_of(batch)
    batch = import_columns(
        agency=agency,
        actor=actor,
        batch=batch,
        mapping=batch.mapping if mapping is None else mapping,
        table=table,
    )
    if batch.state == ImportState.UPLOADED:
        batch = import_values(
            agency=agency, actor=actor, batch=batch, meanings={}, allow_unchosen=True, table=table
        )
    return batch


def _proposed_course(agency, actor, batch, line: dict, choice: str) -> str:
    """The agency's proposal of a course title as an equivalent (one already made is kept)."""
    kind = course_matching.PROPOSE[choice]
    with agency_scope(agency):
        existing = Course.objects.filter(agency=agency, name__iexact=line["shown"]).first()
    if existing is None:
        existing = course_propose(
            agency=agency,
            actor=actor,
            name=line["shown"],
            kind=kind,
            hours=course_matching.USUAL_HOURS[kind],
            description=_("Proposed from the import of %(file)s.") % {"file": batch.filename},
        )
    return str(existing.public_id)


def _preview(agency: Agency, batch: ImportBatch, table: Table) -> None:
    """The dry run's findings, kept on the batch for its page, and its plan for the run
    (planned from the file as uploaded: the run checks the stored file is still that)."""
    today = agency.today()
    inputs = plan_inputs(batch, file_sha256=batch.sha256)
    plan = runs.plan_of(batch, table)
    keep_plan(batch, inputs=inputs, writes=plan.writes())
    batch.preview.update(
        counts=plan.counts,
        errors=_for_storage(plan.errors),
        notes=_for_storage(plan.notes),
        skipped={
            row: "; ".join(why)
            for row, why in sorted(plan.skipped_rows.items())[:MAX_STORED_SKIPPED_ROWS]
        },
        sample=json.loads(json.dumps(plan.sample, cls=DjangoJSONEncoder)),
        effect=import_effect(agency, plan, today),
    )


def import_confirm(*, agency: Agency, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue a checked import to run in the background: the rows its preview keeps. It is
    recorded as queued, so the sweep runs it even if its message never reaches a worker."""
    check_same_agency(agency, batch)
    counts = batch.preview.get("counts", {})
    if "imported_rows" not in counts:
        raise ValidationError(
            _("This file was checked before the import gained its values step: choose its "
              "columns again to check it.")
        )  # fmt: skip
    if not counts["imported_rows"]:
        raise ValidationError(_("Nothing to import: every row of the file is skipped."))
    with transaction.atomic():
        queued = ImportBatch.all_agencies.filter(pk=batch.pk, state=ImportState.PREVIEWED).update(
            state=ImportState.QUEUED, progress=0, queued_at=timezone.now(), attempts=0
        )
        if not queued:
            raise ValidationError(_("This import was already confirmed."))
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
    check_same_agency(agency, batch)
    with transaction.atomic():
        retried = ImportBatch.all_agencies.filter(
            Q(state__in=RETRYABLE_STATES) | runs.stale(now), pk=batch.pk
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
    check_same_agency(agency, batch)
    with transaction.atomic():
        cancelled = ImportBatch.all_agencies.filter(
            Q(state__in=CANCELLABLE_STATES) | runs.stale(timezone.now()), pk=batch.pk
        ).update(state=ImportState.CANCELLED, run_token="")
        if not cancelled:
            raise ValidationError(_why_not(batch))
        record_event(action="import.cancelled", actor=actor, agency=agency, obj=batch)
        transaction.on_commit(lambda: _delete_files(batch))


def _delete_files(batch: ImportBatch) -> None:
    batch.file.delete(save=False)
    drop_kept_plan(batch)


def import_progress(batch: ImportBatch) -> int:
    """Percent done: from the shared cache while running (the import's own transaction is
    not visible until it commits), from the batch otherwise."""
    if batch.state == ImportState.RUNNING:
        return cache.get(runs.progress_key(batch.pk), 0)
    return 100 if batch.state == ImportState.DONE else batch.progress
