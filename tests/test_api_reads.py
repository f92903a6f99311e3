"""The API's reads beyond people: courses, progress, the pledge, partnerships, the policy and
certificates with an agency's token, public verification without one; an ETag on every read
and 304 when it still holds; a rate limit per token, told in every answer's headers."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from pledges.certification import services as certification
from pledges.queries import dashboard
from tests.api import assert_problem, get, token_of
from tests.factories import (
    CrisisPolicyFactory,
    PartnershipFactory,
    PartnershipVersionFactory,
    PersonFactory,
    UserFactory,
    certificate_of,
    meets_everything,
    shared_agreement,
    sign,
)
from training import services as training_services
from training.models import Course, CourseKind, CourseStatus

V1 = "/api/v1"


def propose(agency, name, kind=CourseKind.CIT_EQUIVALENT):
    return training_services.course_propose(
        agency=agency, actor=UserFactory(), name=name, kind=kind, hours=40
    )


# Courses.


def test_courses_are_the_catalogue_and_the_agencys_own_with_their_status(
    client, agency_a, agency_b
):
    mine = propose(agency_a, "Riverton crisis course")
    propose(agency_b, "Another agency's course")
    _, text = token_of(agency_a)
    body = get(client, f"{V1}/courses", text).json()
    by_name = {item["name"]: item for item in body["items"]}
    program = Course.objects.filter(agency=None)
    assert set(by_name) == {c.name for c in program} | {mine.name}
    assert by_name[mine.name]["status"] == CourseStatus.PROPOSED
    assert by_name[mine.name]["program"] is False and by_name[mine.name]["counts"] is False
    cit = by_name[program.get(kind=CourseKind.CIT).name]
    assert cit["program"] is True and cit["counts"] is True and cit["kind"] == "cit"


def test_courses_page_by_cursor_in_constant_queries(
    client, agency_a, django_assert_max_num_queries
):
    _, text = token_of(agency_a)
    get(client, f"{V1}/courses", text)  # the token's last use noted
    for n in range(3):
        propose(agency_a, f"Course {n}")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(2):  # the token, the page (with refreshed courses)
            body = get(client, f"{V1}/courses", text, **params).json()
        seen += [item["name"] for item in body["items"]]
        if not (cursor := body["next_cursor"]):
            break
    assert len(seen) == len(set(seen)) == Course.objects.filter(agency=None).count() + 3


# Progress and the pledge.


def test_progress_is_the_dashboards_evaluation(client, agency_a):
    meets_everything(agency_a)
    PersonFactory(agency=agency_a)  # one untrained: coverage not met
    _, text = token_of(agency_a)
    body = get(client, f"{V1}/progress", text).json()
    shown = dashboard(agency_a).evaluation
    assert body["all_met"] is False and body["on"] == agency_a.today().isoformat()
    assert [r["key"] for r in body["requirements"]] == ["partnership", "policy", "cit", "coverage"]
    for item, requirement in zip(body["requirements"], shown.requirements, strict=True):
        assert (item["met"], item["count"], item["required"], item["total"]) == (
            requirement.met, requirement.count, requirement.required, requirement.total,
        )  # fmt: skip
        assert item["missing"] == [str(m) for m in requirement.missing]
    coverage = body["requirements"][3]
    assert (coverage["count"], coverage["total"], coverage["percent"]) == (5, 6, "83.3%")
    assert coverage["missing"]


def test_progress_of_a_new_agency_says_what_is_missing(client, agency_a):
    _, text = token_of(agency_a)
    body = get(client, f"{V1}/progress", text).json()
    partnership, policy = body["requirements"][:2]
    assert partnership["met"] is False and "No partnership" in partnership["missing"][0]
    assert policy["met"] is False and policy["count"] is None and policy["percent"] is None


def test_the_pledge_with_its_window_and_pace(client, agency_a, coordinator):
    _, text = token_of(agency_a)
    assert "no pledge" in assert_problem(get(client, f"{V1}/pledge", text), 404)["detail"]
    pledge = sign(agency_a, coordinator)
    body = get(client, f"{V1}/pledge", text).json()
    today = agency_a.today()
    assert body["id"] == str(pledge.public_id) and body["status"] == "pledged"
    assert body["pledged_on"] == today.isoformat()
    assert body["window"] == {
        "starts_on": today.isoformat(),
        "ends_on": pledge.target_date.isoformat(),
        "min_months": 12,
        "max_months": 36,
    }
    assert body["days_left"] == (pledge.target_date - today).days
    assert body["pace"] == {
        "projected_on": None,
        "at_risk": False,
        "words": "No one is in scope yet.",
    }


# Partnerships.


def test_partnerships_with_versions_fingerprints_and_shared_ones(client, agency_a, agency_b):
    own = PartnershipVersionFactory(
        partnership__organization__agency=agency_a, document__sha256="a" * 64
    )
    shared = shared_agreement(agency_b, agency_a)  # B leads; A's part awaits confirmation
    PartnershipVersionFactory(partnership__organization__agency=agency_b)  # B's own
    _, text = token_of(agency_a)
    items = get(client, f"{V1}/partnerships", text).json()["items"]
    by_id = {item["id"]: item for item in items}
    assert set(by_id) == {str(own.partnership.public_id), str(shared.public_id)}

    mine = by_id[str(own.partnership.public_id)]
    assert (mine["lead"], mine["shared"], mine["status"], mine["counts"]) == (
        True, False, "active", True,
    )  # fmt: skip
    [version] = mine["versions"]
    assert version["document"]["sha256"] == "a" * 64 and version["in_force"] is True

    theirs = by_id[str(shared.public_id)]
    assert (theirs["lead"], theirs["shared"], theirs["party_status"]) == (False, True, "awaiting")
    assert theirs["status"] == "unconfirmed" and theirs["counts"] is False
    assert "confirmation" in theirs["problem"]

    detail = get(client, f"{V1}/partnerships/{shared.public_id}", text).json()
    assert detail == theirs


def test_another_agencys_partnership_is_not_found(client, agency_a, agency_b):
    theirs = PartnershipFactory(organization__agency=agency_b)
    _, text = token_of(agency_a)
    assert_problem(get(client, f"{V1}/partnerships/{theirs.public_id}", text), 404)


def test_partnerships_read_in_constant_queries(client, agency_a, django_assert_max_num_queries):
    _, text = token_of(agency_a)
    get(client, f"{V1}/partnerships", text)
    for size in (1, 4):
        for _ in range(size):
            PartnershipVersionFactory(partnership__organization__agency=agency_a)
        with django_assert_max_num_queries(5):  # the token, partnerships, versions, parties
            assert len(get(client, f"{V1}/partnerships", text).json()["items"]) in (1, 5)


# The policy.


def test_the_policy_with_its_elements_and_fingerprint(client, agency_a):
    _, text = token_of(agency_a)
    body = get(client, f"{V1}/policy", text).json()
    assert body["met"] is False and body["in_force"] is None and body["versions"] == []
    assert body["missing"]

    CrisisPolicyFactory(agency=agency_a, referrals_at="", document__sha256="b" * 64)
    body = get(client, f"{V1}/policy", text).json()
    assert body["met"] is False and "making referrals" in body["missing"][0]
    current = body["in_force"]
    assert current["covered_count"] == 5 and current["document"]["sha256"] == "b" * 64
    referrals = next(e for e in current["elements"] if e["element"] == "referrals")
    assert referrals == {
        "element": "referrals",
        "label": "Making referrals",
        "where": "",
        "covered": False,
    }
    assert [v["id"] for v in body["versions"]] == [current["id"]]


# Certificates.


@pytest.fixture
def certificate(agency_a):
    return certificate_of(agency_a)


def test_certificates_list_and_detail_with_the_verification_link(
    client, agency_a, certificate, settings
):
    _, text = token_of(agency_a)
    [item] = get(client, f"{V1}/certificates", text).json()["items"]
    assert item["number"] == certificate.number and item["valid"] is True
    assert item["verification_url"] == settings.SITE_URL + reverse(
        "certificate_verify_token", kwargs={"token": certificate.token}
    )
    detail = get(client, f"{V1}/certificates/{certificate.public_id}", text).json()
    assert detail == item


def test_a_revoked_certificate_says_so(client, agency_a, certificate, reviewer):
    certification.certificate_revoke(
        actor=reviewer, certificate=certificate, reason="Issued in error."
    )
    _, text = token_of(agency_a)
    body = get(client, f"{V1}/certificates/{certificate.public_id}", text).json()
    assert body["valid"] is False and body["revoked_at"] and body["revoked_reason"]


def test_another_agencys_certificate_is_not_found(client, agency_a, agency_b):
    theirs = certificate_of(agency_b)
    _, text = token_of(agency_a)
    assert get(client, f"{V1}/certificates", text).json()["items"] == []
    assert_problem(get(client, f"{V1}/certificates/{theirs.public_id}", text), 404)


def test_certificates_read_in_constant_queries(
    client, agency_a, certificate, django_assert_max_num_queries
):
    _, text = token_of(agency_a)
    get(client, f"{V1}/certificates", text)
    with django_assert_max_num_queries(2):  # the token, the page
        assert get(client, f"{V1}/certificates", text).status_code == 200


# Public verification.

PUBLIC_FIELDS = {"number", "agency", "place", "ori", "issued_on", "valid", "revoked_on", "changes"}


def test_verification_by_number_or_link_shows_what_the_public_page_shows(
    client, agency_a, certificate
):
    by_number = client.get(f"{V1}/verify/{certificate.number.lower()}")
    by_link = client.get(f"{V1}/verify/{certificate.token}")
    assert by_number.status_code == by_link.status_code == 200
    body = by_number.json()
    assert body == by_link.json() and set(body) == PUBLIC_FIELDS
    assert (body["number"], body["agency"], body["valid"]) == (
        certificate.number, agency_a.name, True,
    )  # fmt: skip
    page = client.get(reverse("certificate_verify_token", kwargs={"token": certificate.token}))
    assert agency_a.name in page.content.decode()
    text = by_number.content.decode()
    for private in (certificate.token, str(certificate.public_id), "reason", "pdf", "review"):
        assert private not in text


def test_verification_of_nothing_is_404_problem(client, db):
    assert_problem(client.get(f"{V1}/verify/OM-2031-000001"), 404)
    assert_problem(client.get(f"{V1}/verify/{'t' * 43}"), 404)
    assert_problem(client.get(f"{V1}/verify/not a number"), 404)


TWELVE_OH_FIVE = datetime(2031, 5, 6, 12, 0, 5, tzinfo=UTC)


def test_verification_is_limited_per_client_with_the_public_page(client, settings, db):
    settings.VERIFY_LOOKUPS_PER_MINUTE = 2
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        first = client.get(f"{V1}/verify/OM-2031-000001", REMOTE_ADDR="203.0.113.7")
        assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("2", "1")
        assert client.get(
            reverse("certificate_verify"), {"number": "OM-2031-000002"}, REMOTE_ADDR="203.0.113.7"
        ).status_code == 200  # fmt: skip
        refused = client.get(f"{V1}/verify/OM-2031-000003", REMOTE_ADDR="203.0.113.7")
        assert_problem(refused, 429)
        assert refused["Retry-After"] == "55" and refused["RateLimit-Remaining"] == "0"
        other = client.get(f"{V1}/verify/OM-2031-000003", REMOTE_ADDR="198.51.100.4")
        assert other.status_code == 404
    with time_machine.travel(TWELVE_OH_FIVE + timedelta(minutes=1), tick=False):
        later = client.get(f"{V1}/verify/OM-2031-000003", REMOTE_ADDR="203.0.113.7")
        assert later.status_code == 404


# Refusals on every new route.

ROUTES = ["courses", "progress", "pledge", "partnerships", "policy", "certificates"]


@pytest.mark.parametrize("route", ROUTES)
def test_refused_without_a_live_token_or_the_read_scope(client, agency_a, route):
    assert_problem(client.get(f"{V1}/{route}"), 401)
    _, text = token_of(agency_a, valid_days=30)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert_problem(get(client, f"{V1}/{route}", text), 401)  # expired
    _, text = token_of(agency_a, "write_people")
    assert_problem(get(client, f"{V1}/{route}", text), 403)


# ETags.


@pytest.mark.parametrize("route", [*ROUTES, "people"])
def test_every_read_has_an_etag_and_answers_304_while_it_holds(client, agency_a, route):
    _, text = token_of(agency_a)
    first = get(client, f"{V1}/{route}", text)
    assert first.status_code in (200, 404)  # the pledge: none yet
    if first.status_code == 404:
        assert not first.has_header("ETag")
        return
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    auth = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    again = client.get(f"{V1}/{route}", HTTP_IF_NONE_MATCH=etag, **auth)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    weak = client.get(f"{V1}/{route}", HTTP_IF_NONE_MATCH=f'"other", W/{etag}', **auth)
    assert weak.status_code == 304
    other = client.get(f"{V1}/{route}", HTTP_IF_NONE_MATCH='"other"', **auth)
    assert other.status_code == 200 and other.content == first.content


def test_the_etag_changes_with_the_data(client, agency_a):
    _, text = token_of(agency_a)
    before = get(client, f"{V1}/people", text)["ETag"]
    PersonFactory(agency=agency_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    after = client.get(f"{V1}/people", HTTP_IF_NONE_MATCH=before, **auth)
    assert after.status_code == 200 and after["ETag"] != before


def test_a_refusal_has_no_etag(client, agency_a, agency_b):
    _, text = token_of(agency_a)
    theirs = PartnershipFactory(organization__agency=agency_b)
    refused = get(client, f"{V1}/partnerships/{theirs.public_id}", text)
    assert refused.status_code == 404 and not refused.has_header("ETag")
    assert client.get(f"{V1}/progress", HTTP_IF_NONE_MATCH="*").status_code == 401


# Rate limits per token.


def test_each_token_has_its_own_limit_told_in_every_answer(client, agency_a, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        _, text = token_of(agency_a)
        _, other = token_of(agency_a)
        for remaining in ("2", "1", "0"):
            answer = get(client, f"{V1}/progress", text)
            assert answer.status_code == 200
            assert (answer["RateLimit-Limit"], answer["RateLimit-Remaining"]) == ("3", remaining)
            assert answer["RateLimit-Reset"] == "55"
        refused = get(client, f"{V1}/people", text)
        body = assert_problem(refused, 429)
        assert refused["Retry-After"] == "55" and body["retry_after"] == 55
        assert (refused["RateLimit-Remaining"], refused["RateLimit-Reset"]) == ("0", "55")
        assert get(client, f"{V1}/progress", other).status_code == 200  # its own count
    with time_machine.travel(TWELVE_OH_FIVE + timedelta(seconds=50), tick=False):
        assert get(client, f"{V1}/progress", text)["Retry-After"] == "5"
    with time_machine.travel(TWELVE_OH_FIVE + timedelta(minutes=1), tick=False):
        again = get(client, f"{V1}/progress", text)
        assert again.status_code == 200 and again["RateLimit-Remaining"] == "2"


def test_a_304_and_a_404_count_and_carry_the_headers(client, agency_a, settings):
    settings.API_REQUESTS_PER_MINUTE = 600
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        _, text = token_of(agency_a)
        etag = get(client, f"{V1}/progress", text)["ETag"]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
        unchanged = client.get(f"{V1}/progress", HTTP_IF_NONE_MATCH=etag, **auth)
        assert unchanged.status_code == 304 and unchanged["RateLimit-Remaining"] == "598"
        missing = get(client, f"{V1}/pledge", text)
        assert missing.status_code == 404 and missing["RateLimit-Remaining"] == "597"


def test_refusals_before_a_token_is_counted_count_per_client_address(client, agency_a, settings):
    settings.API_REQUESTS_PER_MINUTE = 2
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        _, write_only = token_of(agency_a, "write_people")
        _, reader = token_of(agency_a)
        guess = client.get(f"{V1}/progress", REMOTE_ADDR="203.0.113.7")
        assert guess.status_code == 401 and guess["RateLimit-Remaining"] == "1"
        scoped = client.get(
            f"{V1}/progress", HTTP_AUTHORIZATION=f"Bearer {write_only}", REMOTE_ADDR="203.0.113.7"
        )
        assert scoped.status_code == 403 and scoped["RateLimit-Remaining"] == "0"
        refused = client.get(f"{V1}/progress", REMOTE_ADDR="203.0.113.7")
        assert_problem(refused, 429)
        assert refused["Retry-After"] == "55"
        assert client.get(f"{V1}/progress", REMOTE_ADDR="198.51.100.4").status_code == 401
        live = client.get(
            f"{V1}/progress", HTTP_AUTHORIZATION=f"Bearer {reader}", REMOTE_ADDR="203.0.113.7"
        )
        assert live.status_code == 200  # a live token is counted by itself


def test_with_the_cache_down_requests_go_on(client, agency_a, settings, redis_down):
    """Production's cache (onemind.cache) while Redis is down: nothing is counted, nothing
    is refused, the answers still say the limit."""
    settings.API_REQUESTS_PER_MINUTE = 1
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        _, text = token_of(agency_a)
        for _ in range(3):
            answer = get(client, f"{V1}/progress", text)
            assert answer.status_code == 200 and answer["RateLimit-Limit"] == "1"


# The schema.


def test_the_schema_declares_each_status_of_each_operation(client):
    schema = client.get(reverse("api:openapi-json")).json()
    assert "ProblemOut" in schema["components"]["schemas"]
    paths = schema["paths"]
    for route in ROUTES:
        assert f"/api/v1/{route}" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes and any(code.startswith("2") for code in codes), path
            if method == "get":
                assert "304" in codes, path
            if operation.get("security"):
                assert {"401", "403"} <= codes, path
            if "{" in path:
                assert "404" in codes, path
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], path
    assert "security" not in paths["/api/v1/verify/{reference}"]["get"]
