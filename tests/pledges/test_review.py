"""Program staff review submissions; approval certifies and issues a verifiable certificate."""

import io
import re
import threading
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agencies.models import Agency, AuditEvent, Membership, Role
from pledges import services, tasks
from pledges.certification import services as certification
from pledges.models import Certificate, Pledge, Review, Submission
from tests.conftest import login
from tests.factories import PersonFactory, meets_everything, sign


@pytest.fixture
def submitted(agency_a, coordinator):
    """Agency A's pledge, submitted; program staff have verified the agency."""
    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    return services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge)


def review_url(submission):
    return reverse("staff:review_detail", kwargs={"submission_id": submission.public_id})


def test_return_fix_resubmit_approve(
    client, agency_a, coordinator, reviewer, submitted, django_capture_on_commit_callbacks
):
    login(client, reviewer, mfa=True)
    queue = client.get(reverse("staff:review_queue")).content.decode()
    assert agency_a.name in queue and review_url(submitted) in queue
    page = client.get(review_url(submitted)).content.decode()
    assert submitted.snapshot_sha256 in page and "People counted (5 in scope)" in page

    client.post(
        review_url(submitted),
        {"decision": "return", "policy": "Section 4 does not list local providers."},
    )

    assert Pledge.all_agencies.get().status == "returned"
    review = Review.all_agencies.get()
    assert review.snapshot_sha256 == submitted.snapshot_sha256
    login(client, coordinator)
    dashboard = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_a.slug}))
    assert "Section 4 does not list local providers." in dashboard.content.decode()

    client.post(reverse("pledge_submit", kwargs={"agency_slug": agency_a.slug}))
    resubmitted = Submission.all_agencies.order_by("-submitted_at").first()
    assert resubmitted.pk != submitted.pk
    login(client, reviewer, mfa=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_url(resubmitted), {"decision": "approve"})

    certificate = Certificate.all_agencies.get()
    assert re.fullmatch(rf"OM-{certificate.issued_on.year}-000001", certificate.number)
    assert Pledge.all_agencies.get().status == "certified"
    login(client, coordinator)
    response = client.get(
        reverse(
            "certificate_download",
            kwargs={"agency_slug": agency_a.slug, "certificate_id": certificate.public_id},
        )
    )
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = pdf.pages[0].extract_text()
    assert agency_a.name in text and certificate.number in text
    assert pdf.pages[0].mediabox.width > pdf.pages[0].mediabox.height  # landscape
    assert pdf.metadata.title.startswith(f"Certificate {certificate.number}")


@pytest.fixture
def submitted_unverified(agency_a, coordinator):
    """Agency A's pledge, submitted before program staff verified who the agency is."""
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    return services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge)


def test_an_agency_staff_have_not_verified_cannot_be_certified(reviewer, submitted_unverified):
    with pytest.raises(ValidationError, match="not verified") as refused:
        certification.review_approve(reviewer=reviewer, submission=submitted_unverified)
    assert "Verify the agency first" in refused.value.messages[0]
    assert Pledge.all_agencies.get().status == "submitted"
    assert not Review.all_agencies.exists() and not Certificate.all_agencies.exists()


def test_the_review_page_says_to_verify_the_agency_before_approving(
    client, agency_a, reviewer, submitted_unverified
):
    login(client, reviewer, mfa=True)
    page = client.get(review_url(submitted_unverified)).content.decode()
    assert "Approve and certify" not in page and "Return for changes" in page
    assert "cannot be approved yet: program staff have not verified the agency" in page
    agency_page = reverse("staff:agency_detail", kwargs={"agency_id": agency_a.public_id})
    assert f'href="{agency_page}#identity-heading"' in page

    refused = client.post(review_url(submitted_unverified), {"decision": "approve"})
    assert "The agency is not verified, so it cannot be approved." in refused.content.decode()
    assert not Certificate.all_agencies.exists()

    verified = client.post(
        reverse("staff:agency_verify"), {"verify": str(agency_a.public_id), "next": agency_page}
    )
    assert verified["Location"] == agency_page
    page = client.get(review_url(submitted_unverified)).content.decode()
    assert "Approve and certify" in page and "cannot be approved yet" not in page
    client.post(review_url(submitted_unverified), {"decision": "approve"})
    assert Certificate.all_agencies.get().agency_name == agency_a.name


