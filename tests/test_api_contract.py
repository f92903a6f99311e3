"""The API's schema as a contract: Schemathesis reads /api/schema/ from a live server and sends
every operation the schema has at the time (none is listed here), generated requests valid and
invalid, with a token that may do everything; then it follows the links between operations
(the list's ids into a read; a create's id into a read), which it infers from the schema.
Each answer must be no 5xx, a status the schema documents, with the content type, body and
headers it documents; an invalid request must be refused and a request without the token
answered 401. Every path answers a method it does not list with a 405 problem.

Deterministic: Hypothesis derandomized (examples drawn from a fixed seed), a bounded number of
examples per operation and of steps per scenario. A failure prints a `curl` line to replay it.
"""

import re
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.specs.openapi import checks as openapi_checks

from agencies.tokens.services import token_create
from tests.conftest import restore_program_seeds
from tests.factories import PersonFactory, UserFactory

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.ignored_auth,
]
EXAMPLES = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
STEPS = settings(EXAMPLES, max_examples=10, stateful_step_count=4)


@pytest.fixture
def api_schema(live_server, agency_a, agency_b):
    """The schema as a client loads it, with an agency's roster and a token of every scope."""
    restore_program_seeds()
    for agency in (agency_a, agency_a, agency_a, agency_b):
        PersonFactory(agency=agency)
    _, text = token_create(
        agency=agency_a, actor=UserFactory(), name="Contract", valid_days=30,
        scopes=["read", "write_people", "write_training"],
    )  # fmt: skip
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    schema.config.update(base_url=live_server.url)

    @schema.auth()
    class AgencyToken:
        """The token, set as the schema's security scheme says: Schemathesis knows it for
        the caller's own, and probes each operation without it and with a forged one."""

        def get(self, case, context):
            return text

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_to_the_schema(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 2, "the schema lists the API's operations"
    failures = []
    for operation in operations:

        @EXAMPLES
        @given(case=operation.as_strategy(generation_mode=mode))
        def requests_to(case):
            case.call_and_validate(checks=CHECKS)

        try:
            requests_to()
        except Unsatisfiable:
            # Nothing of the operation can be sent invalid (no parameters, or a free text).
            assert mode == GenerationMode.NEGATIVE, f"{operation.label}: no valid request"
        except Exception as failure:  # every operation is tried; all its failures are shown
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_operations_chained_by_the_schemas_links_keep_to_it(api_schema):
    machine = api_schema.as_state_machine()

    class Scenario(machine):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Scenario.run(settings=STEPS)


def test_a_method_the_schema_does_not_list_is_a_405_problem(api_schema, live_server):
    session = requests.Session()
    session.headers.update(api_schema.config.headers or {})
    for path, operations in api_schema.raw_schema["paths"].items():
        documented = {method.upper() for method in operations if method.upper() in METHODS}
        url = live_server.url + re.sub(r"\{\w+\}", str(uuid.uuid4()), path)
        for method in sorted(METHODS - documented):
            response = session.request(method, url)
            assert response.status_code == 405, f"{method} {path}: {response.status_code}"
            assert response.headers["Content-Type"] == "application/problem+json"
            assert set(response.headers["Allow"].split(", ")) == documented, f"{method} {path}"
            assert response.json()["status"] == 405
