"""The roster through the API: an agency's people, read with a token that may read."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from agencies.tokens.auth import READ
from onemind.api_contract import Moment
from onemind.lib.cursors import page_after
from onemind.lib.problems import ProblemOut
from training.models import Person

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
