"""What the API promises beyond its operations, in one place so every router keeps it:

- the reference page (/api/docs/): the OpenAPI schema at /api/schema/ rendered by Swagger UI
  from our own static files, inside the site's page and under its Content-Security-Policy
  (django-ninja's own page starts Swagger UI with an inline script, which the policy refuses;
  ours is a static file that reads the schema's address from a data attribute);
- problem details at the address level too: a wrong method on a known path answers 405 with
  `Allow`, an unknown path under /api/ answers 404, both `application/problem+json`;
- the schema documents the problems every operation can answer (401 and 403 where a token is
  needed, 404 where the path names an object, 422 where it takes parameters or a body), with
  the problem+json media type, so a client generated from it knows them and the contract test
  (tests/test_api_contract.py) holds each answer to it;
- `Moment`, the type of a date and time a request carries: RFC 3339 with its offset, in UTC;
- `RequestBody`, the base of request bodies: no NUL character in their text."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from functools import wraps
from http import HTTPStatus
from typing import Annotated

from asgiref.sync import markcoroutinefunction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.openapi.docs import DocsBase
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, field_validator

from onemind.lib.problems import PROBLEM_JSON, ProblemOut, problem

PROBLEM_SCHEMA = "#/components/schemas/ProblemOut"
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _rfc_3339(value):
    if isinstance(value, str) and not RFC_3339.match(value):
        raise ValueError("Give a date and time with its offset, e.g. 2026-01-31T09:00:00Z.")
    return value


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("This moment is outside the years 1 to 9999 in UTC.") from None


# A moment in a request, as the schema says (`format: date-time`, RFC 3339): a date, a time
# and an offset. Not a number read as seconds since 1970, nor a time without an offset (which
# would be read in some server's zone); either is a 422. Taken in UTC: any offset RFC 3339
# allows (up to ±23:59) then suits every database (PostgreSQL refuses offsets past ±15:59).
Moment = Annotated[AwareDatetime, BeforeValidator(_rfc_3339), AfterValidator(_in_utc)]


class RequestBody(Schema):
    """A request's JSON body: its text may not hold the NUL character, which no database
    column takes (PostgreSQL refuses it outright): a 422 naming the field, not a 500."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text may not contain the NUL character (U+0000).")
        return value


class ApiDocs(DocsBase):
    template = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        context = {"api": api, "schema_url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, context)


def _method_not_allowed(response: HttpResponseNotAllowed):
    allowed = ", ".join(sorted(method.strip() for method in response["Allow"].split(",")))
    answer = problem(405, f"This address answers {allowed}.")
    answer["Allow"] = allowed
    return answer


def _problem_405(view):
    """django-ninja answers a wrong method with a bare text 405: answer it as a problem."""
    if inspect.iscoroutinefunction(view):

        @wraps(view)
        async def async_wrapped(request, *args, **kwargs):
            response = await view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                return _method_not_allowed(response)
            return response

        return markcoroutinefunction(async_wrapped)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return _method_not_allowed(response)
        return response

    return wrapped


def _only_read(view):
    """The schema and the reference page are read, never sent to: other methods answer a 405
    problem (rather than the site's CSRF page, since nothing here acts on a request)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return _method_not_allowed(HttpResponseNotAllowed(["GET", "HEAD"]))
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


@csrf_exempt
def _unknown_path(request, *args, **kwargs):
    return problem(404, "There is no such address in this API.")


class ContractAPI(NinjaAPI):
    def _get_urls(self):
        urls = []
        for pattern in super()._get_urls():
            if pattern.name == "api-root":
                # /api/ itself: the reference page (the name stays: operations' paths hang on it).
                urls.append(path("", self._to_docs, name="api-root"))
            elif isinstance(pattern, URLPattern):
                reading = pattern.name in ("openapi-json", "openapi-view")
                view = (_only_read if reading else _problem_405)(pattern.callback)
                urls.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
            else:
                urls.append(pattern)
        urls.append(re_path(r"", _unknown_path))
        return urls

    def _to_docs(self, request, *args, **kwargs):
        if self.docs_url:
            return redirect(reverse(f"{self.urls_namespace}:openapi-view"))
        return _unknown_path(request)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {}).setdefault(
            "ProblemOut", ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                _document_problems(method, operation)
        return schema


PROBLEM_DESCRIPTIONS = {
    400: "The request is not understood (a cursor that is not one of ours, a body that is not "
    "JSON).",
    401: "No live token: send `Authorization: Bearer <token>`.",
    403: "The token may not do this.",
    404: "There is no such object in this agency.",
    409: "The request conflicts with what is already there.",
    422: "A parameter or the body is not valid; `errors` says which.",
    429: "Too many requests: wait `Retry-After` seconds.",
}
NOT_MODIFIED = "Not Modified: the `If-None-Match` ETag still names this answer (no body)."
READS = ("get", "head")


def _document_problems(method: str, operation: dict) -> None:
    """Each status the shared layers can answer `operation` with (onemind.api_answers: the
    rate limit, ETags; the token; the path's object; the parameters), errors as problems."""
    responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
    operation["responses"] = responses
    parameters = operation.get("parameters", [])
    expected = {429}
    if operation.get("security"):
        expected |= {401, 403}
    if any(parameter["in"] == "path" for parameter in parameters):
        expected.add(404)
    if parameters or operation.get("requestBody"):
        expected.add(422)
    if operation.get("requestBody") or any(p["name"] == "cursor" for p in parameters):
        expected.add(400)
    for status in sorted(expected):
        responses.setdefault(str(status), {"description": PROBLEM_DESCRIPTIONS[status]})
    if method in READS:
        responses.setdefault("304", {"description": NOT_MODIFIED})
        if "200" in responses:
            responses["200"].setdefault("headers", {})["ETag"] = {
                "schema": {"type": "string"},
                "description": "A strong validator of the body, for `If-None-Match`.",
            }
    for status, response in responses.items():
        if not status.startswith(("4", "5")):
            continue
        if response.get("description") == HTTPStatus(int(status)).phrase:
            response["description"] = PROBLEM_DESCRIPTIONS.get(int(status), response["description"])
        content = response.setdefault("content", {})
        json_body = content.pop("application/json", None)
        content.setdefault(PROBLEM_JSON, json_body or {"schema": {"$ref": PROBLEM_SCHEMA}})
