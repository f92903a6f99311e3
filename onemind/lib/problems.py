"""Errors as RFC 9457 problem details: `application/problem+json` with a type, a title, the
status, a detail in the reader's words, and any extension members (per-item errors)."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse
from ninja import Field, Schema

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

    type: str = Field("about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="The status's phrase, e.g. Not Found.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong, in the reader's words.")
    errors: list[dict] | None = Field(
        None, description="On 422: one item per invalid parameter or field (`loc`, `msg`)."
    )
