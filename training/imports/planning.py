"""The dry run: what a file would create, update, leave unchanged or skip, set-wise.

`plan_import` reads the file against the agency's current data in a fixed number of
queries, whatever its length, and says what would change, with every skipped row's reason
(a problem in the file, or a value the coordinator chose to skip). Rows that repeat one
another exactly are imported once, with a note; rows that repeat a key with different
values are one error naming them all. `training.imports.writing` writes the rows the plan
keeps; running the same file twice finds nothing to change the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from agencies.tenancy import agency_scope
from onemind.lib.tables import Table, cycle_collection_paused
from training.imports import courses as course_matching
from training.imports.rows import (
    Choices,
    ParsedRow,
    RowError,
    RowParser,
    columns_for,
    mapping_problems,
)
from training.imports.vocabularies import RANK_CATEGORY, SKIP, value_key
from training.models import Course, ImportKind, Person, Status, TrainingRecord

PERSON_DEFAULTS = {"first_name": "", "email": "", "rank": "", "position": "",
                   "selected": False, "status": Status.ACTIVE}  # fmt: skip
# A course title's key (`value_key`), worked out once per distinct title of a file.
TitleKeys = Callable[[str], str]
# The first rows a preview shows exactly as they will be stored.
SAMPLE_ROWS = 10
# A training file about more people than this is compared with all the agency's records:
# one query either way, and naming tens of thousands of people in it costs more than it saves.
FEW_PEOPLE = 1000


@dataclass(frozen=True)
class PlannedWrites:
    """What a confirmed run writes: the rows to create ({attname: value}, the values every
    row shares left to the writer), the changes to make ((pk, changed values)), and the
    plan's counts, which the run records as its result."""

    kind: str
    create: list[dict]
    update: list[tuple[int, dict]]
    counts: dict[str, int]


@dataclass
class ImportPlan:
    kind: str
    rows_read: int = 0
    create: list[dict] = field(default_factory=list)
    update: list[tuple[int, dict]] = field(default_factory=list)  # (pk, changed values)
    unchanged: int = 0
    # Problems in the file, and rows skipped by the coordinator's choice, with the reason.
    errors: list[RowError] = field(default_factory=list)
    skipped_rows: dict[int, list[str]] = field(default_factory=dict)  # row -> why
    not_for_the_pledge: int = 0  # training rows of courses chosen as not for the pledge
    notes: list[RowError] = field(default_factory=list)  # exact repeats imported once
    sample: list[dict] = field(default_factory=list)
    # The roster as this import leaves it: {employee_id: person values}, for the preview.
    people_after: dict[str, dict] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows_read,
            "create": len(self.create),
            "update": len(self.update),
            "unchanged": self.unchanged,
            "errors": len(self.errors),
            "rows_with_errors": len(self.skipped_rows),
            "not_for_the_pledge": self.not_for_the_pledge,
            "skipped": len(self.skipped_rows) + self.not_for_the_pledge,
            "imported_rows": self.rows_read - len(self.skipped_rows) - self.not_for_the_pledge,
            "repeats": len(self.notes),
        }

    def writes(self) -> PlannedWrites:
        return PlannedWrites(self.kind, self.create, self.update, self.counts)

    def skip(self, error: RowError, *rows: int) -> None:
        """Leave rows out (the error's own row by default), each with the reason."""
        self.errors.append(error)
        reason = f"{error.column}: {error.message}" if error.column else error.message
        for row in rows or (error.row,):
            self.skipped_rows.setdefault(row, []).append(reason)

    @property
    def sampling(self) -> bool:
        return len(self.sample) < SAMPLE_ROWS

    def keep_sample(self, row: int, action: str, values: dict) -> None:
        if self.sampling:
            self.sample.append({"row": row, "action": action, **values})


def plan_import(
    *,
    agency: Agency,
    kind: str,
    table: Table,
    mapping: dict[str, int],
    today: date,
    choices: Choices | None = None,
) -> ImportPlan:
    """The dry run: what the file would change, and every skipped row with its reason."""
    with cycle_collection_paused():
        return _planned(agency, kind, table, mapping, today, choices or {})


def _planned(
    agency: Agency, kind: str, table: Table, mapping: dict[str, int], today: date, choices: Choices
) -> ImportPlan:
    plan = ImportPlan(kind, rows_read=len(table.rows))
    if problems := mapping_problems(kind, mapping):
        plan.errors = [RowError(1, _("Columns"), problem) for problem in problems]
        plan.skipped_rows = {row.number: problems for row in table.rows}
        return plan
    parse = RowParser(kind, mapping, today, choices)
    parsed = [parse(row.number, row.cells) for row in table.rows]
    title_keys = cache(value_key)  # a file repeats a few dozen titles on every row
    rows = []
    for row, errors in _once(plan, parsed, title_keys):
        for error in errors:
            plan.skip(error)
        if row.skipped and not errors:
            plan.skip(RowError(row.number, "", row.skipped))
        if not errors and not row.skipped:
            rows.append(row)
    with agency_scope(agency):
        if kind == ImportKind.ROSTER:
            _plan_roster(plan, rows, choices, today)
        else:
            _plan_training(plan, rows, agency, choices, title_keys)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    plan.notes.sort(key=lambda e: e.row)
    return plan


