"""The roster and training through the API: an agency's people and training records, read
with a token that may read, written (one by one or in bulk) with one that may write them."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from agencies.tokens.auth import READ, WRITE_PEOPLE, WRITE_TRAINING
from agencies.tokens.idempotency import MAX_KEY_LENGTH, KeyReused, answer_once
from onemind.api_contract import Moment, RequestBody
from onemind.lib.cursors import page_after
from onemind.lib.dates import PAST_DAYS, check_days
from onemind.lib.problems import problem
from training.models import Category, Person, Status, TrainingRecord
from training.queries import catalogue
from training.services import person_change_status, person_create, person_update
from training.upserts import MAX_ITEMS, Refused, people_upsert, records_upsert

people = Router(tags=["people"])


class PersonOut(Schema):
    id: UUID = Field(alias="public_id")
    employee_id: str
    first_name: str
    last_name: str
    email: str
    rank: str
    category: str
    position: str
    selected: bool
    status: str
    status_changed_on: date | None
    hire_date: date | None
    created_at: datetime
    updated_at: datetime


class PeoplePage(Schema):
    items: list[PersonOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


@people.get(
    "",
    response={200: PeoplePage},
    auth=READ,
    summary="List the agency's people",
)
def person_list(
    request,
    updated_since: Moment | None = None,
    cursor: str | None = None,
    limit: int = Query(100, ge=1, le=500),
):
    """People on the roster, oldest change first; only those changed after `updated_since`
    when given. Pages hold still while the roster changes: follow `next_cursor`."""
    rows = Person.objects.all()
    if updated_since is not None:
        rows = rows.filter(updated_at__gt=updated_since)
    items, next_cursor = page_after(rows, cursor, limit, field="updated_at")
    return {"items": items, "next_cursor": next_cursor}


@people.get("/{uuid:person_id}", response={200: PersonOut}, auth=READ, summary="Read one person")
def person_detail(request, person_id: UUID):
    return get_object_or_404(Person.objects, public_id=person_id)


# Writes: answers come back as JSON the view renders itself, so that an answer given again
# under its Idempotency-Key is the same text as the first.

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=MAX_KEY_LENGTH,
    description="Optional. The same key with the same body within 24 hours returns the first "
    "answer (status and body) without writing again; with another body it is refused (422).",
)


class PersonIn(RequestBody):
    employee_id: str = Field(min_length=1, max_length=64)
    first_name: str = Field("", max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field("", max_length=254)
    rank: str = Field("", max_length=100)
    category: Category
    position: str = Field("", max_length=100)
    selected: bool = Field(False, description="Non-sworn staff brought into the pledge.")
    hire_date: date | None = None
    status: Status = Status.ACTIVE
    status_changed_on: date | None = Field(
        None, description="When the status began; today (the agency's) when left out."
    )


class PersonPatch(RequestBody):
    """The fields to change; those left out keep their values."""

    employee_id: str | None = Field(None, min_length=1, max_length=64)
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=254)
    rank: str | None = Field(None, max_length=100)
    category: Category | None = None
    position: str | None = Field(None, max_length=100)
    selected: bool | None = None
    hire_date: date | None = None
    status: Status | None = None
    status_changed_on: date | None = None


class PeopleBulkIn(RequestBody):
    items: list[PersonIn] = Field(
        min_length=1,
        max_length=MAX_ITEMS,
        description="People keyed by employee ID: those not on the roster are added, the "
        "others updated. Fields left out of an item keep their values.",
    )


class BulkItemOut(Schema):
    index: int
    employee_id: str
    id: UUID
    action: Literal["created", "updated", "unchanged"]


class BulkOut(Schema):
    created: int
    updated: int
    unchanged: int
    items: list[BulkItemOut]


def _json(status: int, body, *, replayed: bool = False) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type="application/json"
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _refused(error: ValidationError) -> HttpResponse:
    errors = [
        {"field": None if field == "__all__" else field, "message": message}
        for field, messages in (
            error.message_dict.items()
            if hasattr(error, "error_dict")
            else [("__all__", error.messages)]
        )
        for message in messages
    ]
    return problem(422, _("The request is not valid; nothing was written."), errors=errors)


def _write(request, operation: str, key: str | None, payload, write) -> HttpResponse:
    """Run a write once per Idempotency-Key, its refusals as problems."""
    try:
        answer = answer_once(
            agency=request.agency, key=key, operation=operation, payload=payload, write=write
        )
    except KeyReused:
        return problem(422, _(
            "This Idempotency-Key was used for another request in the last 24 hours; use a "
            "new key for a new request."
        ))  # fmt: skip
    except Refused as refusal:
        return problem(
            422,
            _("Some items are not valid; nothing was written."),
            errors=refusal.errors,
        )
    except ValidationError as error:
        return _refused(error)
    return _json(answer.status, answer.body, replayed=answer.replayed)


def _as_sent(payload: Schema) -> dict:
    """The body as the caller sent it, for its Idempotency-Key: a field left out differs
    from one sent with its default (left out, an update keeps the value)."""
    return payload.model_dump(mode="json", exclude_unset=True)


def _person_out(person: Person) -> dict:
    return PersonOut.from_orm(person).model_dump(mode="json")


@people.post(
    "",
    response={201: PersonOut},
    auth=WRITE_PEOPLE,
    summary="Add one person",
)
def person_create_api(request, payload: PersonIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Add someone to the roster; an employee ID already on it is refused (422)."""
    fields = payload.model_dump()

    def write():
        since = fields["status_changed_on"]
        check_days(request.agency.today(), status_changed_on=(since, PAST_DAYS))
        person = person_create(agency=request.agency, actor=request.auth, **fields)
        return 201, _person_out(person)

    return _write(request, "POST people", idempotency_key, _as_sent(payload), write)


