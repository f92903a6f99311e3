"""Writes for the roster, training records and proposed courses: each in one transaction
with its audit event, announcing the agency's changed evidence on commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies import documents
from agencies.audit import changes_between, record_event, snapshot
from agencies.documents import CheckedUpload
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, Document, DocumentKind, User
from agencies.tenancy import agency_scope
from agencies.validation import check_same_agency, save_unique, validate
from onemind.lib.dates import PAST_DAYS, check_days
from training.models import (
    COMPLETION_DAYS,
    Course,
    CourseKind,
    CourseStatus,
    Person,
    Source,
    Status,
    TrainingRecord,
)
from training.status import refresh_holders_of, refresh_training_status

PERSON_FIELDS = [
    "employee_id",
    "first_name",
    "last_name",
    "email",
    "rank",
    "category",
    "position",
    "selected",
    "hire_date",
]


# People


def person_create(*, agency: Agency, actor: User, **fields: Any) -> Person:
    """Add someone to the roster."""
    person = Person(agency=agency, **fields)
    person.status_changed_on = person.status_changed_on or agency.today()
    _check_hire_date(agency, person)
    with agency_scope(agency), transaction.atomic():
        validate(person)
        save_unique(person)
        record_event(
            action="person.created",
            actor=actor,
            agency=agency,
            obj=person,
            values=snapshot(person, [*PERSON_FIELDS, "status"]),
        )
        announce_evidence_changed(agency)
    return person


def person_update(*, agency: Agency, actor: User, person: Person, **fields: Any) -> Person:
    """Change a person's details (their status has its own service)."""
    _same_agency(agency, person)
    before = snapshot(person, PERSON_FIELDS)
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"{name} is not an editable person field")
        setattr(person, name, value)
    changes = changes_between(before, snapshot(person, PERSON_FIELDS))
    if not changes:
        return person
    person.updated_at = timezone.now()
    if "hire_date" in changes:  # one kept from an older rule is left as it is
        _check_hire_date(agency, person)
    with agency_scope(agency), transaction.atomic():
        validate(person)
        save_unique(person, update_fields=[*changes, "updated_at"])
        record_event(
            action="person.updated", actor=actor, agency=agency, obj=person, changes=changes
        )
        announce_evidence_changed(agency)
    return person


def person_change_status(
    *, agency: Agency, actor: User, person: Person, status: str, since: date
) -> Person:
    """Active, on extended leave, or separated; separation keeps every record."""
    _same_agency(agency, person)
    if status not in Status.values:
        raise ValidationError({"status": "Choose active, extended leave or separated."})
    check_days(agency.today(), since=(since, PAST_DAYS))
    if status == person.status and since == person.status_changed_on:
        return person
    changes = {
        "status": [person.status, status],
        "status_changed_on": [person.status_changed_on, since],
    }
    with transaction.atomic():
        person.status, person.status_changed_on = status, since
        person.updated_at = timezone.now()
        person.save(update_fields=["status", "status_changed_on", "updated_at"])
        record_event(
            action="person.status_changed",
            actor=actor,
            agency=agency,
            obj=person,
            changes=changes,
        )
        announce_evidence_changed(agency)
    return person


def _check_hire_date(agency: Agency, person: Person) -> None:
    check_days(agency.today(), hire_date=(person.hire_date, PAST_DAYS))


def _same_agency(agency: Agency, person: Person) -> None:
    check_same_agency(agency, person, message="This person is not on this agency's roster.")


def _course_for(agency: Agency, course: Course) -> Course:
    if course.agency_id not in (None, agency.pk):
        raise ValidationError({"course": "This course is not in your catalogue."})
    return course


# Training records


