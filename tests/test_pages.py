"""Every page shares one accessible layout: language, title, landmarks, skip link, one
heading 1, and a label for every form control."""

import pytest
from django.urls import reverse

from agencies.models import Membership
from tests.conftest import login
from tests.factories import (
    CrisisPolicyFactory,
    ImportBatchFactory,
    PartnershipVersionFactory,
    PersonFactory,
    TrainingRecordFactory,
)
from tests.pages import check_page

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    check_page(response.content.decode())


def test_agency_pages_for_a_coordinator(client, agency_a, coordinator, editor):
    login(client, coordinator)
    member = Membership.all_agencies.get(user=editor)
    person = PersonFactory(agency=agency_a)
    record = TrainingRecordFactory(person=person)
    batch = ImportBatchFactory(agency=agency_a, uploaded_by=coordinator)
    version = PartnershipVersionFactory(partnership__organization__agency=agency_a)
    draft = PartnershipVersionFactory(partnership=version.partnership, signed_on=None)
    partnership = {"partnership_id": version.partnership.public_id}
    CrisisPolicyFactory(agency=agency_a)
    for name, kwargs in [
        ("import_list", {}),
        ("import_upload", {}),
        ("import_detail", {"batch_id": batch.public_id}),
        ("roster", {}),
        ("person_create", {}),
        ("person_detail", {"person_id": person.public_id}),
        ("person_edit", {"person_id": person.public_id}),
        ("person_status", {"person_id": person.public_id}),
        ("record_create", {"person_id": person.public_id}),
        ("record_evidence", {"person_id": person.public_id, "record_id": record.public_id}),
        ("class_create", {}),
        ("course_list", {}),
        ("course_propose", {}),
        ("partnership_list", {}),
        ("partnership_create", {}),
        ("organization_create", {}),
        ("organization_edit", {"organization_id": version.partnership.organization.public_id}),
        ("partnership_detail", partnership),
        ("partnership_renew", partnership),
        ("partnership_amend", partnership),
        ("partnership_draft_edit", {**partnership, "version_id": draft.public_id}),
        ("partnership_terminate", partnership),
        ("pledge_sign", {}),
        ("policy_detail", {}),
        ("policy_create", {}),
        ("agency_dashboard", {}),
        ("member_list", {}),
        ("member_invite", {}),
        ("member_edit", {"member_id": member.public_id}),
        ("agency_settings", {}),
        ("agency_audit", {}),
        ("email_preferences", {}),
    ]:
        response = client.get(reverse(name, kwargs={"agency_slug": agency_a.slug, **kwargs}))
        assert response.status_code == 200, name
        check_page(response.content.decode())
    for path in ["/agencies/new/", "/accounts/email/", "/accounts/2fa/"]:
        check_page(client.get(path).content.decode())


def test_unsubscribe_pages(client, agency_a, coordinator):
    from pledges.emails.subscriptions import Stream, unsubscribe_token

    token = unsubscribe_token(user_id=coordinator.pk, agency_id=agency_a.pk, stream=Stream.REPORTS)
    path = reverse("email_unsubscribe", kwargs={"token": token})
    check_page(client.get(path).content.decode())
    check_page(client.post(path).content.decode())
    forged = reverse("email_unsubscribe", kwargs={"token": "forged"})
    check_page(client.get(forged).content.decode())


def test_staff_pages(client, administrator):
    login(client, administrator, mfa=True)
    for name in [
        "staff:dashboard",
        "staff:audit",
        "staff:locked_accounts",
        "staff:course_proposals",
        "staff:outbox",
    ]:
        check_page(client.get(reverse(name)).content.decode())


def test_error_pages_use_the_layout(client, agency_a, stranger):
    login(client, stranger)
    response = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_a.slug}))
    assert response.status_code == 404
    assert "Page not found" in check_page(response.content.decode()).title


def test_a_form_with_errors_starts_with_a_linked_summary(client, agency_a, coordinator):
    login(client, coordinator)
    response = client.post(
        reverse("member_invite", kwargs={"agency_slug": agency_a.slug}),
        {"email": "not-an-address", "role": "editor"},
    )
    html = response.content.decode()
    check_page(html)
    assert "data-error-summary" in html
    assert 'href="#id_email"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_email_error"' in html


def test_security_headers(client, db):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_liveness_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/livez").content == b"ok"


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, db, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post("/accounts/login/", {"login": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    assert client.post("/accounts/login/", {"login": "a@b.example"}).status_code == 200
