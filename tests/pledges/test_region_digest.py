"""The region's monthly digest: to each member of its team, once a month however often the
schedule runs, through the outbox, with each one's choice and a one-click unsubscribe."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from agencies.models import (
    AuditEvent,
    MemberAgency,
    OutboxEmail,
    OutboxStatus,
    RegionMembership,
    RegionRole,
)
from agencies.outbox import sending
from pledges.emails import notices, subscriptions
from pledges.engine import progress
from pledges.models import EmailKind, ProgressSnapshot, RegionEmailPreference
from tests.conftest import login
from tests.factories import (
    MemberAgencyFactory,
    PersonFactory,
    RegionFactory,
    refresh_standing,
    region_member,
    sign,
)

MARCH = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
LATER_IN_MARCH = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
APRIL = datetime(2026, 4, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def region(db):
    return RegionFactory(name="Capital Area Crisis Collaborative", slug="capital-area")


@pytest.fixture
def team(region):
    lead = region_member(region, email="lead@capital-area.example")
    viewer = region_member(region, RegionRole.VIEWER, email="chief@capital-area.example")
    return lead, viewer


@pytest.fixture
def millbrook(region, agency_a, coordinator):
    """A member agency at risk of missing its target date, with people on its roster."""
    PersonFactory(agency=agency_a, last_name="Okafor")
    sign(agency_a, coordinator)
    member = MemberAgencyFactory(region=region, agency=agency_a)
    progress.recompute([agency_a.pk])
    ProgressSnapshot.all_agencies.filter(agency=agency_a).update(at_risk=True)
    refresh_standing(agency_a)
    return member


def digests():
    return OutboxEmail.objects.filter(kind=EmailKind.REGION_DIGEST).order_by("pk")


def test_each_team_member_gets_one_digest_a_month(region, team, millbrook):
    lead, viewer = team
    with time_machine.travel(MARCH, tick=False):
        notices.queue_scheduled_emails()
    with time_machine.travel(LATER_IN_MARCH, tick=False):
        notices.queue_scheduled_emails()  # the daily run again, later in the month
        notices.queue_scheduled_emails()
    assert sorted(digests().values_list("recipient__email", flat=True)) == sorted(
        [lead.email, viewer.email]
    )
    with time_machine.travel(APRIL, tick=False):
        notices.queue_scheduled_emails()
    assert digests().count() == 4
    assert {row.context["period"] for row in digests()} == {
        f"region:{region.pk}:2026-03",
        f"region:{region.pk}:2026-04",
    }


@time_machine.travel(MARCH, tick=False)
def test_the_digest_arrives_with_the_totals_and_no_one_s_name(
    client, region, team, millbrook, smtp_inbox
):
    lead, _ = team
    notices.queue_scheduled_emails()
    OutboxEmail.objects.exclude(kind=EmailKind.REGION_DIGEST).update(status=OutboxStatus.SENT)

    assert sending.dispatch().sent == 2

    message = next(m for m in smtp_inbox.messages if m["To"] == lead.email)
    assert message["Subject"].strip() == (
        "[One Mind] Capital Area Crisis Collaborative, March 2026: 1 of 1 pledged, 1 at risk"
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Millbrook Police Department" in body  # at risk of missing its target
        assert "1 member agency" in body
        assert "Okafor" not in body and "Ana Rivera" not in body
        assert "/r/capital-area/" in body
    assert "as a member of the team of Capital Area Crisis Collaborative" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The one-click unsubscribe, as a mail provider posts it: no cookies, no CSRF token.
    unsubscribe = message["List-Unsubscribe"].strip("<>").removeprefix("http://localhost:8000")
    page = client.get(unsubscribe).content.decode()
    assert "of Capital Area Crisis Collaborative" in page
    response = client.post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not subscriptions.wants_region_digest(region=region, user=lead)
    event = AuditEvent.objects.get(action="emails.region_digest_changed")
    assert event.region == region and event.actor == lead
    assert event.changes["via"] == [None, "an unsubscribe link in an email"]


def test_an_unsubscribed_member_gets_no_more_digests(region, team, millbrook):
    lead, viewer = team
    with time_machine.travel(MARCH, tick=False):
        notices.queue_scheduled_emails()
        sending.dispatch_all()
        RegionEmailPreference.all_regions.create(region=region, user=lead, monthly_digest=False)
    with time_machine.travel(APRIL, tick=False):
        notices.queue_scheduled_emails()
    april = digests().filter(context__period=f"region:{region.pk}:2026-04")
    assert list(april.values_list("recipient", flat=True)) == [viewer.pk]


def test_a_digest_waiting_for_someone_who_left_the_team_is_skipped(region, team, millbrook):
    lead, viewer = team
    with time_machine.travel(MARCH, tick=False):
        notices.queue_scheduled_emails()
        OutboxEmail.objects.exclude(kind=EmailKind.REGION_DIGEST).update(status=OutboxStatus.SENT)
        RegionMembership.all_regions.filter(user=viewer).delete()
        RegionEmailPreference.all_regions.create(region=region, user=lead, monthly_digest=False)
        result = sending.dispatch()
    assert result.skipped == 2 and result.sent == 0


def test_a_digest_stops_naming_an_agency_that_left(region, team, millbrook, smtp_inbox):
    with time_machine.travel(MARCH, tick=False):
        notices.queue_scheduled_emails()
        MemberAgency.all_regions.filter(pk=millbrook.pk).update(status="left")
        sending.dispatch_all()
    for message in smtp_inbox.messages:
        if "Capital Area" in message["Subject"]:
            assert "Millbrook" not in message.get_body(("plain",)).get_content()


def test_a_team_member_chooses_the_digest_on_the_region_s_email_page(client, region, team):
    lead, _ = team
    login(client, lead)
    url = reverse("region_email_preferences", kwargs={"region_slug": region.slug})
    assert client.get(url).context["form"].initial == {"monthly_digest": True}

    response = client.post(url, {})  # the box unticked

    assert response.status_code == 302
    assert not subscriptions.wants_region_digest(region=region, user=lead)
    event = AuditEvent.objects.get(action="emails.region_digest_changed")
    assert event.region == region and event.changes["monthly_digest"] == [None, False]
    client.post(url, {"monthly_digest": "on"})
    assert subscriptions.wants_region_digest(region=region, user=lead)


def test_a_region_unsubscribe_link_cannot_be_bent_to_another_stream(client, region, team):
    lead, _ = team
    token = subscriptions.unsubscribe_token(
        user_id=lead.pk, agency_id=None, stream=subscriptions.Stream.REGION_DIGEST
    )  # no region named
    assert client.get(reverse("email_unsubscribe", kwargs={"token": token})).status_code == 404
    token = subscriptions.unsubscribe_token(
        user_id=lead.pk, agency_id=None, stream=subscriptions.Stream.DIGEST, region_id=region.pk
    )
    assert client.get(reverse("email_unsubscribe", kwargs={"token": token})).status_code == 404