def record_add(
    *,
    agency: Agency,
    actor: User,
    person: Person,
    course: Course,
    completed_on: date,
    hours: Decimal | None = None,
    credential_number: str = "",
    evidence: CheckedUpload | None = None,
) -> TrainingRecord:
    """Record one completion for one person, with its certificate as evidence if given."""
    _same_agency(agency, person)
    _course_for(agency, course)
    _check_completion_date(agency, completed_on)  # before the dates that follow from it
    record = TrainingRecord(
        agency=agency,
        person=person,
        course=course,
        completed_on=completed_on,
        **course.derived_dates(completed_on),
        hours=hours if hours is not None else course.hours,
        credential_number=credential_number,
        source=Source.ENTERED,
        entered_by=actor,
    )
    with agency_scope(agency), transaction.atomic():
        validate(record)
        if evidence:
            record.evidence = _store_evidence(evidence, agency=agency, actor=actor)
        save_unique(record)
        refresh_training_status([person.pk])
        record_event(
            action="record.created",
            actor=actor,
            agency=agency,
            obj=record,
            values={
                "person": str(person),
                "course": course.name,
                "completed_on": completed_on,
                "credential_number": credential_number,
                "evidence": documents.audit_value(record.evidence),
            },
        )
        announce_evidence_changed(agency)
    return record


def _store_evidence(evidence: CheckedUpload, *, agency: Agency, actor: User):
    return documents.store(evidence, agency=agency, actor=actor, kind=DocumentKind.EVIDENCE)


def record_attach_evidence(
    *, agency: Agency, actor: User, record: TrainingRecord, evidence: CheckedUpload
) -> TrainingRecord:
    """Attach a certificate to a record, or replace one; the earlier file is kept."""
    check_same_agency(agency, record, message="This record is not one of this agency's.")
    with agency_scope(agency), transaction.atomic():
        before = record.evidence
        record.evidence = _store_evidence(evidence, agency=agency, actor=actor)
        record.updated_at = timezone.now()
        record.save(update_fields=["evidence", "updated_at"])
        record_event(
            action="record.evidence_attached",
            actor=actor,
            agency=agency,
            obj=record,
            changes={
                "evidence": [
                    documents.audit_value(before),
                    documents.audit_value(record.evidence),
                ]
            },
        )
    return record


def _check_completion_date(agency: Agency, completed_on: date) -> None:
    check_days(agency.today(), completed_on=(completed_on, COMPLETION_DAYS))


@dataclass(frozen=True)
class ClassResult:
    created: list[Person]
    already_recorded: list[Person]


def class_record(
    *,
    agency: Agency,
    actor: User,
    course: Course,
    completed_on: date,
    people: list[Person],
    hours: Decimal | None = None,
    sign_in_sheet: CheckedUpload | None = None,
) -> ClassResult:
    """Record a class: one completion for each attendee, all in one transaction.

    Attendees who already hold this course on this date are reported, not duplicated.
    The class's sign-in sheet, if given, is every new record's evidence.
    """
    class_check(agency=agency, course=course, completed_on=completed_on)
    if not people:
        raise ValidationError({"attendees": "Tick at least one attendee."})
    for person in people:
        _same_agency(agency, person)
    with agency_scope(agency), transaction.atomic():
        holders = class_holders(course=course, completed_on=completed_on, people=people)
        attendees = [p for p in people if p.pk not in holders]
        sheet = (
            _store_evidence(sign_in_sheet, agency=agency, actor=actor)
            if sign_in_sheet and attendees
            else None
        )
        class_records_create(
            agency=agency,
            actor=actor,
            course=course,
            completed_on=completed_on,
            people=attendees,
            hours=hours,
            evidence=sheet,
        )
        record_event(
            action="class.recorded",
            actor=actor,
            agency=agency,
            obj=course,
            values={
                "completed_on": completed_on,
                "attendees": [p.employee_id for p in attendees],
                "already_recorded": [p.employee_id for p in people if p.pk in holders],
                "sign_in_sheet": documents.audit_value(sheet),
            },
        )
    return ClassResult(created=attendees, already_recorded=[p for p in people if p.pk in holders])


def class_check(*, agency: Agency, course: Course, completed_on: date) -> None:
    """A class of this course on this day can be recorded for the agency."""
    _course_for(agency, course)
    _check_completion_date(agency, completed_on)


