"""The API, version 1: a records system reads an agency's people with the agency's token;
every error is problem details; and no token reaches another agency's rows."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.tokens.services import token_revoke
from tests.api import assert_problem, get, token_of
from tests.factories import (
    AgencyFactory,
    PartnershipVersionFactory,
    PersonFactory,
    TrainingRecordFactory,
    certificate_of,
)

PEOPLE = "/api/v1/people"


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
    """(method, path template, its id parameter) of every API operation that names an
    object."""
    schema = client.get(reverse("api:openapi-json")).json()
    for path_template, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation.get("security"):
                continue  # public (certificate verification): names no agency's private object
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    yield method, path_template, parameter["name"]


# How to make agency B's object for each id an API route can carry.
API_OBJECT_MAKERS = {"person_id": lambda agency: PersonFactory(agency=agency).public_id}
API_OBJECT_MAKERS["partnership_id"] = lambda agency: (
    PartnershipVersionFactory(partnership__organization__agency=agency).partnership.public_id
)
# Certified: another agency than the one reading (B's roster, grown by the walk, is not all
# trained).
API_OBJECT_MAKERS["certificate_id"] = lambda agency: certificate_of(AgencyFactory()).public_id
API_OBJECT_MAKERS["record_id"] = lambda agency: (
    TrainingRecordFactory(person__agency=agency).public_id
)


ALL_SCOPES = ["read", "write_people", "write_training"]


@pytest.mark.parametrize("scopes", [["read"], ["write_people"], ["write_training"], ALL_SCOPES])
def test_no_token_reaches_another_agencys_objects(client, agency_a, agency_b, scopes):
    """Every operation that names an object, read or write, with each kind of token, over
    agency B's ids: 404 (or 403 where the token may not do that at all), and B's object as
    it was."""
    _, text = token_of(agency_a, *scopes)
    routes = list(api_routes_with_ids(client))
    assert {method for method, _, _ in routes} >= {"get", "patch"}, "reads and writes walked"
    for method, path_template, parameter in routes:
        assert parameter in API_OBJECT_MAKERS, f"add a maker for {parameter} to API_OBJECT_MAKERS"
        theirs = API_OBJECT_MAKERS[parameter](agency_b)
        url = path_template.replace("{" + parameter + "}", str(theirs))
        response = getattr(client, method)(
            url, {"last_name": "Changed"} if method != "get" else None,
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {text}",
        )  # fmt: skip
        refusals = {404} if scopes == ALL_SCOPES else {403, 404}
        assert response.status_code in refusals, (method, url, response.content)
        assert_problem(response, response.status_code)
    assert not PersonFactory._meta.model.all_agencies.filter(last_name="Changed").exists()


def test_a_wrong_method_on_a_known_path_is_a_405_problem(client, agency_a):
    _, text = token_of(agency_a)
    response = client.delete(PEOPLE, HTTP_AUTHORIZATION=f"Bearer {text}")
    assert_problem(response, 405)
    assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/api/v1/people/a/b", "/api/v2/people"])
def test_an_unknown_api_address_is_a_404_problem_not_a_page(url):
    client = Client(enforce_csrf_checks=True)
    assert_problem(client.get(url), 404)
    assert_problem(client.post(url), 404)


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_its_page_are_only_read(client, url):
    assert client.get(url).status_code == 200
    response = Client(enforce_csrf_checks=True).post(url)
    assert_problem(response, 405)
    assert response["Allow"] == "GET, HEAD"


def test_a_moment_must_carry_its_offset(client, agency_a):
    _, text = token_of(agency_a)
    for moment in ("0.0", "1733300000", "2026-12-01T09:00:00", "2026-12-01"):
        body = assert_problem(get(client, PEOPLE, text, updated_since=moment), 422)
        assert body["errors"][0]["loc"] == ["query", "updated_since"], moment
    assert get(client, PEOPLE, text, updated_since="2026-12-01T09:00:00-05:00").status_code == 200


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("0158-04-30T14:01:40+21:47", 200),  # an offset PostgreSQL refuses, taken in UTC
        ("9999-12-31T23:59:59-23:59", 422),  # past the year 9999 in UTC
        ("0001-01-01T00:00:00+23:59", 422),  # before the year 1 in UTC
    ],
)
def test_any_offset_is_a_moment_or_a_422_never_a_crash(client, agency_a, moment, status):
    _, text = token_of(agency_a)
    response = get(client, PEOPLE, text, updated_since=moment)
    assert response.status_code == status, response.content


def test_the_schema_documents_each_operations_problems(client):
    schema = client.get(reverse("api:openapi-json")).json()
    problem_ref = {"$ref": "#/components/schemas/ProblemOut"}
    assert {"type", "title", "status", "detail"} <= set(
        schema["components"]["schemas"]["ProblemOut"]["properties"]
    )
    detail = schema["paths"]["/api/v1/people/{person_id}"]["get"]["responses"]
    listing = schema["paths"]["/api/v1/people"]["get"]["responses"]
    assert set(detail) == {"200", "304", "401", "403", "404", "422", "429"}
    assert set(listing) == {"200", "304", "400", "401", "403", "422", "429"}
    assert "ETag" in detail["200"]["headers"] and "content" not in detail["304"]
    for status, response in [*detail.items(), *listing.items()]:
        if status not in ("200", "304"):
            assert response["content"] == {"application/problem+json": {"schema": problem_ref}}


def test_the_reference_page_renders_the_schema_without_inline_script(client):
    assert client.get("/api/").url == reverse("api:openapi-view") == "/api/docs/"
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-schema-url="{reverse("api:openapi-json")}"' in html
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html and "js/api-docs.js" in html
    assert "<script>" not in html and " style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_tokens_page_and_every_footer_lead_to_the_reference(client, agency_a, coordinator):
    from tests.conftest import login

    login(client, coordinator)
    html = client.get(reverse("api_token_list", kwargs={"agency_slug": agency_a.slug})).content
    assert html.decode().count(f'href="{reverse("api:openapi-view")}"') == 2  # text and footer
