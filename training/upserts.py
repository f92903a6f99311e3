"""Writes of many at once, for a records or learning system that keeps the agency's roster
and training current: people by employee ID, training records by the caller's own id or by
person, course and day. All or nothing: every item is checked first, by the same rules as
one written on its page; one wrong item refuses the whole request, with what is wrong with
each. Then a constant number of statements writes them all, with one audit event per
person or record changed (each person's trail names what changed and the token that changed
it, as a coordinator's edit does), and the agency's progress recomputed once after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import changes_between, event_row, record_events, snapshot
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, ApiToken, User
from agencies.tenancy import agency_scope
from onemind.lib.bulk import upsert_rows
from onemind.lib.dates import PAST_DAYS, check_days
from training.models import COMPLETION_DAYS, Course, CourseStatus, Person, Source, TrainingRecord
from training.services import PERSON_FIELDS
from training.status import refresh_training_status

# The most items one request may carry.
MAX_ITEMS = 5000

# What a bulk write may set on a person, besides the fields of the roster's form.
PERSON_API_FIELDS = [*PERSON_FIELDS, "status", "status_changed_on"]
# What a bulk write may set on a record.
RECORD_FIELDS = ["person", "course", "completed_on", "hours", "credential_number", "external_id"]


class Refused(Exception):
    """Some items are wrong; nothing was written. `errors`: one dict per problem, with the
    item's index, its key and the field."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass
class _Errors:
    key_name: str
    found: list[dict[str, Any]]

    def add(self, index: int | None, key: str, field: str | None, message: str) -> None:
        self.found.append(
            {"index": index, self.key_name: key, "field": field, "message": str(message)}
        )

    def add_invalid(self, index: int, key: str, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add(index, key, None if field == "__all__" else field, message)
        else:
            for message in error.messages:
                self.add(index, key, None, message)


def _clean(instance, exclude: list[str]) -> None:
    """The model's field rules, without those that ask the database (foreign keys and
    uniqueness, which the bulk write checks set-wise)."""
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _row(instance) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
        if not field.primary_key
    }


# People


def people_upsert(
    *, agency: Agency, actor: User | ApiToken, items: list[dict[str, Any]]
) -> dict[str, Any]:
    """Add the people not on the roster and update those who are, keyed by employee ID.
    Each item holds the fields to set (those left out keep their value; a new person's
    status is active from today unless given). Raises Refused, writing nothing."""
    errors = _Errors("employee_id", [])
    today, now = agency.today(), timezone.now()
    first_at: dict[str, int] = {}
    for index, item in enumerate(items):
        employee_id = item["employee_id"].strip()
        if employee_id in first_at:
            errors.add(index, employee_id, "employee_id", _(
                "This employee ID is already item %(index)d of this request."
            ) % {"index": first_at[employee_id]})  # fmt: skip
        first_at.setdefault(employee_id, index)
    with agency_scope(agency), transaction.atomic():
        existing = {
            person.employee_id: person
            for person in Person.objects.filter(employee_id__in=list(first_at)).select_for_update()
        }
        written, events, results = [], [], []
        for index, item in enumerate(items):
            fields = {**item, "employee_id": item["employee_id"].strip()}
            person = existing.get(fields["employee_id"])
            try:
                outcome = _person_change(agency, person, fields, today, now)
            except ValidationError as error:
                errors.add_invalid(index, fields["employee_id"], error)
                continue
            action, person, audit = outcome
            results.append({
                "index": index, "employee_id": person.employee_id,
                "id": str(person.public_id), "action": action,
            })  # fmt: skip
            if audit is not None:
                written.append(person)
                events.append(event_row(actor=actor, agency=agency, obj=person, **audit))
        if errors.found:
            raise Refused(errors.found)
        upsert_rows(
            Person,
            [_row(person) for person in written],
            unique_fields=["agency", "employee_id"],
            update_fields=[*PERSON_API_FIELDS, "updated_at"],
        )
        record_events(events)
        if written:
            announce_evidence_changed(agency)
    return _summary(results)