def class_holders(
    *, course: Course, completed_on: date, people: list[Person]
) -> dict[int, TrainingRecord]:
    """The records of this course on this day that the attendees hold already, by person.

    Call inside the class's transaction and agency scope: the same class submitted twice at
    once (a double click, two coordinators) waits here for the attendees the first holds,
    then finds their records.
    """
    _lock_people(people)
    return {
        record.person_id: record
        for record in TrainingRecord.objects.filter(
            course=course, completed_on=completed_on, person__in=people
        )
    }


def class_records_create(
    *,
    agency: Agency,
    actor: User,
    course: Course,
    completed_on: date,
    people: list[Person],
    hours: Decimal | None,
    evidence: Document | None,
) -> list[TrainingRecord]:
    """A class's new records, one per person (who holds none for it yet: `class_holders`),
    each with `evidence`; announces the agency's changed evidence. Call inside the class's
    transaction and agency scope, after `class_check`; the caller writes the audit event."""
    for person in people:
        _same_agency(agency, person)
    if evidence is not None:
        check_same_agency(agency, evidence, message="This evidence is another agency's.")
    records = [
        TrainingRecord(
            agency=agency,
            person=person,
            course=course,
            completed_on=completed_on,
            **course.derived_dates(completed_on),
            hours=hours if hours is not None else course.hours,
            evidence=evidence,
            source=Source.ENTERED,
            entered_by=actor,
        )
        for person in people
    ]
    _create_once(records)
    if records:
        refresh_training_status([person.pk for person in people])
        announce_evidence_changed(agency)
    return records


def _lock_people(people: list[Person]) -> None:
    """Lock these people's rows, in one order so that two lockers never wait on each other."""
    pks = sorted(person.pk for person in people)
    list(Person.objects.filter(pk__in=pks).order_by("pk").select_for_update().values("pk"))


def _create_once(records: list[TrainingRecord]) -> None:
    """Write new records; one written meanwhile another way (an import, a single record)
    is a clear refusal rather than an error."""
    try:
        with transaction.atomic():
            TrainingRecord.objects.bulk_create(records)
    except IntegrityError as error:
        raise ValidationError(
            "Some of these attendees were given this course on this date a moment ago, by "
            "someone else or an import. Submit the class again to record the others."
        ) from error


# Courses an agency proposes as equivalents


def course_propose(*, agency: Agency, actor: User, **fields: Any) -> Course:
    """An agency's own course, offered as CIT- or MHFA-equivalent; it counts once approved."""
    if fields.get("kind") not in (CourseKind.CIT_EQUIVALENT, CourseKind.MHFA_EQUIVALENT):
        raise ValidationError({"kind": "Propose the course as a CIT or an MHFA equivalent."})
    course = Course(agency=agency, proposed_by=actor, status=CourseStatus.PROPOSED, **fields)
    with transaction.atomic():
        validate(course)
        save_unique(course)
        record_event(
            action="course.proposed",
            actor=actor,
            agency=agency,
            obj=course,
            values=snapshot(course, ["name", "kind", "hours", "validity_months", "provider"]),
        )
    return course


def course_decide(*, course: Course, actor: User, approve: bool, reason: str = "") -> Course:
    """A program administrator approves or rejects a proposed course (a reason to reject)."""
    if course.agency_id is None:
        raise ValidationError("Program catalogue courses are not decided here.")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": "Say why the course is not approved."})
    status = CourseStatus.APPROVED if approve else CourseStatus.REJECTED
    with transaction.atomic():
        decided = Course.objects.filter(pk=course.pk, status=course.status).update(
            status=status, decided_by=actor, decided_at=timezone.now(), decision_reason=reason
        )
        if not decided:
            raise ValidationError("Someone decided on this course a moment ago; reload the page.")
        refresh_holders_of(course)
        record_event(
            action="course.approved" if approve else "course.rejected",
            actor=actor,
            agency=course.agency,
            obj=course,
            changes={"status": [course.status, status]},
            values={"reason": reason} if reason else None,
        )
        announce_evidence_changed(course.agency)
    course.refresh_from_db()
    return course
