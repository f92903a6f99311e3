"""Program staff's page of one agency, which every agency name on staff pages links to: who
it is and its verification, its pledges with everything that happened to them, today's
figures, its documents, its members and its audit trail."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import reset_queries
from django.urls import reverse
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Agency, AuditEvent, Role
from agencies.outbox.messages import render_email
from pledges import services
from pledges.certification import services as certification
from pledges.engine import progress
from pledges.models import Pledge
from pledges.program import queries as program_queries
from tests.conftest import login, member
from tests.factories import (
    CrisisPolicyFactory,
    PartnershipVersionFactory,
    meets_everything,
    refresh_standing,
    sign,
)
from tests.pages import check_page

DEC = {day: datetime(2026, 12, day, 15, tzinfo=UTC) for day in range(1, 32)}


def agency_page(agency, **query):
    url = reverse("staff:agency_detail", kwargs={"agency_id": agency.public_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def certified(agency_a, coordinator, reviewer):
    """Agency A's pledge signed Dec 1, 2026, returned on Dec 2 with a comment, submitted
    again on Dec 3 and approved on Dec 4; an editor invited meanwhile."""
    Agency.objects.filter(pk=agency_a.pk).update(ori="NY0123400")
    with time_machine.travel(DEC[1], tick=False):
        meets_everything(agency_a)
        first = services.pledge_submit(
            agency=agency_a, actor=coordinator, pledge=sign(agency_a, coordinator)
        )
        agency_services.agency_set_verified(agency=agency_a, actor=reviewer, verified=True)
    with time_machine.travel(DEC[2], tick=False):
        certification.review_return(
            reviewer=reviewer, submission=first, comments={"policy": "List local providers."}
        )
        agency_services.invitation_create(
            agency=agency_a, actor=coordinator, email="lee@millbrook.example", role=Role.EDITOR
        )
    with time_machine.travel(DEC[3], tick=False):
        second = services.pledge_submit(agency=agency_a, actor=coordinator, pledge=first.pledge)
    with time_machine.travel(DEC[4], tick=False):
        certification.review_approve(reviewer=reviewer, submission=second)
    return first, second


def test_the_page_shows_the_agency_its_pledge_history_figures_documents_and_members(
    client, agency_a, coordinator, editor, reviewer, certified
):
    first, second = certified
    login(client, reviewer, mfa=True)

    page = client.get(agency_page(agency_a)).content.decode()

    check_page(page)
    # Who it is, and staff's verification with the button that withdraws it.
    assert "<h1>Millbrook Police Department</h1>" in page and "NY0123400" in page
    assert "Yes, on Dec 1, 2026 by reviewer@onemind.example" in page
    assert f'name="withdraw" value="{agency_a.public_id}"' in page
    # Every status move, every submission with its decision and comment, the certificate.
    for move in [
        "Draft → Pledged",
        "Submitted for certification → Returned for changes",
        "Returned for changes → Submitted for certification",
        "Submitted for certification → Certified",
    ]:
        assert move in page
    for submission in (first, second):
        assert reverse("staff:review_detail", kwargs={"submission_id": submission.public_id}) in (
            page
        )
    assert "Returned for changes on Dec 2, 2026 by reviewer@onemind.example" in page
    assert "<strong>Policy:</strong> List local providers." in page
    assert "Approved on Dec 4, 2026 by reviewer@onemind.example" in page
    assert "Certificate <strong>OM-2026-000001</strong>, issued to Millbrook Police Department" in (
        page
    )
    # Today's figures, as the dashboard evaluates them.
    assert "5 of 5 in scope (100.0%); 5 needed" in page
    # The documents, through the staff link that records each opening.
    partnership_document = first.snapshot["partnerships"][0]["document"]["id"]
    policy_document = first.snapshot["policy"]["document"]["id"]
    for document_id in (partnership_document, policy_document):
        assert reverse("staff:staff_document", kwargs={"document_id": document_id}) in page
    # Members with their roles, and the invitation still open.
    assert coordinator.email in page and editor.email in page and "lee@millbrook.example" in page
    # The trail, objects named in words.
    assert "the pledge signed Dec 1, 2026" in page and "certificate OM-2026-000001" in page


def test_the_trail_on_the_page_is_paginated(client, agency_a, coordinator, reviewer):
    for n in range(55):
        agency_services.agency_update(agency=agency_a, actor=coordinator, sworn_strength=n + 1)
    login(client, reviewer, mfa=True)

    first = client.get(agency_page(agency_a)).content.decode()
    second = client.get(agency_page(agency_a, page=2)).content.decode()

    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "1 → 2" in second and "54 → 55" in first


def test_verifying_on_the_page_comes_back_to_it(client, agency_a, reviewer):
    login(client, reviewer, mfa=True)
    page = client.get(agency_page(agency_a)).content.decode()
    assert f'name="next" value="{agency_page(agency_a)}"' in page

    response = client.post(
        reverse("staff:agency_verify"),
        {"verify": str(agency_a.public_id), "next": agency_page(agency_a)},
    )

    assert response["Location"] == agency_page(agency_a)
    assert "Withdraw the verification" in client.get(agency_page(agency_a)).content.decode()
    assert AuditEvent.objects.filter(action="agency.verified", agency=agency_a).exists()


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/staff/"])
def test_verifying_never_sends_staff_off_the_site(client, agency_a, reviewer, elsewhere):
    login(client, reviewer, mfa=True)
    response = client.post(
        reverse("staff:agency_verify"), {"verify": str(agency_a.public_id), "next": elsewhere}
    )
    assert response["Location"] == reverse(settings.STAFF_HOME_URL)


def test_an_unknown_agency_is_not_found(client, reviewer):
    login(client, reviewer, mfa=True)
    response = client.get(reverse("staff:agency_detail", kwargs={"agency_id": uuid.uuid4()}))
    assert response.status_code == 404


def test_the_page_takes_the_same_queries_with_more_history(
    client, agency_a, coordinator, reviewer, django_assert_max_num_queries
):
    meets_everything(agency_a)
    sign(agency_a, coordinator)
    login(client, reviewer, mfa=True)
    client.get(agency_page(agency_a))  # today's evaluation, computed once and kept
    reset_queries()  # the connection's log is bounded: counts start from an empty one
    with django_assert_max_num_queries(60) as few:
        client.get(agency_page(agency_a))
    queries = len(few)

    # A withdrawn pledge, a pledge returned and resubmitted, more documents, members,
    # invitations and events than a page of the trail holds.
    pledge = Pledge.all_agencies.get(agency=agency_a)
    services.pledge_withdraw(agency=agency_a, actor=coordinator, pledge=pledge, reason="Restart")
    submission = services.pledge_submit(
        agency=agency_a, actor=coordinator, pledge=sign(agency_a, coordinator)
    )
    certification.review_return(reviewer=reviewer, submission=submission, comments={"cit": "?"})
    services.pledge_submit(agency=agency_a, actor=coordinator, pledge=submission.pledge)
    for n in range(3):
        PartnershipVersionFactory(partnership__organization__agency=agency_a)
        CrisisPolicyFactory(agency=agency_a, title=f"Crisis response, version {n}")
        member(agency_a, Role.VIEWER, f"viewer{n}@millbrook.example")
        agency_services.invitation_create(
            agency=agency_a, actor=coordinator, email=f"new{n}@millbrook.example", role=Role.EDITOR
        )
    for n in range(60):
        agency_services.agency_update(agency=agency_a, actor=coordinator, sworn_strength=n + 1)
    client.get(agency_page(agency_a))
    reset_queries()
    with django_assert_max_num_queries(queries):
        page = client.get(agency_page(agency_a)).content.decode()
    assert page.count("Not submitted.") == 1 and "Crisis response, version 2" in page


# Every agency name on staff pages leads to this page.


@pytest.fixture
def waiting(agency_a, coordinator):
    """Agency A's pledge submitted and due in 30 days, its progress recomputed; an email
    written for the agency."""
    meets_everything(agency_a)
    submission = services.pledge_submit(
        agency=agency_a, actor=coordinator, pledge=sign(agency_a, coordinator)
    )
    Pledge.all_agencies.filter(agency=agency_a).update(
        target_date=agency_a.today() + timedelta(days=30)
    )
    refresh_standing(agency_a)
    progress.recompute([agency_a.pk])
    agency_services.invitation_create(
        agency=agency_a, actor=coordinator, email="lee@millbrook.example", role=Role.EDITOR
    )
    return submission


@pytest.mark.parametrize(
    "name",
    ["staff:dashboard", "staff:review_queue", "staff:audit", "staff:outbox", "program"],
)
def test_staff_pages_link_the_agency_name_to_its_page(client, agency_a, reviewer, waiting, name):
    login(client, reviewer, mfa=True)
    url = reverse("staff:program_dashboard") if name == "program" else reverse(name)

    page = client.get(url).content.decode()

    assert f'<a href="{agency_page(agency_a)}">Millbrook Police Department</a>' in page


def test_the_review_page_links_the_agency_to_its_page(client, agency_a, reviewer, waiting):
    login(client, reviewer, mfa=True)
    page = client.get(
        reverse("staff:review_detail", kwargs={"submission_id": waiting.public_id})
    ).content.decode()
    assert f'<h1>Review: <a href="{agency_page(agency_a)}">Millbrook Police Department</a>' in page


def test_the_weekly_digest_links_each_agency_to_its_page(agency_a, waiting):
    # The digest is the program's, on the program's (UTC) day, as the email composes it.
    digest = program_queries.weekly_digest(timezone.localdate())
    context = {"digest": digest, "site_url": settings.SITE_URL, "staff_url": "/"}

    _, text, html = render_email("emails/staff_digest", context)

    link = settings.SITE_URL + agency_page(agency_a)
    assert f'<a href="{link}" style="color:#005ea2;">Millbrook Police Department</a>' in html
    assert f"Millbrook Police Department (NY): waiting 0 days\n  {link}\n" in text