@people.patch(
    "/{uuid:person_id}",
    response={200: PersonOut},
    auth=WRITE_PEOPLE,
    summary="Change one person",
)
def person_update_api(request, person_id: UUID, payload: PersonPatch):
    """Change the fields given; the status (with `status_changed_on`, today if left out)
    as the roster's status change does."""
    person = get_object_or_404(Person.objects, public_id=person_id)
    fields = payload.model_dump(exclude_unset=True)
    status = fields.pop("status", None)
    since = fields.pop("status_changed_on", None)

    def write():
        agency, actor = request.agency, request.auth
        with transaction.atomic():
            person_update(agency=agency, actor=actor, person=person, **fields)
            if status is not None or since is not None:
                person_change_status(
                    agency=agency,
                    actor=actor,
                    person=person,
                    status=status or person.status,
                    since=since or agency.today(),
                )
        return 200, _person_out(person)

    return _write(request, "PATCH people", None, None, write)


@people.post(
    "/bulk",
    response={200: BulkOut},
    auth=WRITE_PEOPLE,
    summary="Add and update many people",
)
def people_bulk(request, payload: PeopleBulkIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Up to 5,000 people keyed by employee ID, all or nothing: if any item is wrong,
    nothing is written and the answer (422) lists each problem with the item's `index`,
    `employee_id`, `field` and `message`."""
    items = [item.model_dump(exclude_unset=True) for item in payload.items]

    def write():
        return 200, people_upsert(agency=request.agency, actor=request.auth, items=items)

    return _write(request, "POST people/bulk", idempotency_key, _as_sent(payload), write)


# Training records

training_records = Router(tags=["training records"])


class RecordOut(Schema):
    id: UUID = Field(alias="public_id")
    external_id: str
    person_id: UUID = Field(alias="person.public_id")
    employee_id: str = Field(alias="person.employee_id")
    course_id: UUID = Field(alias="course.public_id")
    course_name: str = Field(alias="course.name")
    completed_on: date
    valid_until: date | None = Field(description="The last day it counts; null: no expiry.")
    refresher_due_on: date | None
    hours: float | None
    credential_number: str
    source: str
    created_at: datetime
    updated_at: datetime


class RecordsPage(Schema):
    items: list[RecordOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class RecordIn(RequestBody):
    external_id: str = Field(
        "",
        max_length=100,
        description="Your own id of the record; the record is found by it when given.",
    )
    employee_id: str = Field(min_length=1, max_length=64)
    course_id: UUID = Field(description="The course's id in the catalogue.")
    completed_on: date
    hours: Decimal | None = Field(None, description="The course's hours when left out.")
    credential_number: str = Field("", max_length=100)


class RecordsBulkIn(RequestBody):
    items: list[RecordIn] = Field(
        min_length=1,
        max_length=MAX_ITEMS,
        description="Records found by `external_id` when given, else by person, course and "
        "date: added when not held, updated when they are.",
    )


class RecordItemOut(BulkItemOut):
    external_id: str


class RecordsBulkOut(BulkOut):
    items: list[RecordItemOut]


def _records():
    return TrainingRecord.objects.select_related("person", "course")


@training_records.get(
    "",
    response={200: RecordsPage},
    auth=READ,
    summary="List training records",
)
def record_list(
    request,
    updated_since: Moment | None = None,
    cursor: str | None = None,
    limit: int = Query(100, ge=1, le=500),
):
    """The agency's training records, oldest change first; only those changed after
    `updated_since` when given. Follow `next_cursor` for the next page."""
    rows = _records()
    if updated_since is not None:
        rows = rows.filter(updated_at__gt=updated_since)
    items, next_cursor = page_after(rows, cursor, limit, field="updated_at")
    return {"items": items, "next_cursor": next_cursor}


@training_records.get(
    "/{uuid:record_id}",
    response={200: RecordOut},
    auth=READ,
    summary="Read one training record",
)
def record_detail(request, record_id: UUID):
    return get_object_or_404(_records(), public_id=record_id)


@training_records.post(
    "/bulk",
    response={200: RecordsBulkOut},
    auth=WRITE_TRAINING,
    summary="Add and update many training records",
)
def records_bulk(request, payload: RecordsBulkIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Up to 5,000 completions, all or nothing: if any item is wrong, nothing is written and
    the answer (422) lists each problem with the item's `index`, `employee_id`, `field` and
    `message`. The agency's progress is recomputed after."""
    items = [
        {**item.model_dump(exclude_unset=True), "employee_id": item.employee_id,
         "course_id": item.course_id, "completed_on": item.completed_on}
        for item in payload.items
    ]  # fmt: skip

    def write():
        body = records_upsert(agency=request.agency, actor=request.auth, items=items)
        return 200, body

    payload_json = _as_sent(payload)
    return _write(request, "POST training-records/bulk", idempotency_key, payload_json, write)


courses = Router(tags=["courses"])


class CourseOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str
    kind: str = Field(description="cit, cit_equivalent, mhfa, mhfa_equivalent or other.")
    hours: Decimal
    validity_months: int | None = Field(description="How long a completion counts; null: always.")
    provider: str
    description: str
    refresher_of: UUID | None = Field(description="The course this one refreshes, if any.")
    refresh_after_months: int | None
    program: bool = Field(description="In the program's catalogue; false: the agency's own.")
    status: str = Field(description="approved, proposed (awaiting approval) or rejected.")
    counts: bool = Field(description="Records of it count toward the pledge.")
    decision_reason: str
    created_at: datetime

    @staticmethod
    def resolve_refresher_of(course) -> UUID | None:
        return course.refresher_of.public_id if course.refresher_of_id else None

    @staticmethod
    def resolve_program(course) -> bool:
        return course.agency_id is None


class CoursePage(Schema):
    items: list[CourseOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


@courses.get("", response=CoursePage, auth=READ, summary="List the courses the agency may use")
def course_list(request, cursor: str | None = None, limit: int = Query(100, ge=1, le=500)):
    """The program's catalogue and the courses the agency proposed as equivalents, with their
    status, as the agency's Courses page lists them (oldest first); a proposed course counts
    toward the pledge only once approved."""
    items, next_cursor = page_after(catalogue(request.agency), cursor, limit, field="created_at")
    return {"items": items, "next_cursor": next_cursor}
