"""Each pledge state has its own dashboard: what it means, and the one action that fits."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from agencies.models import Agency
from pledges import services
from pledges.certification import services as certification
from pledges.engine import lifecycle
from pledges.models import PledgeStatus
from tests.conftest import login
from tests.factories import meets_everything, sign, submit

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def board(client, user, agency) -> str:
    login(client, user)
    page = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency.slug}))
    assert page.status_code == 200
    return page.content.decode()


def submit_url(agency) -> str:
    return reverse("pledge_submit", kwargs={"agency_slug": agency.slug})


def test_nothing_signed_offers_signing_to_the_coordinator_alone(
    client, agency_a, coordinator, viewer
):
    page = board(client, coordinator, agency_a)
    assert "has not signed the pledge yet" in page
    assert reverse("pledge_sign", kwargs={"agency_slug": agency_a.slug}) in page
    page = board(client, viewer, agency_a)
    assert "The agency's coordinator signs the pledge" in page
    assert reverse("pledge_sign", kwargs={"agency_slug": agency_a.slug}) not in page


def test_a_pledge_with_requirements_missing_says_what_comes_first(client, agency_a, coordinator):
    sign(agency_a, coordinator)
    page = board(client, coordinator, agency_a)
    assert "Pledged" in page and "Judged by the program's rules" in page
    assert "Once every requirement below is met" in page
    assert submit_url(agency_a) not in page
    assert "Sign the pledge" not in page


def test_a_pledge_that_meets_everything_leads_to_the_summary(client, agency_a, coordinator):
    meets_everything(agency_a)
    sign(agency_a, coordinator)
    page = board(client, coordinator, agency_a)
    assert "Review and submit for certification" in page and submit_url(agency_a) in page


def test_a_submitted_pledge_says_what_is_being_reviewed_and_since_when(
    client, agency_a, coordinator
):
    meets_everything(agency_a)
    submit(agency_a, coordinator)
    page = board(client, coordinator, agency_a)
    assert "Being reviewed" in page
    assert f"Submitted on Mar 10, 2026 by {coordinator.email}" in page
    assert submit_url(agency_a) not in page and "Sign the pledge" not in page


def test_a_returned_pledge_shows_the_comments_and_the_last_day_to_resubmit(
    client, agency_a, coordinator, reviewer
):
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    certification.review_return(
        reviewer=reviewer, submission=submission, comments={"policy": "Name the crisis line."}
    )
    page = board(client, coordinator, agency_a)
    assert "Returned for changes on Mar 10, 2026" in page
    assert "Name the crisis line." in page
    pledge = submission.pledge
    pledge.refresh_from_db()
    by = lifecycle.submission_deadline(pledge)
    assert f"submit again by <strong>{by:%b} {by.day}, {by.year}</strong>" in page
    assert "Review and submit again" in page


def test_a_certified_agency_sees_its_certificate_and_nothing_to_sign(
    client, agency_a, coordinator, reviewer
):
    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    meets_everything(agency_a)
    _, certificate = certification.review_approve(
        reviewer=reviewer, submission=submit(agency_a, coordinator)
    )
    page = board(client, coordinator, agency_a)
    assert f"Certified: certificate {certificate.number}" in page
    assert "Download the certificate (PDF)" in page and "Its public verification" in page
    assert "What comes next" in page
    assert "Sign the pledge" not in page and "Sign a new pledge" not in page
    assert "have not verified this agency" not in page

    # Renamed since: staff verify the new details; the certificate keeps the old ones.
    Agency.objects.filter(pk=agency_a.pk).update(verified=False)
    page = board(client, coordinator, agency_a)
    assert "changed since it was certified" in page
    assert "have not verified this agency yet" not in page

    # Nothing to sign while the certificate stands.
    sign_page = client.get(reverse("pledge_sign", kwargs={"agency_slug": agency_a.slug}))
    assert sign_page.status_code == 302


def test_a_lapsed_pledge_offers_a_new_one(client, agency_a, coordinator):
    pledge = sign(agency_a, coordinator)
    with transaction.atomic():
        lifecycle.move(pledge, PledgeStatus.LAPSED, actor=None)
    page = board(client, coordinator, agency_a)
    assert "The pledge lapsed on Mar 10, 2026" in page and "Sign a new pledge" in page


def test_a_withdrawn_pledge_offers_a_new_one(client, agency_a, coordinator):
    pledge = sign(agency_a, coordinator)
    services.pledge_withdraw(agency=agency_a, actor=coordinator, pledge=pledge, reason="New chief")
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        page = board(client, coordinator, agency_a)
    assert "The pledge was withdrawn on Mar 10, 2026" in page and "Sign a new pledge" in page