def _key(kind: str, row: ParsedRow, title_keys: TitleKeys):
    """What one row is about: a person, or a person's course on a day; None when unknown."""
    values = row.values
    if kind == ImportKind.ROSTER:
        return values.get("employee_id")
    if "employee_id" in values and "course" in values and "completed_on" in values:
        return values["employee_id"], title_keys(values["course"]), values["completed_on"]
    return None


def _once(plan: ImportPlan, parsed: list[tuple[ParsedRow, list[RowError]]], title_keys: TitleKeys):
    """Each row with its problems, a repeated key once: exact repeats are read once, with a
    note naming them; repeats that differ are one error naming them all, and none of them
    is imported."""
    firsts: dict[object, tuple] = {}
    repeated: dict[object, list] = {}  # the rows of a key that recurs, the first among them
    for pair in parsed:
        row = pair[0]
        key = _key(plan.kind, row, title_keys)
        if key is None:
            key = ("row", row.number)
        if (earlier := firsts.setdefault(key, pair)) is not pair:
            repeated.setdefault(key, [earlier]).append(pair)
    kept = []
    for key, pair in firsts.items():
        first, first_errors = pair
        if group := repeated.get(key):
            others = group[1:]
            numbers = get_text_list([str(row.number) for row, _errors in group], _("and"))
            same = all(
                _comparable(row, title_keys) == _comparable(first, title_keys)
                and row.skipped == first.skipped
                and [e.message for e in errors] == [e.message for e in first_errors]
                for row, errors in others
            )  # fmt: skip
            if not same:
                plan.skip(
                    RowError(first.number, _what_column(plan.kind),
                             _("rows %(rows)s are for the same %(what)s with different values; "
                               "keep the right one, or fix them and upload again")
                             % {"rows": numbers, "what": _what(plan.kind)}),
                    *(row.number for row, _errors in group),
                )  # fmt: skip
                for _row, errors in group:
                    for error in errors:
                        plan.skip(error)
                continue
            plan.notes.append(
                RowError(first.number, "", _("rows %(rows)s are the same; read once")
                         % {"rows": numbers})
            )  # fmt: skip
        kept.append((first, first_errors))
    kept.sort(key=lambda pair: pair[0].number)
    return kept


def _comparable(row: ParsedRow, title_keys: TitleKeys) -> dict:
    """A row's values as a repeat is judged: course titles by their key ("CIT" is "cit")."""
    if "course" in row.values:
        return {**row.values, "course": title_keys(row.values["course"])}
    return row.values


def _what_column(kind: str) -> str:
    return _("Employee ID") if kind == ImportKind.ROSTER else _("Course")


def _what(kind: str) -> str:
    if kind == ImportKind.ROSTER:
        return _("employee ID")
    return _("person, course and date")


def _person_fields() -> list[str]:
    return [c.field for c in columns_for(ImportKind.ROSTER)
            if c.field not in {"employee_id", "full_name"}]  # fmt: skip


def _plan_roster(plan: ImportPlan, rows: list[ParsedRow], choices: Choices, today: date) -> None:
    fields = _person_fields()
    existing = {p["employee_id"]: p for p in Person.objects.values("pk", "employee_id", *fields)}
    from_title = choices.get(RANK_CATEGORY.field, {})
    for row in rows:
        values = {k: v for k, v in row.values.items() if v is not None}
        employee_id = values["employee_id"]
        current = existing.get(employee_id)
        if current is None:
            new = {**PERSON_DEFAULTS, "status_changed_on": today, **values}
            if not new.get("category"):
                meaning = from_title.get(value_key(new["rank"])) if new["rank"] else None
                if meaning == SKIP:
                    plan.skip(RowError(row.number, _("Rank or title"),
                                       _("skipped, as chosen for “%(value)s”")
                                       % {"value": new["rank"]}))  # fmt: skip
                    continue
                new["category"] = meaning
            if not new["category"]:
                plan.skip(RowError(row.number, _("Sworn or non-sworn"),
                                   _("is needed for someone new to the roster")))  # fmt: skip
                continue
            if not new.get("last_name"):
                plan.skip(RowError(row.number, _("Last name"), _("is empty")))
                continue
            plan.create.append(new)
            plan.keep_sample(row.number, "create", new)
            existing[employee_id] = new  # the roster as the import leaves it
            continue
        changed = {k: v for k, v in values.items() if k != "employee_id" and current.get(k) != v}
        if changed:
            plan.update.append((current["pk"], changed))
            plan.keep_sample(row.number, "update", {**current, **changed, "changed": [*changed]})
            current.update(changed)
        else:
            plan.unchanged += 1
    plan.people_after = existing


