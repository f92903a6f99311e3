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
    """An error as RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field("about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["There is no such object in this agency."])
