"""The roster through the API: an agency's people, read with a token that may read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from agencies.tokens.auth import READ
from onemind.api_contract import Moment
from onemind.lib.cursors import page_after
from onemind.lib.problems import ProblemOut
from training.models import Person
from training.queries import catalogue

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
    "", response={200: PeoplePage, 400: ProblemOut}, auth=READ, summary="List the agency's people"
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


@people.get("/{person_id}", response=PersonOut, auth=READ, summary="Read one person")
def person_detail(request, person_id: UUID):
    return get_object_or_404(Person.objects, public_id=person_id)


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
