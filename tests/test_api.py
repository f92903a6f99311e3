"""The API, version 1: a records system reads an agency's people with the agency's token;
every error is problem details; and no token reaches another agency's rows."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from agencies.tokens.services import token_create, token_revoke
from tests.factories import PersonFactory, TrainingRecordFactory, UserFactory

PEOPLE = "/api/v1/people"


def token_of(agency, *scopes, valid_days=90):
    return token_create(
        agency=agency, actor=UserFactory(), name="RMS sync", scopes=list(scopes or ["read"]),
        valid_days=valid_days,
    )  # fmt: skip


def get(client, url, text, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {text}")


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_a_records_system_reads_the_roster_page_by_page(client, agency_a, agency_b):
    mine = [PersonFactory(agency=agency_a) for _ in range(5)]
    PersonFactory(agency=agency_b)
    _, text = token_of(agency_a)

    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = get(client, PEOPLE, text, **params).json()
        seen += [item["employee_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [p.employee_id for p in mine]  # in order of change, B's nobody


def test_only_people_changed_since_a_moment(client, agency_a):
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        PersonFactory(agency=agency_a, employee_id="OLD-1")
    since = timezone.now() - timedelta(days=1)
    PersonFactory(agency=agency_a, employee_id="NEW-1")
    _, text = token_of(agency_a)
    body = get(client, PEOPLE, text, updated_since=since.isoformat()).json()
    assert [item["employee_id"] for item in body["items"]] == ["NEW-1"]


def test_reading_one_person(client, agency_a):
    person = PersonFactory(agency=agency_a, employee_id="A-17", last_name="Okafor")
    _, text = token_of(agency_a)
    body = get(client, f"{PEOPLE}/{person.public_id}", text).json()
    assert (body["id"], body["employee_id"], body["last_name"]) == (
        str(person.public_id), "A-17", "Okafor",
    )  # fmt: skip


def test_the_list_reads_in_constant_queries(client, agency_a, django_assert_num_queries):
    _, text = token_of(agency_a)
    with time_machine.travel(timezone.now(), tick=False):
        with django_assert_num_queries(3):  # the token, its last use noted, the page
            assert get(client, PEOPLE, text).status_code == 200
        for size in (1, 30):
            for _ in range(size):
                PersonFactory(agency=agency_a)
            with django_assert_num_queries(2):  # the token (last use noted a moment ago), the page
                assert get(client, PEOPLE, text).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer ", "Bearer om_nothing", "Token abc", "Basic dXNlcjpwYXNz"],
)
def test_without_a_live_token_401_problem(client, authorization):
    response = client.get(PEOPLE, HTTP_AUTHORIZATION=authorization)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_are_refused(client, agency_a, coordinator):
    token, text = token_of(agency_a)
    token_revoke(agency=agency_a, actor=coordinator, token=token)
    assert_problem(get(client, PEOPLE, text), 401)
    _, text = token_of(agency_a, valid_days=30)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert_problem(get(client, PEOPLE, text), 401)


def test_a_token_that_may_not_read_gets_403(client, agency_a):
    _, text = token_of(agency_a, "write_people")
    assert "read" in assert_problem(get(client, PEOPLE, text), 403)["detail"]


def test_bad_parameters_are_problems_not_crashes(client, agency_a):
    _, text = token_of(agency_a)
    assert_problem(get(client, PEOPLE, text, cursor="made-up"), 400)
    body = assert_problem(get(client, PEOPLE, text, limit=0), 422)
    assert body["errors"][0]["loc"] == ["query", "limit"]
    assert_problem(get(client, PEOPLE, text, updated_since="yesterday"), 422)
    assert get(client, f"{PEOPLE}/not-a-uuid", text).status_code in (404, 422)


def test_the_schema_is_openapi_3_1_and_documents_every_route(client):
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/people", "/api/v1/people/{person_id}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]


def api_routes_with_ids(client):
    """(path template, its id parameter) of every API route that names an object."""
    schema = client.get(reverse("api:openapi-json")).json()
    for path_template, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    yield path_template, parameter["name"]


# How to make agency B's object for each id an API route can carry.
API_OBJECT_MAKERS = {"person_id": lambda agency: PersonFactory(agency=agency).public_id}
API_OBJECT_MAKERS["record_id"] = lambda agency: (
    TrainingRecordFactory(person__agency=agency).public_id
)


@pytest.mark.parametrize("scopes", [["read"], ["read", "write_people", "write_training"]])
def test_no_token_reaches_another_agencys_objects(client, agency_a, agency_b, scopes):
    _, text = token_of(agency_a, *scopes)
    routes = list(api_routes_with_ids(client))
    assert routes, "the walk finds the routes that name objects"
    for path_template, parameter in routes:
        assert parameter in API_OBJECT_MAKERS, f"add a maker for {parameter} to API_OBJECT_MAKERS"
        theirs = API_OBJECT_MAKERS[parameter](agency_b)
        url = path_template.replace("{" + parameter + "}", str(theirs))
        assert_problem(get(client, url, text), 404)
