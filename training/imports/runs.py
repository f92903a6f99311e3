"""Running a confirmed import: whole or not at all, under a lease the sweep can see.

A run claims its import with a conditional UPDATE that writes a lease (`run_token`,
`heartbeat_at`). The import itself is one transaction, invisible to anyone else until it
commits, so a thread renews the lease on a connection of its own meanwhile. If the worker
dies (killed, out of memory), nothing was written and the lease goes stale: the sweep
(`training.tasks.sweep_imports`, every minute) marks the import interrupted and queues it to
run again from the start, up to IMPORT_MAX_ATTEMPTS runs, then marks it failed. It also
queues again an import whose message was lost (the broker was down when it was confirmed).
A run commits only while the lease is still its own, so a worker that was merely slow, and
was taken over, rolls back instead of importing the rows a second time.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.audit import record_event
from agencies.hooks import announce_evidence_changed
from agencies.webhooks.services import emit, event_id_for
from onemind.lib.tables import Table, TableError, read_table
from training.imports.kept_plans import drop_kept_plan, kept_writes, plan_inputs
from training.imports.planning import ImportPlan, PlannedWrites, plan_import
from training.imports.rows import synonyms_for
from training.imports.writing import apply_plan
from training.models import (
    WAITING_STATES,
    ImportBatch,
    ImportKind,
    ImportState,
    ImportTouch,
    Person,
    TrainingRecord,
)
from training.status import refresh_imported

logger = logging.getLogger(__name__)

# A queued import not started this long after it was queued may have lost its message: the
# sweep sends another (a second message for the same import does nothing).
REQUEUE_AFTER = timedelta(minutes=5)


def read_checked(data: bytes, filename: str, kind: str) -> Table:
    """The file's table, its header row found by the column names of this kind of import."""
    known = [name for names in synonyms_for(kind).values() for name in names]
    try:
        return read_table(data, filename, header_names=known)
    except TableError as error:
        raise ValidationError({"file": str(error)}) from error


