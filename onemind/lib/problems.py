"""Errors as RFC 9457 problem details: `application/problem+json` with a type, a title, the
status, a detail in the reader's words, and any extension members (per-item errors)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse
from ninja import Field, Schema
from pydantic import ConfigDict

PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str, *, title: str = "", **extensions) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extensions,
    }
    return HttpResponse(json.dumps(body, default=str), status=status, content_type=PROBLEM_JSON)


class ProblemOut(Schema):
    """An RFC 9457 problem details document, as every error of the API is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = Field("about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="The status's phrase, e.g. Not Found.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong, in the reader's words.")
    errors: list[dict[str, Any]] | None = Field(
        None,
        description="What is wrong, one entry per problem: for a bulk write, the item's "
        "`index`, its key, the `field` and the `message`.",
    )


def with_items(errors: list[dict[str, Any]], body: bytes) -> list[dict[str, Any]]:
    """Request validation errors, those of a bulk request's items also named as a bulk
    write's own are: the item's `index`, its `employee_id` (when it has one), the `field`
    and the `message`, beside pydantic's `loc`."""
    items = None
    for error in errors:
        loc = list(error.get("loc", []))
        at = next((n for n in range(len(loc) - 1) if loc[n] == "items"), None)
        if at is None or not isinstance(loc[at + 1], int):
            continue
        if items is None:
            try:
                items = json.loads(body).get("items") or []
            except (ValueError, AttributeError):
                items = []
        index = loc[at + 1]
        item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
        error.update(
            index=index,
            employee_id=item.get("employee_id"),
            field=".".join(str(part) for part in loc[at + 2 :]) or None,
            message=error.get("msg", ""),
        )
    return errors
