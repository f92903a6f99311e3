"""The preview's plan, kept for the confirmed run: planned once, written without reading,
checking and planning the file a second time, while nothing it was planned from changed.

A plan is kept in a private file beside the upload (compressed; a few MB for 100,000 rows),
so it survives between the preview's request and the run on another worker. With it is a
hash of what it was planned from: the file's bytes, the columns and values chosen, the
agency's day, and a digest of the agency's roster (and, for training records, of its
records and the courses it may use): each row's id, last write and key, in id order. The
run takes the plan only when that hash is still the same; otherwise it plans again, as it
always did.
The file is signed, so the run never unpickles anything the product did not write.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle  # noqa: S403 - only files this module wrote and signed are read back
import zlib

from django.core.files.base import ContentFile
from django.utils.crypto import constant_time_compare, salted_hmac

from agencies.tenancy import agency_scope
from training.imports import courses as course_matching
from training.imports.planning import PlannedWrites
from training.models import ImportBatch, ImportKind, Person, TrainingRecord

logger = logging.getLogger(__name__)

# Changed whenever planning or this file's layout changes: a plan kept by an earlier
# version of the code is planned again.
PLAN_FORMAT = 1
_FORMAT = f"plan-format-{PLAN_FORMAT}\n".encode()  # read before anything is unpickled
_SALT = "training.imports.kept_plans"
_SIGNATURE_BYTES = 32


def plan_inputs(batch: ImportBatch, *, file_sha256: str) -> str:
    """A hash of what a plan of this import depends on, as things stand now. Taken before
    planning: a change landing meanwhile makes the run plan again, never the reverse."""
    agency = batch.agency
    with agency_scope(agency):
        people = _rows_digest(Person.objects.values_list("pk", "updated_at", "employee_id"))
        inputs = [PLAN_FORMAT, batch.kind, file_sha256, batch.mapping, batch.values,
                  agency.today(), people]  # fmt: skip
        if batch.kind == ImportKind.TRAINING:
            inputs.append(
                _rows_digest(TrainingRecord.objects.values_list("pk", "updated_at", "person_id"))
            )
            inputs += [
                (c.pk, str(c.public_id), c.status, c.kind, str(c.hours), c.validity_months,
                 c.refresh_after_months)
                for c in course_matching.usable_courses(agency)
            ]  # fmt: skip
    text = json.dumps(inputs, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _rows_digest(rows) -> str:
    """A digest of every row's id, last write and key, in id order: a row added, removed or
    written again changes it, whatever the clocks of the hosts that wrote them said (the
    latest `updated_at` alone would miss a write stamped earlier than it)."""
    digest = hashlib.sha256()
    for row in rows.order_by("pk").iterator(chunk_size=10_000):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def keep_plan(batch: ImportBatch, *, inputs: str, writes: PlannedWrites) -> None:
    """Keep the preview's plan for the run, replacing one kept before (the caller saves the
    batch's `kept_plan`)."""
    drop_kept_plan(batch)
    kept = (inputs, writes.kind, writes.create, writes.update, writes.counts)
    blob = _FORMAT + zlib.compress(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL), 1)
    signed = _signature(batch, blob) + blob
    batch.kept_plan.save(f"{batch.public_id}.plan", ContentFile(signed), save=False)


def kept_writes(batch: ImportBatch, *, inputs: str) -> PlannedWrites | None:
    """The kept plan's writes when it was planned from `inputs` (what the plan depends on
    now); None when there is none, or anything it was planned from changed."""
    if not batch.kept_plan:
        return None
    try:
        with batch.kept_plan.open("rb") as stored:
            signed = stored.read()
    except OSError:
        logger.warning("The kept plan of import %s could not be read; planning again", batch.pk)
        return None
    signature, blob = signed[:_SIGNATURE_BYTES], signed[_SIGNATURE_BYTES:]
    if not constant_time_compare(signature, _signature(batch, blob)):
        logger.warning("The kept plan of import %s is not the one kept; planning again", batch.pk)
        return None
    if not blob.startswith(_FORMAT):  # kept by another version of the code
        return None
    try:
        kept = pickle.loads(zlib.decompress(blob[len(_FORMAT) :]))  # noqa: S301 - signed by this module, checked above
        planned_from, kind, create, update, counts = kept
    except Exception:  # written by this module, yet not read back: planned again
        logger.exception("The kept plan of import %s could not be read back", batch.pk)
        return None
    if planned_from != inputs or kind != batch.kind:
        return None
    return PlannedWrites(kind, create, update, counts)


def drop_kept_plan(batch: ImportBatch) -> None:
    """Delete the kept plan's file, if any (the caller saves the batch's `kept_plan`). A file
    that cannot be deleted is left behind, never taken again: its import's name for it is
    cleared, and a plan is only taken under that name."""
    if not batch.kept_plan:
        return
    try:
        batch.kept_plan.delete(save=False)
    except OSError:
        logger.warning("The kept plan of import %s could not be deleted", batch.pk)
        batch.kept_plan = ""


def _signature(batch: ImportBatch, blob: bytes) -> bytes:
    """Signed for this import only: another import's plan is not taken for it."""
    return salted_hmac(f"{_SALT}:{batch.pk}", blob, algorithm="sha256").digest()