def _person_change(agency, person, fields, today, now):
    """(action, the person as they will be, the audit event's facts or None)."""
    if person is None:
        person = Person(agency=agency, created_at=now, updated_at=now, **fields)
        person.status_changed_on = person.status_changed_on or today
        person_check(agency, person)
        values = snapshot(person, [*PERSON_FIELDS, "status"])
        return "created", person, {"action": "person.created", "values": values}
    if all(getattr(person, name) == value for name, value in fields.items()):
        return "unchanged", person, None  # a nightly sync's usual item, nothing to check
    before = snapshot(person, PERSON_API_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value)
    new_status = "status" in fields and fields["status"] != before["status"]
    if new_status and "status_changed_on" not in fields:
        person.status_changed_on = today
    _clean(person, exclude=_NOT_PERSON_API)
    changes = changes_between(before, snapshot(person, PERSON_API_FIELDS))
    if not changes:
        return "unchanged", person, None
    _check_dates(agency, person, [n for n in ("hire_date", "status_changed_on") if n in changes])
    person.updated_at = now
    return "updated", person, {"action": "person.updated", "changes": changes}


_NOT_PERSON_API = [f.name for f in Person._meta.concrete_fields if f.name not in PERSON_API_FIELDS]


def person_check(agency: Agency, person: Person) -> None:
    """A new person's field rules and dates, without asking the database."""
    _clean(person, exclude=_NOT_PERSON_API)
    _check_dates(agency, person, ["hire_date", "status_changed_on"])


def _check_dates(agency: Agency, person: Person, names: list[str]) -> None:
    """Days that have come (a date kept from an older rule is left as it is: only the
    changed ones are checked)."""
    if names:
        check_days(agency.today(), **{name: (getattr(person, name), PAST_DAYS) for name in names})


# Training records


def records_upsert(
    *, agency: Agency, actor: User | ApiToken, items: list[dict[str, Any]]
) -> dict[str, Any]:
    """Add or update training records. An item is found by its `external_id` when it has
    one (a record already held for the same person, course and day without one takes it),
    else by person (`employee_id`), course (`course_id`, the course's public id: the
    program's catalogue and the agency's own courses that are not rejected) and
    `completed_on`. Valid-until and refresher dates follow from the course, as for a record
    entered on its page. Raises Refused, writing nothing."""
    errors = _Errors("employee_id", [])
    now = timezone.now()
    with agency_scope(agency), transaction.atomic():
        people = {
            person.employee_id: person
            for person in Person.objects.filter(
                employee_id__in={item["employee_id"].strip() for item in items}
            )
        }
        courses = {
            str(course.public_id): course
            for course in Course.objects.available_to(agency)
            .exclude(status=CourseStatus.REJECTED)
            .filter(public_id__in={str(item["course_id"]) for item in items})
        }
        external_ids = {item.get("external_id", "").strip() for item in items} - {""}
        held = list(
            TrainingRecord.objects.filter(
                Q(external_id__in=external_ids)
                | Q(
                    person__in=list(people.values()),
                    course__in=list(courses.values()),
                    completed_on__in={item["completed_on"] for item in items},
                )
            ).select_for_update()
        )
        _attach(held, people, courses)
        held_by = {record.pk: record.person_id for record in held}  # before any item moves one
        by_external = {record.external_id: record for record in held if record.external_id}
        by_key = {(r.person_id, r.course_id, r.completed_on): r for r in held}
        written, events, results = [], [], []
        claimed_keys: dict[tuple, int] = {}
        claimed_external: dict[str, int] = {}
        for index, item in enumerate(items):
            employee_id = item["employee_id"].strip()
            try:
                action, record, audit = _record_change(
                    agency, item, people, courses, by_external, by_key, now
                )
                _once_in_request(record, index, claimed_keys, claimed_external)
            except ValidationError as error:
                errors.add_invalid(index, employee_id, error)
                continue
            results.append({
                "index": index, "employee_id": employee_id, "id": str(record.public_id),
                "external_id": record.external_id, "action": action,
            })  # fmt: skip
            if audit is not None:
                written.append(record)
                events.append(event_row(actor=actor, agency=agency, obj=record, **audit))
        if errors.found:
            raise Refused(errors.found)
        try:
            with transaction.atomic():
                upsert_rows(
                    TrainingRecord,
                    [_row(record) for record in sorted(written, key=lambda r: r.pk is None)],
                    unique_fields=["agency", "public_id"],
                    update_fields=[*RECORD_FIELDS, "valid_until", "refresher_due_on", "updated_at"],
                )
        except IntegrityError as error:  # records moved onto each other's day, or a race
            raise Refused([{
                "index": None, "employee_id": None, "field": None,
                "message": _("Some of these records were written a moment ago another way, or "
                             "two items trade places; send the request again, or in two parts."),
            }]) from error  # fmt: skip
        record_events(events)
        if written:
            # Whose records changed: their holders now, and before for a record moved to
            # someone else.
            refresh_training_status(
                {record.person.pk for record in written}
                | {held_by[record.pk] for record in written if record.pk in held_by}
            )
            announce_evidence_changed(agency)
    return _summary(results)


