"""Writing a checked plan: bulk inserts and updates, inside the caller's transaction.

Only the rows the plan keeps are written (the rows it skips are listed on the import's
page); what each person was touched by is kept as `ImportTouch` rows for the audit.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from agencies.models import Agency
from agencies.tenancy import agency_scope
from onemind.lib.bulk import insert_rows
from training.imports.planning import PlannedWrites
from training.models import ImportBatch, ImportKind, ImportTouch, Person, Source, TrainingRecord

BATCH_SIZE = 2000


def apply_plan(
    *,
    agency: Agency,
    batch: ImportBatch,
    plan: PlannedWrites,
    progress: Callable[[int], None] = lambda percent: None,
) -> dict[str, int]:
    """Write the rows a plan keeps, in bulk; call inside the import's transaction."""
    with agency_scope(agency):
        if plan.kind == ImportKind.ROSTER:
            touched = _apply_roster(agency, batch, plan, progress)
        else:
            touched = _apply_training(agency, batch, plan, progress)
        insert_rows(
            ImportTouch,
            [{"person_id": pk, "action": action} for pk, action in touched.items()],
            shared={"agency_id": agency.pk, "batch_id": batch.pk},
        )
    progress(100)
    return plan.counts


def _chunks(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply_roster(agency, batch, plan, progress) -> dict[int, str]:
    today, now = agency.today(), timezone.now()
    total = max(len(plan.create) + len(plan.update), 1)
    done = 0
    for chunk in _chunks(plan.create):
        insert_rows(Person, chunk, shared={"agency_id": agency.pk})
        done += len(chunk)
        progress(int(90 * done / total))
    by_fields: dict[tuple, list[Person]] = {}
    for pk, changed in plan.update:
        person = Person(pk=pk, agency=agency, updated_at=now, **changed)
        if "status" in changed and "status_changed_on" not in changed:
            person.status_changed_on = today
        fields = tuple(
            sorted(
                {*changed, "updated_at"} | ({"status_changed_on"} if "status" in changed else set())
            )
        )
        by_fields.setdefault(fields, []).append(person)
    for fields, people in by_fields.items():
        for chunk in _chunks(people, 500):
            Person.objects.bulk_update(chunk, fields)
            done += len(chunk)
            progress(int(90 * done / total))
    created = {values["employee_id"] for values in plan.create}
    touched = {pk: "updated" for pk, _ in plan.update}
    # Many people new: one read of the roster costs less than naming each of them.
    people = Person.objects.values_list("employee_id", "pk")
    if len(created) <= BATCH_SIZE:
        people = people.filter(employee_id__in=created)
    for employee_id, pk in people:
        if employee_id in created:
            touched[pk] = "created"
    return touched


def _apply_training(agency, batch, plan, progress) -> dict[int, str]:
    total = max(len(plan.create) + len(plan.update), 1)
    done = 0
    for chunk in _chunks(plan.create):
        insert_rows(TrainingRecord, chunk, shared={
            "agency_id": agency.pk, "source": Source.IMPORTED,
            "entered_by_id": batch.uploaded_by_id, "import_batch_id": batch.pk,
        })  # fmt: skip
        done += len(chunk)
        progress(int(90 * done / total))
    updates = dict(plan.update)
    records = list(TrainingRecord.objects.filter(pk__in=updates))
    now = timezone.now()
    for record in records:
        for name, value in updates[record.pk].items():
            setattr(record, name, value)
        record.updated_at = now
    for chunk in _chunks(records, 500):
        TrainingRecord.objects.bulk_update(chunk, ["hours", "credential_number", "updated_at"])
        done += len(chunk)
        progress(int(90 * done / total))
    touched = {values["person_id"]: "records added" for values in plan.create}
    for record in records:
        touched.setdefault(record.person_id, "records updated")
    return touched
