"""The API under /api/: version 1's routers, which each app exposes from its own `api`
module, wired here; the OpenAPI 3.1 schema at /api/schema/; and every error answered as
RFC 9457 problem details. The reference page (/api/docs/), the problem answers at the address
level (404, 405) and the errors documented on every operation: onemind/api_contract.py."""

from __future__ import annotations

import logging

from django.http import Http404
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from onemind import api_answers
from onemind.api_contract import ApiDocs, ContractAPI
from onemind.lib.cursors import BadCursor
from onemind.lib.problems import problem, with_items
from partnerships import api as partnerships_api
from pledges import api as pledges_api
from training import api as training_api

log = logging.getLogger("django.request")

api = ContractAPI(
    title="One Mind Pledge Tracker API",
    version="1",
    description=(
        "An agency's roster and training for its records and learning systems. "
        "Authenticate with `Authorization: Bearer <token>`, a token the agency's coordinator "
        "creates under Agency settings → API tokens."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    docs=ApiDocs(),
)
api.add_router("/v1/people", training_api.people)
api.add_router("/v1/courses", training_api.courses)
api.add_router("/v1/progress", pledges_api.progress)
api.add_router("/v1/pledge", pledges_api.pledge)
api.add_router("/v1/partnerships", partnerships_api.router)
api.add_router("/v1/policy", pledges_api.crisis_policy)
api.add_router("/v1/certificates", pledges_api.certificates)
api.add_router("/v1/verify", pledges_api.verification)
api.add_router("/v1/training-records", training_api.training_records)
api_answers.install(api)  # rate limits and ETags, for every route


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, error):
    response = problem(401, "Send a live API token: Authorization: Bearer <token>.")
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(AuthorizationError)
def _forbidden(request, error):
    return problem(403, str(error) or "This token may not do this.")


@api.exception_handler(ValidationError)
def _invalid(request, error):
    return problem(422, "The request is not valid.", errors=with_items(error.errors, request.body))


@api.exception_handler(BadCursor)
def _bad_cursor(request, error):
    return problem(400, str(error))


@api.exception_handler(Http404)
def _not_found(request, error):
    return problem(404, "There is no such object in this agency.")


@api.exception_handler(HttpError)
def _http_error(request, error):
    return problem(error.status_code, str(error))


@api.exception_handler(Exception)
def _server_error(request, error):
    """Anything unforeseen: logged with its traceback as Django logs a server error, and
    answered as a problem like every other error (nothing of it shown)."""
    log.error("Internal Server Error: %s", request.path, exc_info=error)
    return problem(
        500,
        "Something went wrong on our side. Try again later: sent with its Idempotency-Key, a "
        "write is never made twice.",
    )
