"""Roster and training imports, set-wise: one read of what exists, one plan, bulk writes.

`plan_import` reads the file against the agency's current data and says what would be
created, updated or left unchanged, with every row's problems (the dry run). `apply_plan`
writes a plan in bulk; the caller holds the transaction, so an import lands whole or not
at all. Running the same file twice finds nothing to change the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from agencies.models import Agency
from agencies.tenancy import agency_scope
from training.bulk import insert_rows
from training.imports.reading import Table
from training.imports.rows import ParsedRow, RowError, columns_for, mapping_problems, parse_row
from training.models import (
    Course,
    CourseStatus,
    ImportBatch,
    ImportKind,
    ImportTouch,
    Person,
    Position,
    Source,
    Status,
    TrainingRecord,
)

BATCH_SIZE = 2000
PERSON_DEFAULTS = {"first_name": "", "email": "", "rank": "", "position": Position.OTHER,
                   "selected": False, "status": Status.ACTIVE}  # fmt: skip


@dataclass
class ImportPlan:
    kind: str
    create: list[dict] = field(default_factory=list)
    update: list[tuple[int, dict]] = field(default_factory=list)  # (pk, changed values)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "create": len(self.create),
            "update": len(self.update),
            "unchanged": self.unchanged,
            "errors": len(self.errors),
            "rows_with_errors": len({e.row for e in self.errors}),
        }


def plan_import(
    *,
    agency: Agency,
    kind: str,
    table: Table,
    mapping: dict[str, int],
    today: date,
    default_category: str = "",
) -> ImportPlan:
    """The dry run: what the file would change, and every problem with row and column."""
    plan = ImportPlan(kind)
    if problems := mapping_problems(kind, mapping):
        plan.errors = [RowError(1, "Columns", problem) for problem in problems]
        return plan
    rows = []
    for row in table.rows:
        parsed, errors = parse_row(kind, row.number, row.cells, mapping, today)
        plan.errors += errors
        rows.append(parsed)
    # Rows with a bad cell are reported once, for that cell, and planned no further.
    bad = {error.row for error in plan.errors}
    with agency_scope(agency):
        if kind == ImportKind.ROSTER:
            _plan_roster(plan, rows, default_category, bad)
        else:
            _plan_training(plan, rows, agency, bad)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


def _duplicates(rows: list[ParsedRow], key: Callable[[ParsedRow], object]) -> set:
    counts = Counter(key(row) for row in rows)
    return {k for k, n in counts.items() if n > 1}


def _plan_roster(
    plan: ImportPlan, rows: list[ParsedRow], default_category: str, bad: set[int]
) -> None:
    ids = _duplicates(rows, lambda r: r.values.get("employee_id"))
    existing = {
        p["employee_id"]: p for p in Person.objects.values("pk", "employee_id", *_person_fields())
    }
    for row in rows:
        values = row.values
        employee_id = values.get("employee_id")
        if not employee_id:
            continue
        if employee_id in ids:
            plan.errors.append(
                RowError(row.number, "Employee ID", f"{employee_id} appears more than once")
            )
            continue
        if row.number in bad:
            continue
        current = existing.get(employee_id)
        if current is None:
            new = {**PERSON_DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
            new.setdefault("category", default_category or None)
            if not new["category"]:
                plan.errors.append(RowError(row.number, "Sworn or non-sworn",
                                            "is needed for someone new to the roster"))  # fmt: skip
                continue
            if not new.get("last_name"):
                plan.errors.append(RowError(row.number, "Last name", "is empty"))
                continue
            plan.create.append(new)
            continue
        changed = {
            k: v for k, v in values.items() if v is not None and k != "employee_id"
            and current.get(k) != v
        }  # fmt: skip
        if changed:
            plan.update.append((current["pk"], changed))
        else:
            plan.unchanged += 1


def _person_fields() -> list[str]:
    return [c.field for c in columns_for(ImportKind.ROSTER)
            if c.field not in {"employee_id", "full_name"}]  # fmt: skip


# What agencies' learning systems call the program's courses.
COURSE_ALIASES = {
    "cit": ["cit", "cit training", "crisis intervention team", "crisis intervention training"],
    "cit_equivalent": ["crit", "bja crit", "crisis response and intervention training"],
    "mhfa": ["mhfa", "mental health first aid", "mhfa for public safety", "mhfa public safety"],
}


def _course_lookup(agency: Agency) -> dict[str, Course]:
    """Course names an import may use: each course's name, and the catalogue's short names."""
    courses = Course.objects.available_to(agency).exclude(status=CourseStatus.REJECTED)
    lookup = {course.name.casefold(): course for course in courses}
    for course in courses:
        if course.agency_id is None and course.refresher_of_id is None:
            for alias in COURSE_ALIASES.get(course.kind, []):
                lookup.setdefault(alias, course)
    return lookup


def _plan_training(plan: ImportPlan, rows: list[ParsedRow], agency: Agency, bad: set[int]) -> None:
    courses = _course_lookup(agency)
    people = dict(Person.objects.values_list("employee_id", "pk"))
    known_names = ", ".join(sorted({c.name for c in courses.values()}))
    keyed = []
    for row in rows:
        values = row.values
        if row.number in bad or not {"employee_id", "course", "completed_on"} <= values.keys():
            continue
        person_id = people.get(values["employee_id"])
        course = courses.get(values["course"].casefold())
        if person_id is None:
            plan.errors.append(RowError(row.number, "Employee ID",
                               f"{values['employee_id']} is not on the roster"))  # fmt: skip
        if course is None:
            plan.errors.append(RowError(row.number, "Course",
                               f"“{values['course']}” is not a known course; known courses: "
                               f"{known_names}"))  # fmt: skip
        if person_id is None or course is None:
            continue
        keyed.append(((person_id, course.pk, values["completed_on"]), row, course))
    twice = _duplicates(
        [r for _, r, _ in keyed],
        lambda r: (
            r.values["employee_id"],
            r.values["course"].casefold(),
            r.values["completed_on"],
        ),
    )
    existing = {
        (r["person_id"], r["course_id"], r["completed_on"]): r
        for r in TrainingRecord.objects.filter(person_id__in={k[0] for k, _, _ in keyed}).values(
            "pk", "person_id", "course_id", "completed_on", "hours", "credential_number"
        )
    }
    for key, row, course in keyed:
        values = row.values
        if (values["employee_id"], values["course"].casefold(), values["completed_on"]) in twice:
            plan.errors.append(
                RowError(
                    row.number, "Course", "the same person, course and date appear more than once"
                )
            )
            continue
        hours = values.get("hours") if values.get("hours") is not None else course.hours
        credential = values.get("credential_number") or ""
        current = existing.get(key)
        if current is None:
            plan.create.append(
                {
                    "person_id": key[0],
                    "course_id": course.pk,
                    "completed_on": key[2],
                    **course.derived_dates(key[2]),
                    "hours": hours,
                    "credential_number": credential,
                }
            )
            continue
        changed = {}
        if values.get("hours") is not None and current["hours"] != hours:
            changed["hours"] = hours
        if credential and current["credential_number"] != credential:
            changed["credential_number"] = credential
        if changed:
            plan.update.append((current["pk"], changed))
        else:
            plan.unchanged += 1


def apply_plan(
    *,
    agency: Agency,
    batch: ImportBatch,
    plan: ImportPlan,
    progress: Callable[[int], None] = lambda percent: None,
) -> dict[str, int]:
    """Write a plan without errors in bulk; call inside the import's transaction."""
    assert not plan.errors, "a plan with errors is never applied"
    with agency_scope(agency):
        if plan.kind == ImportKind.ROSTER:
            touched = _apply_roster(agency, batch, plan, progress)
        else:
            touched = _apply_training(agency, batch, plan, progress)
        insert_rows(ImportTouch, [
            {"agency_id": agency.pk, "batch_id": batch.pk, "person_id": pk, "action": action}
            for pk, action in touched.items()
        ])  # fmt: skip
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
        insert_rows(
            Person, [{"agency_id": agency.pk, "status_changed_on": today, **v} for v in chunk]
        )
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
    created_ids = [values["employee_id"] for values in plan.create]
    touched = {pk: "updated" for pk, _ in plan.update}
    for chunk in _chunks(created_ids):
        for pk in Person.objects.filter(employee_id__in=chunk).values_list("pk", flat=True):
            touched[pk] = "created"
    return touched


def _apply_training(agency, batch, plan, progress) -> dict[int, str]:
    total = max(len(plan.create) + len(plan.update), 1)
    done = 0
    for chunk in _chunks(plan.create):
        insert_rows(TrainingRecord, [
            {"agency_id": agency.pk, "source": Source.IMPORTED,
             "entered_by_id": batch.uploaded_by_id, "import_batch_id": batch.pk, **values}
            for values in chunk
        ])  # fmt: skip
        done += len(chunk)
        progress(int(90 * done / total))
    updates = dict(plan.update)
    records = list(TrainingRecord.objects.filter(pk__in=updates))
    for record in records:
        for name, value in updates[record.pk].items():
            setattr(record, name, value)
    for chunk in _chunks(records, 500):
        TrainingRecord.objects.bulk_update(chunk, ["hours", "credential_number"])
        done += len(chunk)
        progress(int(90 * done / total))
    touched = {values["person_id"]: "records added" for values in plan.create}
    for record in records:
        touched.setdefault(record.person_id, "records updated")
    return touched