def stored_file(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as stored:
        return stored.read()


def table_of(batch: ImportBatch, data: bytes | None = None) -> Table:
    """The import's table, from its stored file (or from `data`, its bytes read already)."""
    data = stored_file(batch) if data is None else data
    return read_checked(data, batch.filename, batch.kind)


def column_indexes(batch: ImportBatch, table: Table) -> dict[str, int]:
    headers = table.headers
    return {f: headers.index(h) for f, h in batch.mapping.items() if h in headers}


def plan_of(batch: ImportBatch, table: Table) -> ImportPlan:
    return plan_import(
        agency=batch.agency,
        kind=batch.kind,
        table=table,
        mapping=column_indexes(batch, table),
        today=batch.agency.today(),
        choices=batch.values,
    )


def lease() -> timedelta:
    return timedelta(seconds=settings.IMPORT_LEASE_SECONDS)


def stale(now: datetime) -> Q:
    """Running, but its worker has not renewed the lease in time: it is gone."""
    return Q(state=ImportState.RUNNING) & (Q(heartbeat_at__lt=now - lease()) | Q(heartbeat_at=None))


def progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


class _Heartbeat(threading.Thread):
    """Renews a run's lease every third of its length, on this thread's own connection:
    the import's transaction, on the worker's, shows nothing until it commits."""

    def __init__(self, batch_id: int, token: str) -> None:
        super().__init__(name=f"import-{batch_id}-heartbeat", daemon=True)
        self.batch_id, self.token = batch_id, token
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.IMPORT_LEASE_SECONDS / 3):
                try:
                    ImportBatch.all_agencies.filter(
                        pk=self.batch_id, run_token=self.token, state=ImportState.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # SQLite refuses a second writer while the import writes (and nobody
                    # can take the import over meanwhile either); a PostgreSQL blip passes.
                    logger.warning("Could not renew the lease of import %s", self.batch_id)
        finally:
            connection.close()


@contextmanager
def _lease_renewed(batch_id: int, token: str):
    heartbeat = _Heartbeat(batch_id, token)
    heartbeat.start()
    try:
        yield
    finally:
        # Only after the import's transaction has ended: a renewal waiting for the row's
        # lock would otherwise wait for us while we wait for it.
        heartbeat.stopped.set()
        heartbeat.join()


class LeaseLost(Exception):  # noqa: N818 - not an error of the import
    """Another run took this import over (or it was cancelled) while this one ran."""


def claim(batch_id: int) -> str | None:
    """Take the import for this run: waiting, or running under a stale lease (its worker
    died). A token when it is ours; None when it is done, cancelled, or running healthily."""
    now = timezone.now()
    token = secrets.token_hex(16)
    claimed = (
        ImportBatch.all_agencies.filter(Q(state__in=WAITING_STATES) | stale(now), pk=batch_id)
        .filter(attempts__lt=settings.IMPORT_MAX_ATTEMPTS)
        .update(
            state=ImportState.RUNNING,
            run_token=token,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            progress=0,
        )
    )
    return token if claimed else None


def import_run(*, batch_id: int) -> None:
    """Run a queued import whole or not at all; a second delivery finds it done, or running
    and does nothing, or running under a stale lease and takes it over from the start."""
    token = claim(batch_id)
    if token is None:
        return
    batch = ImportBatch.all_agencies.select_related("agency", "uploaded_by").get(pk=batch_id)
    try:
        with _lease_renewed(batch_id, token):
            _run(batch, token)
    except LeaseLost:
        logger.warning("Import %s was taken over while it ran; this run rolled back", batch_id)
    except Exception as error:
        _fail(batch, token, error)
    finally:
        cache.delete(progress_key(batch.pk))


def planned_writes(batch: ImportBatch) -> PlannedWrites:
    """What the run writes: the preview's plan while nothing it was planned from changed,
    else the file planned again (the roster may have changed since the preview)."""
    data = stored_file(batch)
    inputs = plan_inputs(batch, file_sha256=hashlib.sha256(data).hexdigest())
    if (kept := kept_writes(batch, inputs=inputs)) is not None:
        return kept
    plan = plan_of(batch, table_of(batch, data))
    new = plan.counts["rows_with_errors"] - batch.preview.get("counts", {}).get(
        "rows_with_errors", 0
    )
    if new > 0:
        raise ValidationError(
            ngettext(
                "%(count)d more row would be skipped than the preview showed (someone changed "
                "the roster meanwhile); upload the file again to see why.",
                "%(count)d more rows would be skipped than the preview showed (someone changed "
                "the roster meanwhile); upload the file again to see why.",
                new,
            )
            % {"count": new}
        )
    return plan.writes()


def _run(batch: ImportBatch, token: str) -> None:
    agency = batch.agency
    writes = planned_writes(batch)
    with transaction.atomic():
        counts = apply_plan(
            agency=agency,
            batch=batch,
            plan=writes,
            progress=lambda percent: cache.set(progress_key(batch.pk), percent, 3600),
        )
        refresh_imported(batch)
        finished = ImportBatch.all_agencies.filter(
            pk=batch.pk, run_token=token, state=ImportState.RUNNING
        ).update(state=ImportState.DONE, progress=100, result=counts, finished_at=timezone.now())
        if not finished:
            raise LeaseLost
        record_event(
            action="import.committed",
            actor=batch.uploaded_by,
            agency=agency,
            obj=batch,
            values={"kind": batch.kind, "filename": batch.filename, **counts},
        )
        _finished(batch, "done", counts=counts)
        if counts["create"] or counts["update"]:
            announce_evidence_changed(agency)
        transaction.on_commit(lambda: _drop_kept_plan(batch))
    if counts["create"] + counts["update"] >= REFRESH_STATISTICS_AFTER:
        _refresh_statistics(batch.kind)


def _drop_kept_plan(batch: ImportBatch) -> None:
    drop_kept_plan(batch)
    ImportBatch.all_agencies.filter(pk=batch.pk).update(kept_plan="")


def _fail(batch: ImportBatch, token: str, error: Exception) -> None:
    message = " ".join(error.messages) if isinstance(error, ValidationError) else (
        _(
            "The import stopped on an unexpected error; nothing was imported. Try it again; "
            "if it stops again, send the file to program staff."
        )
    )  # fmt: skip
    if not isinstance(error, ValidationError):
        logger.exception("import %s failed", batch.pk)
    with transaction.atomic():
        failed = ImportBatch.all_agencies.filter(
            pk=batch.pk, run_token=token, state=ImportState.RUNNING
        ).update(state=ImportState.FAILED, error=message, finished_at=timezone.now())
        if failed:
            record_event(
                action="import.failed",
                actor=batch.uploaded_by,
                agency=batch.agency,
                obj=batch,
                values={"reason": message},
            )
            _finished(batch, "failed", error=message)
    # Run again, it plans afresh: whatever failed may have come from the plan itself.
    _drop_kept_plan(batch)


def _finished(batch: ImportBatch, state: str, *, counts=None, error: str = "") -> None:
    """The import's webhook event, in the transaction that ends it (once per import)."""
    emit(
        batch.agency_id,
        "import.finished",
        {
            "import_id": str(batch.public_id),
            "kind": batch.kind,
            "filename": batch.filename,
            "state": state,
            "counts": counts or {},
            "error": str(error),
        },
        event_id=event_id_for("import.finished", batch.public_id),
    )


# A large import changes the tables' shape at once; the planner must not wait for autovacuum
# to learn it (stale statistics made the roster page of a fresh 36,000-person agency slow).
REFRESH_STATISTICS_AFTER = 1000


def _refresh_statistics(kind: str) -> None:
    if connection.vendor != "postgresql":
        return
    # The tables the import wrote: a training import leaves the roster as it was.
    written = TrainingRecord if kind == ImportKind.TRAINING else Person
    tables = [written._meta.db_table, ImportTouch._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def interrupted_message(attempts: int) -> str:
    return ngettext(
        "The import was interrupted %(attempts)d time before it could finish (its worker "
        "stopped); nothing was imported. Try again, or split the file into smaller ones.",
        "The import was interrupted %(attempts)d times before it could finish (its worker "
        "stopped); nothing was imported. Try again, or split the file into smaller ones.",
        attempts,
    ) % {"attempts": attempts}


def imports_to_requeue() -> list[int]:
    """The sweep: imports whose worker died are marked interrupted (or failed, once they
    used their attempts); returns those to queue again: just interrupted, or waiting for
    longer than REQUEUE_AFTER (their message may be lost)."""
    now = timezone.now()
    requeue = []
    for batch in ImportBatch.all_agencies.filter(stale(now)).select_related("agency"):
        out_of_attempts = batch.attempts >= settings.IMPORT_MAX_ATTEMPTS
        with transaction.atomic():
            changed = ImportBatch.all_agencies.filter(
                stale(now), pk=batch.pk, run_token=batch.run_token
            ).update(
                state=ImportState.FAILED if out_of_attempts else ImportState.INTERRUPTED,
                run_token="",
                queued_at=now,
                error=interrupted_message(batch.attempts) if out_of_attempts else "",
                finished_at=now if out_of_attempts else None,
            )
            if changed:
                record_event(
                    action="import.failed" if out_of_attempts else "import.interrupted",
                    agency=batch.agency,
                    obj=batch,
                    values={"attempts": batch.attempts},
                )
                if out_of_attempts:
                    _finished(batch, "failed", error=interrupted_message(batch.attempts))
        if changed and not out_of_attempts:
            requeue.append(batch.pk)
    # Imports confirmed before their time of queueing was recorded have none.
    waiting = ImportBatch.all_agencies.filter(
        Q(queued_at__lt=now - REQUEUE_AFTER) | Q(queued_at=None), state__in=WAITING_STATES
    ).exclude(pk__in=requeue)
    lost = list(waiting.values_list("pk", flat=True))
    # Sent again from now on: one more message per REQUEUE_AFTER at most, however long the
    # queue ahead of it.
    ImportBatch.all_agencies.filter(pk__in=lost).update(queued_at=now)
    return requeue + lost
