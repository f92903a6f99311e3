"""Writes for regional classes: the class recorded once for the region, each attendee's
record written in their own agency (matched by that agency's employee ID), and the agency's
decision on an attendee it could not match.

Each agency's part runs inside that agency's scope and is audited on its own trail; the
region's trail records the class as the recorder wrote it, and nothing of any roster.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import documents
from agencies.audit import record_event
from agencies.documents import CheckedUpload
from agencies.models import Agency, DocumentKind, MemberAgency, MemberAgencyStatus, Region, User
from agencies.regions.scope import region_scope
from agencies.tenancy import agency_scope
from agencies.validation import check_same_agency
from training.models import Course, Person, Status
from training.regional.models import AttendeeStatus, ClassAttendee, RegionalClass
from training.services import class_check, class_holders, class_records_create

# The attendee's fields checked here; the references are set by the service itself.
_SET_BY_THE_SERVICE = ["agency", "regional_class", "person", "record", "evidence", "decided_by"]


@dataclass(frozen=True)
class Attendee:
    """One attendee as written on the sheet, with the member agency they belong to."""

    agency: Agency
    employee_id: str
    last_name: str
    first_name: str = ""


def regional_class_record(
    *,
    region: Region,
    actor: User,
    course: Course,
    completed_on: date,
    instructor: str,
    sheet: CheckedUpload,
    attendees: list[Attendee],
    hours: Decimal | None = None,
    host_agency: Agency | None = None,
) -> RegionalClass:
    """Record a region's class once: each attendee's record lands in their agency's roster
    when that agency has someone active with their employee ID, and waits for the agency
    otherwise. The attendance sheet is stored once and is every record's evidence, each
    agency holding its own document row of it. All or nothing, in one transaction."""
    if not attendees:
        raise ValidationError({"attendees": _("List at least one attendee.")})
    if course.agency_id is not None:
        raise ValidationError(
            {"course": _("A regional class is of a course in the program's catalogue.")}
        )
    _check_listed_once(attendees)
    by_agency: dict[int, list[Attendee]] = {}
    for attendee in attendees:
        by_agency.setdefault(attendee.agency.pk, []).append(attendee)
    agencies = {attendee.agency.pk: attendee.agency for attendee in attendees}
    with region_scope(region), transaction.atomic():
        members = _lock_current_members(
            region, {*agencies, *([host_agency.pk] if host_agency else [])}
        )
        outside = sorted(agency.name for pk, agency in agencies.items() if pk not in members)
        if outside:
            raise ValidationError(
                _("Not a member agency of the region now: %(agencies)s.")
                % {"agencies": ", ".join(outside)}
            )
        if host_agency is not None and host_agency.pk not in members:
            raise ValidationError(_("Your agency is not a member of this region now."))
        for agency in agencies.values():
            class_check(agency=agency, course=course, completed_on=completed_on)
        regional_class = RegionalClass(
            region=region,
            course=course,
            completed_on=completed_on,
            instructor=instructor.strip(),
            hours=hours,
            host_agency=host_agency,
            sheet_filename=sheet.filename,
            sheet_content_type=sheet.file_type.content_type,
            sheet_sha256=sheet.sha256,
            recorded_by=actor,
        )
        regional_class.full_clean(exclude=["sheet"])
        regional_class.sheet.name = documents.store_file_once(sheet)
        regional_class.save()
        for pk in sorted(by_agency):  # one order, so that two recorders never wait on each other
            _receive(regional_class, agencies[pk], by_agency[pk], sheet=sheet, actor=actor)
        record_event(
            action="regional_class.recorded",
            actor=actor,
            region=region,
            agency=host_agency,
            obj=regional_class,
            values={
                "course": course.name,
                "completed_on": completed_on,
                "instructor": regional_class.instructor,
                "hours": hours,
                "attendees": {
                    agencies[pk].name: [a.employee_id for a in rows]
                    for pk, rows in sorted(by_agency.items())
                },
                "attendance_sheet": f"{sheet.filename} (SHA-256 {sheet.sha256})",
            },
        )
    return regional_class


def _check_listed_once(attendees: list[Attendee]) -> None:
    listed = Counter((a.agency.pk, a.employee_id) for a in attendees)
    twice = sorted(
        f"{a.employee_id} ({a.agency.name})"
        for a in attendees
        if listed[a.agency.pk, a.employee_id] > 1
    )
    if twice:
        raise ValidationError(
            _("Listed more than once: %(attendees)s.")
            % {"attendees": ", ".join(dict.fromkeys(twice))}
        )


def _lock_current_members(region: Region, agency_pks: set[int]) -> set[int]:
    """Which of these agencies are members of the region now, their standing locked until
    the class is recorded: an agency leaving meanwhile waits, and leaves after it."""
    return set(
        MemberAgency.objects.filter(agency__in=agency_pks, status=MemberAgencyStatus.MEMBER)
        .order_by("pk")
        .select_for_update()
        .values_list("agency_id", flat=True)
    )


def _receive(
    regional_class: RegionalClass,
    agency: Agency,
    attendees: list[Attendee],
    *,
    sheet: CheckedUpload,
    actor: User,
) -> None:
    """One agency's part of the class, in its own scope: its document row of the sheet, a
    record for each attendee it has someone active for, the others pending."""
    course, completed_on = regional_class.course, regional_class.completed_on
    with agency_scope(agency):
        evidence = documents.document_of_stored(
            regional_class.sheet.name, sheet, agency=agency, actor=actor, kind=DocumentKind.EVIDENCE
        )
        found = {
            person.employee_id: person
            for person in Person.objects.filter(
                employee_id__in=[a.employee_id for a in attendees], status=Status.ACTIVE
            )
        }
        matched = [found[a.employee_id] for a in attendees if a.employee_id in found]
        holders = class_holders(course=course, completed_on=completed_on, people=matched)
        created = class_records_create(
            agency=agency,
            actor=actor,
            course=course,
            completed_on=completed_on,
            people=[person for person in matched if person.pk not in holders],
            hours=regional_class.hours,
            evidence=evidence,
        )
        records = {**holders, **{record.person_id: record for record in created}}
        rows = []
        for attendee in attendees:
            person = found.get(attendee.employee_id)
            row = ClassAttendee(
                agency=agency,
                regional_class=regional_class,
                employee_id=attendee.employee_id,
                first_name=attendee.first_name,
                last_name=attendee.last_name,
                status=AttendeeStatus.MATCHED if person else AttendeeStatus.PENDING,
                person=person,
                record=records[person.pk] if person else None,
                evidence=evidence,
            )
            row.clean_fields(exclude=_SET_BY_THE_SERVICE)
            rows.append(row)
        ClassAttendee.objects.bulk_create(rows)
        record_event(
            action="regional_class.received",
            actor=actor,
            agency=agency,
            obj=regional_class,
            values={
                "region": regional_class.region.name,
                "recorded": [p.employee_id for p in matched if p.pk not in holders],
                "already_recorded": [p.employee_id for p in matched if p.pk in holders],
                "pending": [a.employee_id for a in attendees if a.employee_id not in found],
                "evidence": documents.audit_value(evidence),
            },
        )


def attendee_confirm(
    *, agency: Agency, actor: User, attendee: ClassAttendee, person: Person
) -> ClassAttendee:
    """The agency says who a pending attendee is: the class's record is written for that
    person (or the one they hold already is kept), with the class's sheet as evidence."""
    check_same_agency(agency, attendee, message=_("This attendee is not one of your agency's."))
    check_same_agency(agency, person, message=_("This person is not on your agency's roster."))
    regional_class = attendee.regional_class
    course, completed_on = regional_class.course, regional_class.completed_on
    with agency_scope(agency), transaction.atomic():
        _claim_pending(attendee)
        class_check(agency=agency, course=course, completed_on=completed_on)
        holders = class_holders(course=course, completed_on=completed_on, people=[person])
        created = class_records_create(
            agency=agency,
            actor=actor,
            course=course,
            completed_on=completed_on,
            people=[] if person.pk in holders else [person],
            hours=regional_class.hours,
            evidence=attendee.evidence,
        )
        attendee.status = AttendeeStatus.CONFIRMED
        attendee.person = person
        attendee.record = holders.get(person.pk) or created[0]
        attendee.decided_by, attendee.decided_at = actor, timezone.now()
        attendee.save(update_fields=["status", "person", "record", "decided_by", "decided_at"])
        record_event(
            action="regional_class.attendee_confirmed",
            actor=actor,
            agency=agency,
            obj=attendee,
            changes={"status": [AttendeeStatus.PENDING, AttendeeStatus.CONFIRMED]},
            values={
                "person": str(person),
                "record": "already recorded" if person.pk in holders else "recorded",
                "class": regional_class.audit_label,
            },
        )
    return attendee


def attendee_reject(*, agency: Agency, actor: User, attendee: ClassAttendee) -> ClassAttendee:
    """The agency says a pending attendee is none of its people: no record is written."""
    check_same_agency(agency, attendee, message=_("This attendee is not one of your agency's."))
    with agency_scope(agency), transaction.atomic():
        _claim_pending(attendee)
        attendee.status = AttendeeStatus.REJECTED
        attendee.decided_by, attendee.decided_at = actor, timezone.now()
        attendee.save(update_fields=["status", "decided_by", "decided_at"])
        record_event(
            action="regional_class.attendee_rejected",
            actor=actor,
            agency=agency,
            obj=attendee,
            changes={"status": [AttendeeStatus.PENDING, AttendeeStatus.REJECTED]},
            values={"class": attendee.regional_class.audit_label},
        )
    return attendee


def _claim_pending(attendee: ClassAttendee) -> None:
    """Lock the attendee; decided meanwhile by someone else, a clear refusal."""
    status = (
        ClassAttendee.objects.select_for_update()
        .filter(pk=attendee.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != AttendeeStatus.PENDING:
        raise ValidationError(
            _("Someone in your agency decided on this attendee a moment ago; reload the page.")
        )