def _plan_training(
    plan: ImportPlan,
    rows: list[ParsedRow],
    agency: Agency,
    choices: Choices,
    title_keys: TitleKeys,
) -> None:
    courses = {str(c.public_id): c for c in course_matching.usable_courses(agency)}
    chosen = choices.get("course", {})
    people = {
        employee_id: (pk, f"{first} {last}".strip())
        for employee_id, pk, first, last in Person.objects.values_list(
            "employee_id", "pk", "first_name", "last_name"
        )
    }

    @cache
    def course_of(title: str) -> Course | str | None:
        """The course chosen for a title, NOT_FOR_THE_PLEDGE, or None if none was chosen."""
        choice = chosen.get(title_keys(title))
        if choice == course_matching.NOT_FOR_THE_PLEDGE:
            return course_matching.NOT_FOR_THE_PLEDGE
        return courses.get(choice or "")

    keyed: list[ParsedRow] = []
    first_of: dict[tuple, ParsedRow] = {}  # two titles of one course on one day
    for row in rows:
        values = row.values
        course = course_of(values["course"])
        if course is course_matching.NOT_FOR_THE_PLEDGE:
            plan.not_for_the_pledge += 1
            continue
        if course is None:
            plan.skip(RowError(row.number, _("Course"),
                               _("“%(course)s” is not matched to a course: choose one in the "
                                 "courses step") % {"course": values["course"]}))  # fmt: skip
            continue
        if values["employee_id"] not in people:
            plan.skip(RowError(row.number, _("Employee ID"),
                               _("%(id)s is not on the roster: import the roster first")
                               % {"id": values["employee_id"]}))  # fmt: skip
            continue
        key = (values["employee_id"], course.pk, values["completed_on"])
        if earlier := first_of.get(key):
            plan.skip(RowError(row.number, _("Course"),
                               _("row %(row)d already records this course on this day")
                               % {"row": earlier.number}))  # fmt: skip
            continue
        first_of[key] = row
        values["course"] = course
        keyed.append(row)
    rows = keyed
    records = TrainingRecord.objects.all()
    person_ids = {people[r.values["employee_id"]][0] for r in rows}
    if len(person_ids) <= FEW_PEOPLE:
        records = records.filter(person_id__in=person_ids)
    existing = {
        (r["person_id"], r["course_id"], r["completed_on"]): r
        for r in records.values(
            "pk", "person_id", "course_id", "completed_on", "hours", "credential_number"
        )
    }
    derived_dates: dict[tuple, dict] = {}  # a course's dates from a day: one file has few days
    for row in rows:
        values, course = row.values, row.values["course"]
        person_id, name = people[values["employee_id"]]
        completed_on = values["completed_on"]
        key = (person_id, course.pk, completed_on)
        hours = values.get("hours") if values.get("hours") is not None else course.hours
        credential = values.get("credential_number") or ""
        current = existing.get(key)
        if current is None:
            if (dates := derived_dates.get(key[1:])) is None:
                dates = derived_dates[key[1:]] = course.derived_dates(completed_on)
            plan.create.append({"person_id": person_id, "course_id": key[1],
                                "completed_on": completed_on, **dates, "hours": hours,
                                "credential_number": credential})  # fmt: skip
            if plan.sampling:
                shown = _shown(values, name, course, hours, credential)
                plan.keep_sample(row.number, "create", {**shown, **dates})
            continue
        changed = {}
        if values.get("hours") is not None and current["hours"] != hours:
            changed["hours"] = hours
        if credential and current["credential_number"] != credential:
            changed["credential_number"] = credential
        if changed:
            plan.update.append((current["pk"], changed))
            if plan.sampling:
                shown = _shown(values, name, course, hours, credential)
                plan.keep_sample(row.number, "update", {**shown, "changed": [*changed]})
        else:
            plan.unchanged += 1


def _shown(values: dict, name: str, course, hours, credential: str) -> dict:
    """A training row as the preview's sample shows it."""
    return {"employee_id": values["employee_id"], "person": name, "course": course.name,
            "completed_on": values["completed_on"], "hours": hours,
            "credential_number": credential}  # fmt: skip


def summary_sentence(counts: dict[str, int]) -> str:
    """ "Import 139 rows and skip 3": what the confirm button does."""
    rows, skipped = counts.get("imported_rows", 0), counts.get("skipped", 0)
    if not skipped:
        return ngettext("Import %(rows)d row", "Import %(rows)d rows", rows) % {"rows": rows}
    return ngettext(
        "Import %(rows)d row and skip %(skipped)d",
        "Import %(rows)d rows and skip %(skipped)d",
        rows,
    ) % {"rows": rows, "skipped": skipped}