def test_a_return_needs_a_comment(reviewer, submitted):
    with pytest.raises(Exception, match="Comment on at least one requirement"):
        certification.review_return(reviewer=reviewer, submission=submitted, comments={"cit": " "})
    assert not Review.all_agencies.exists()


def test_a_decision_is_made_once(reviewer, administrator, submitted):
    certification.review_approve(reviewer=reviewer, submission=submitted)
    with pytest.raises(Exception, match="decided already"):
        certification.review_return(
            reviewer=administrator, submission=submitted, comments={"cit": "Too late"}
        )
    assert Review.all_agencies.count() == 1 and Certificate.all_agencies.count() == 1


def test_staff_who_belong_to_the_agency_cannot_decide_its_pledge(agency_a, reviewer, submitted):
    Membership.all_agencies.create(agency=agency_a, user=reviewer, role=Role.COORDINATOR)
    with pytest.raises(Exception, match="another reviewer decides"):
        certification.review_approve(reviewer=reviewer, submission=submitted)
    assert Pledge.all_agencies.get().status == "submitted"


def test_agency_members_reach_no_review_page(client, coordinator, coordinator_b, submitted):
    for member in (coordinator, coordinator_b):
        login(client, member)
        assert client.get(review_url(submitted)).status_code == 403
        assert client.post(review_url(submitted), {"decision": "approve"}).status_code == 403
    assert Pledge.all_agencies.get().status == "submitted"


def test_opening_a_document_as_staff_is_recorded(client, reviewer, submitted):
    document_id = submitted.snapshot["policy"]["document"]["id"]
    login(client, reviewer, mfa=True)
    response = client.get(reverse("staff:staff_document", kwargs={"document_id": document_id}))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="document.opened_by_staff", actor=reviewer).exists()


def test_a_revoked_certificate_shows_as_revoked_and_the_page_leaks_nothing(
    client, agency_a, coordinator, reviewer, submitted
):
    _, certificate = certification.review_approve(reviewer=reviewer, submission=submitted)
    person = PersonFactory(agency=agency_a, last_name="Zebulon-Private")
    by_link = reverse("certificate_verify_token", kwargs={"token": certificate.token})

    valid = client.get(by_link).content.decode()
    assert "Valid certificate" in valid and agency_a.name in valid

    certification.certificate_revoke(
        actor=reviewer, certificate=certificate, reason="Policy withdrawn"
    )
    for page in (
        client.get(by_link).content.decode(),
        client.get(reverse("certificate_verify"), {"number": certificate.number}).content.decode(),
    ):
        assert "Revoked certificate" in page and certificate.number in page
        for private in (
            coordinator.email,
            reviewer.email,
            "Policy withdrawn",
            person.last_name,
            submitted.snapshot_sha256,
            str(agency_a.public_id),
        ):
            assert private not in page


def test_an_unknown_number_or_link_says_so(client, db):
    assert (
        "No such certificate"
        in client.get(reverse("certificate_verify"), {"number": "OM-2027-999999"}).content.decode()
    )
    assert (
        client.get(reverse("certificate_verify_token", kwargs={"token": "x" * 43})).status_code
        == 404
    )


def test_reissue_revokes_and_issues_the_next_number(reviewer, submitted):
    _, first = certification.review_approve(reviewer=reviewer, submission=submitted)
    second = certification.certificate_reissue(
        actor=reviewer, certificate=first, reason="Name changed"
    )
    first.refresh_from_db()
    assert first.revoked_at and second.replaces == first
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_get_distinct_consecutive_numbers():
    numbers, errors = [], []
    barrier = threading.Barrier(4)

    def approve():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(certification.next_certificate_number(2031))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(numbers) == [f"OM-2031-{n:06d}" for n in range(1, 5)]


