"""Submitting starts from a summary of what the reviewer will see; signing and submitting each
send a receipt to the agency's members who want notices."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from agencies.models import OutboxEmail
from agencies.outbox import sending
from pledges.models import CrisisPolicy, EmailKind, PledgeStatus, Submission
from tests.conftest import login
from tests.factories import PersonFactory, meets_everything, sign
from training.models import Status

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def summary_url(agency) -> str:
    return reverse("pledge_submit", kwargs={"agency_slug": agency.slug})


def test_the_summary_shows_what_the_reviewer_will_see_and_submits_on_confirming(
    client, agency_a, coordinator
):
    meets_everything(agency_a)
    PersonFactory(agency=agency_a, status=Status.LEAVE)  # left out: on leave
    pledge = sign(agency_a, coordinator)
    login(client, coordinator)

    page = client.get(summary_url(agency_a)).content.decode()

    assert "This is what the program's reviewer will see" in page
    for title in (
        "A partnership with a mental-health organization",
        "A policy on responding to people in crisis",
        "training for at least 20% in scope",
        "Everyone in scope trained",
    ):
        assert title in page
    assert CrisisPolicy.all_agencies.get(agency=agency_a).title in page
    assert "5 people in the pledge's scope are counted" in page
    assert "1 person on the roster is left out" in page
    assert not Submission.all_agencies.exists()  # reading the summary submits nothing

    response = client.post(summary_url(agency_a))

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.SUBMITTED


def test_the_summary_of_a_pledge_not_ready_has_no_submit_button(client, agency_a, coordinator):
    sign(agency_a, coordinator)
    login(client, coordinator)
    page = client.get(summary_url(agency_a)).content.decode()
    assert "can be submitted once every requirement is met" in page
    assert 'type="submit">Submit for certification' not in page
    client.post(summary_url(agency_a))  # sent anyway: refused by the service
    assert not Submission.all_agencies.exists()


def test_a_viewer_cannot_open_the_summary(client, agency_a, coordinator, viewer):
    meets_everything(agency_a)
    sign(agency_a, coordinator)
    login(client, viewer)
    assert client.get(summary_url(agency_a)).status_code == 403
    assert client.post(summary_url(agency_a)).status_code == 403
    assert not Submission.all_agencies.exists()


def test_signing_and_submitting_each_send_a_receipt(client, agency_a, coordinator, viewer):
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator, receipt_sent=False)
    [signed] = OutboxEmail.objects.filter(kind=EmailKind.PLEDGE_SIGNED)
    assert signed.recipient == coordinator  # viewers want no notices by default
    sending.dispatch()
    [message] = mail.outbox
    assert message.subject == f"[One Mind] {agency_a.name} has taken the One Mind pledge"
    assert "This is the receipt" in message.body and "Ana Rivera" in message.body
    assert f"{settings.SITE_URL}/a/{agency_a.slug}/" in message.body

    login(client, coordinator)
    client.post(summary_url(agency_a))
    submission = Submission.all_agencies.get(pledge=pledge)
    sending.dispatch()
    receipt = mail.outbox[-1]
    assert "was submitted for certification" in receipt.subject
    assert submission.snapshot_sha256 in receipt.body
    assert "A policy on responding to people in crisis: met" in receipt.body
    assert "5 people counted in scope" in receipt.body
    assert "A policy on responding to people in crisis</strong>: met" in (
        receipt.alternatives[0].content
    )