def _attach(records: list[TrainingRecord], people: dict, courses: dict) -> None:
    """Give held records the people and courses already loaded (their labels need them),
    fetching the few that are not."""
    people_by_pk = {person.pk: person for person in people.values()}
    courses_by_pk = {course.pk: course for course in courses.values()}
    missing_people = {r.person_id for r in records} - people_by_pk.keys()
    missing_courses = {r.course_id for r in records} - courses_by_pk.keys()
    if missing_people:
        people_by_pk.update(Person.objects.in_bulk(missing_people))
    if missing_courses:
        courses_by_pk.update(Course.objects.in_bulk(missing_courses))
    for record in records:
        record.person = people_by_pk[record.person_id]
        record.course = courses_by_pk[record.course_id]


def _record_change(agency, item, people, courses, by_external, by_key, now):
    """(action, the record as it will be, the audit event's facts or None)."""
    problems = {}
    person = people.get(item["employee_id"].strip())
    course = courses.get(str(item["course_id"]))
    if person is None:
        problems["employee_id"] = _("No one on the roster has this employee ID.")
    if course is None:
        problems["course_id"] = _("No course in the agency's catalogue has this id.")
    completed_on = item["completed_on"]
    try:
        check_days(agency.today(), completed_on=(completed_on, COMPLETION_DAYS))
    except ValidationError as error:
        problems.update({k: v[0] for k, v in error.message_dict.items()})
    if problems:
        raise ValidationError(problems)
    external_id = item.get("external_id", "").strip()
    same_day = by_key.get((person.pk, course.pk, completed_on))
    record = by_external.get(external_id) if external_id else None
    if record is None and same_day is not None:
        if external_id and same_day.external_id:
            raise ValidationError({"external_id": _(
                "This person already has this course on this date, as external ID "
                "%(other)s."
            ) % {"other": same_day.external_id}})  # fmt: skip
        record = same_day
    elif record is not None and same_day is not None and same_day.pk != record.pk:
        raise ValidationError({"completed_on": _(
            "This person already has this course on this date, in another record."
        )})  # fmt: skip
    fields = {"person": person, "course": course, "completed_on": completed_on}
    fields.update({name: item[name] for name in ("hours", "credential_number") if name in item})
    if external_id:
        fields["external_id"] = external_id
    if record is None:
        record = TrainingRecord(
            agency=agency,
            source=Source.API,
            created_at=now,
            updated_at=now,
            **{"hours": course.hours, **fields},
            **course.derived_dates(completed_on),
        )
        if record.hours is None:
            record.hours = course.hours
        _clean(record, exclude=_NOT_RECORD_API)
        values = {
            "person": str(person),
            "course": course.name,
            "completed_on": completed_on,
            "credential_number": record.credential_number,
            "external_id": record.external_id,
        }
        return "created", record, {"action": "record.created", "values": values}
    if all(getattr(record, name) == value for name, value in fields.items()):
        return "unchanged", record, None
    before = _record_snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    _clean(record, exclude=_NOT_RECORD_API)
    changes = changes_between(before, _record_snapshot(record))
    if not changes:
        return "unchanged", record, None
    for name, value in course.derived_dates(completed_on).items():
        setattr(record, name, value)
    record.updated_at = now
    return "updated", record, {"action": "record.updated", "changes": changes}


# Checked set-wise (people, courses, the day) or set by the write: not cleaned one by one.
_NOT_RECORD_API = [
    f.name
    for f in TrainingRecord._meta.concrete_fields
    if f.name not in ("hours", "credential_number", "external_id")
]


def _record_snapshot(record: TrainingRecord) -> dict[str, Any]:
    return {
        "person": str(record.person),
        "course": record.course.name,
        **snapshot(record, ["completed_on", "hours", "credential_number", "external_id"]),
    }


def _once_in_request(record, index, claimed_keys, claimed_external) -> None:
    """No two items of one request write the same record or the same day's course."""
    key = (record.person.pk, record.course.pk, record.completed_on)
    if key in claimed_keys:
        raise ValidationError({"completed_on": _(
            "Item %(index)d of this request already has this person, course and date."
        ) % {"index": claimed_keys[key]}})  # fmt: skip
    claimed_keys[key] = index
    if record.external_id:
        if record.external_id in claimed_external:
            raise ValidationError({"external_id": _(
                "Item %(index)d of this request already has this external ID."
            ) % {"index": claimed_external[record.external_id]}})  # fmt: skip
        claimed_external[record.external_id] = index


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for result in results:
        counts[result["action"]] += 1
    return {**counts, "items": results}