def test_pdf_rendering_fetches_only_static_files_and_data_urls(settings):
    from onemind.lib.pdfs import STATIC_DIR, LocalFilesOnly

    fetcher = LocalFilesOnly()
    for refused in (
        "https://example.com/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / "manage.py").resolve().as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
    stylesheet = fetcher.fetch((STATIC_DIR / "css" / "certificate.css").as_uri())
    assert b"@page" in stylesheet.read()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_an_upper_case_file_scheme_is_no_way_around_the_fetcher():
    from onemind.lib.pdfs import LocalFilesOnly

    for url in ("FILE:///etc/passwd", "File:///etc/passwd", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            LocalFilesOnly().fetch(url)


def test_a_revocation_during_rendering_stands(reviewer, submitted):
    _, certificate = certification.review_approve(reviewer=reviewer, submission=submitted)

    def render_then_revoked(cert):
        certification.certificate_revoke(actor=reviewer, certificate=cert, reason="Mistake")
        return b"%PDF-1.7\n%%EOF"

    with mock.patch("pledges.tasks.certificate_pdf", side_effect=render_then_revoked):
        tasks.render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.pdf


def test_a_revoked_certificate_is_not_downloadable_and_a_lost_file_is_rendered_again(
    client, agency_a, coordinator, reviewer, submitted
):
    _, certificate = certification.review_approve(reviewer=reviewer, submission=submitted)
    url = reverse(
        "certificate_download",
        kwargs={"agency_slug": agency_a.slug, "certificate_id": certificate.public_id},
    )
    Certificate.all_agencies.filter(pk=certificate.pk).update(pdf="certificates/lost.pdf")
    login(client, coordinator)
    with mock.patch.object(tasks.render_certificate_pdf, "apply_async") as asked:
        pending = client.get(url)
        client.get(url)  # a reload while the worker renders asks no second time
    assert pending.status_code == 202 and pending["Retry-After"] == "10"
    assert "being prepared" in pending.content.decode()
    asked.assert_called_once_with((certificate.pk,))
    tasks.render_certificate_pdf(certificate.pk)  # the worker's render
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    certification.certificate_revoke(actor=reviewer, certificate=certificate, reason="Withdrawn")
    assert client.get(url).status_code == 404


def test_staff_who_belong_to_the_agency_cannot_revoke_its_certificate(
    agency_a, reviewer, administrator, submitted
):
    _, certificate = certification.review_approve(reviewer=administrator, submission=submitted)
    Membership.all_agencies.create(agency=agency_a, user=reviewer, role=Role.VIEWER)
    with pytest.raises(Exception, match="another reviewer decides"):
        certification.certificate_revoke(actor=reviewer, certificate=certificate, reason="x")


def test_an_odd_verification_link_is_simply_not_found(client, db):
    for token in ("%00", "a" * 300, "../../etc"):
        assert client.get(f"/verify/{token}/").status_code == 404


def test_a_reissue_with_the_broker_down_answers_and_the_sweep_renders_its_pdf(
    client, reviewer, submitted, broker_down, django_capture_on_commit_callbacks
):
    _, first = certification.review_approve(reviewer=reviewer, submission=submitted)
    login(client, reviewer, mfa=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:certificate_revoke", kwargs={"certificate_id": first.public_id}),
            {"action": "reissue", "reason": "The agency's name changed."},
        )
    assert response.status_code == 302
    second = Certificate.all_agencies.get(replaces=first)
    assert f"{first.number} revoked; {second.number} issued." in (
        client.get(response.url).content.decode()
    )
    assert not second.pdf  # its render was never queued

    broker_down.back()
    assert tasks.sweep_certificate_pdfs() == 0  # its message may still be on its way
    later = timezone.now() + tasks.CERTIFICATE_RENDER_GRACE + timedelta(seconds=1)
    with time_machine.travel(later):
        assert tasks.sweep_certificate_pdfs() == 1  # the valid one; the revoked one is not served
    second.refresh_from_db()
    pdf = PdfReader(io.BytesIO(second.pdf.read()))
    assert second.number in pdf.pages[0].extract_text()
    with time_machine.travel(later):
        assert tasks.sweep_certificate_pdfs() == 0


def test_a_certificate_whose_render_keeps_failing_is_queued_once_a_quarter_hour(
    reviewer, submitted, broker_down
):
    """A render that fails, or waits behind a long queue, is not queued every minute."""
    _, certificate = certification.review_approve(reviewer=reviewer, submission=submitted)
    assert not certificate.pdf  # the broker was down: never queued
    broker_down.back()
    sent = []
    issued = timezone.now()
    with mock.patch.object(tasks, "enqueue", side_effect=lambda *args: sent.append(args) or True):
        for minutes in (3, 4, 5, 17, 19):
            with time_machine.travel(issued + timedelta(minutes=minutes)):
                tasks.sweep_certificate_pdfs()
    assert len(sent) == 2  # at 3 and at 19 minutes
