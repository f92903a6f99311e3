"""Errors as RFC 9457 problem details: `application/problem+json` with a type, a title, the
status, a detail in the reader's words, and any extension members (per-item errors)."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse

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
