"""A region's webhooks: endpoints registered by the region's coordinator that receive the
events of its member agencies while they are members, as their sharing allows (imports only
from those sharing their roster), each delivered once, signed, by the agencies' dispatcher."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from agencies.models import (
    AuditEvent,
    MemberAgencyStatus,
    RegionRole,
    RegionWebhookDelivery,
    RegionWebhookEndpoint,
    Sharing,
    WebhookDelivery,
)
from agencies.regions import services as region_services
from agencies.webhooks import delivery, network, services, signing
from tests.conftest import login
from tests.factories import (
    MemberAgencyFactory,
    RegionFactory,
    RegionMembershipFactory,
    RegionWebhookDeliveryFactory,
    RegionWebhookEndpointFactory,
    WebhookEndpointFactory,
)
from tests.receivers import ALL_EVENTS, Receiver


@pytest.fixture
def receiver(settings):
    """A receiver on loopback, as the agency's webhook tests have."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def dns(monkeypatch):
    """A resolver the test sets: host -> addresses."""
    answers = {}
    monkeypatch.setattr(network, "resolve", lambda host, port: answers[host])
    return answers


@pytest.fixture
def region(db):
    return RegionFactory(name="Harlan County Crisis Collaborative", slug="harlan-cc")


@pytest.fixture
def region_coordinator(region):
    return RegionMembershipFactory(region=region, role=RegionRole.COORDINATOR).user


def region_endpoint(region, actor, url, events=ALL_EVENTS):
    return services.region_endpoint_create(
        region=region, actor=actor, url=url, description="Region dashboard", events=list(events)
    )


def member(region, agency, sharing=Sharing.PROGRESS):
    return MemberAgencyFactory(region=region, agency=agency, sharing=sharing)


# The pages


def test_the_region_coordinator_adds_an_endpoint_and_sees_its_secret(
    client, region, region_coordinator, receiver
):
    login(client, region_coordinator)
    answer = client.post(
        reverse("region_webhook_create", kwargs={"region_slug": region.slug}),
        {"url": receiver.url, "description": "Region dashboard", "events": ALL_EVENTS[:2]},
    )
    endpoint = RegionWebhookEndpoint.all_regions.get()
    assert answer.status_code == 302
    assert (endpoint.region, endpoint.events) == (region, sorted(ALL_EVENTS[:2]))
    page = client.get(answer["Location"])
    assert page.status_code == 200 and endpoint.secret in page.content.decode()
    created = AuditEvent.objects.get(action="webhook.created")
    assert (created.region, created.agency) == (region, None)
    menu = client.get(reverse("region_team", kwargs={"region_slug": region.slug}))
    assert reverse("region_webhook_list", kwargs={"region_slug": region.slug}) in (
        menu.content.decode()
    )


def test_a_region_viewer_is_refused(client, region, receiver):
    viewer = RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user
    login(client, viewer)
    url = reverse("region_webhook_create", kwargs={"region_slug": region.slug})
    assert client.get(url).status_code == 403
    answer = client.post(url, {"url": receiver.url, "events": ALL_EVENTS})
    assert answer.status_code == 403
    assert not RegionWebhookEndpoint.all_regions.exists()
    listing = reverse("region_webhook_list", kwargs={"region_slug": region.slug})
    assert client.get(listing).status_code == 403


def test_another_regions_endpoint_is_not_found(client, region, region_coordinator):
    theirs = RegionWebhookEndpointFactory()
    failed = RegionWebhookDeliveryFactory(endpoint=theirs, status="failed")
    login(client, region_coordinator)
    kwargs = {"region_slug": region.slug, "endpoint_id": theirs.public_id}
    for name in ["region_webhook_edit", "region_webhook_deliveries"]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    for name in ["region_webhook_delete", "region_webhook_rotate", "region_webhook_test"]:
        assert client.post(reverse(name, kwargs=kwargs)).status_code == 404
    retry = reverse(
        "region_webhook_delivery_retry", kwargs={**kwargs, "delivery_id": failed.public_id}
    )
    assert client.post(retry).status_code == 404
    theirs.refresh_from_db()
    assert RegionWebhookEndpoint.all_regions.filter(pk=theirs.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="webhook.").exists()


def test_a_member_agencys_coordinator_cannot_reach_the_regions_endpoints(
    client, region, agency_a, coordinator
):
    member(region, agency_a, Sharing.ROSTER)
    endpoint = RegionWebhookEndpointFactory(region=region)
    login(client, coordinator)
    kwargs = {"region_slug": region.slug}
    assert client.get(reverse("region_webhook_list", kwargs=kwargs)).status_code == 404
    edit = reverse("region_webhook_edit", kwargs={**kwargs, "endpoint_id": endpoint.public_id})
    assert client.get(edit).status_code == 404
    # Nor through the agency's own pages.
    agency_edit = reverse(
        "webhook_edit", kwargs={"agency_slug": agency_a.slug, "endpoint_id": endpoint.public_id}
    )
    assert client.get(agency_edit).status_code == 404


def test_the_list_reads_a_fixed_number_of_queries(
    client, region, region_coordinator, django_assert_max_num_queries
):
    for _ in range(3):
        RegionWebhookDeliveryFactory(endpoint__region=region, status="failed")
    login(client, region_coordinator)
    url = reverse("region_webhook_list", kwargs={"region_slug": region.slug})
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("1 failed delivery") == 3


# What reaches a region's endpoint


def test_a_member_agencys_event_reaches_the_region_once_signed(
    region, region_coordinator, agency_a, agency_b, receiver
):
    member(region, agency_a)
    endpoint = region_endpoint(region, region_coordinator, receiver.url)
    own = WebhookEndpointFactory(agency=agency_a, url=receiver.url + "&agency")
    event_id = services.event_id_for("certificate.issued", "c-1")
    data = {"certificate_id": "c-1"}
    assert services.emit(agency_a, "certificate.issued", data, event_id=event_id) == 2
    assert services.emit(agency_a, "certificate.issued", data, event_id=event_id) == 0
    assert services.emit(agency_b, "certificate.issued", data) == 0  # not a member
    assert delivery.dispatch().delivered == 2
    assert delivery.dispatch().looked_at == 0
    assert len(receiver.received) == 2
    bodies = {json.loads(body)["data"]["certificate_id"] for _, body in receiver.received}
    assert bodies == {"c-1"}
    region_row = RegionWebhookDelivery.all_regions.get()
    agency_row = WebhookDelivery.all_agencies.get(endpoint=own)
    assert region_row.payload["data"] == agency_row.payload["data"] == {
        "agency_id": str(agency_a.public_id), **data
    }  # fmt: skip
    assert (region_row.status, region_row.event_id) == ("delivered", event_id)
    signed = [
        signing.verify(
            endpoint.secret, h["webhook-id"], int(h["webhook-timestamp"]), b,
            h["webhook-signature"],
        )
        for h, b in receiver.received
    ]  # fmt: skip
    assert signed.count(True) == 1  # the region's, with the region's secret


def test_a_pledge_event_reaches_the_region_without_any_agency_endpoint(
    region, region_coordinator, agency_a, receiver
):
    member(region, agency_a)
    endpoint = region_endpoint(region, region_coordinator, receiver.url, ["pledge.state_changed"])
    assert services.emit(agency_a, "pledge.state_changed", {"state": "pledged"}) == 1
    assert services.emit(agency_a, "certificate.issued", {}) == 0  # not subscribed
    assert delivery.dispatch().delivered == 1
    headers, body = receiver.received[0]
    assert json.loads(body)["data"] == {"agency_id": str(agency_a.public_id), "state": "pledged"}
    assert signing.verify(
        endpoint.secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body,
        headers["webhook-signature"],
    )  # fmt: skip


def test_an_import_reaches_the_region_only_from_an_agency_sharing_its_roster(
    region, region_coordinator, agency_a, agency_b, receiver
):
    member(region, agency_a, Sharing.PROGRESS)
    member(region, agency_b, Sharing.ROSTER)
    region_endpoint(region, region_coordinator, receiver.url)
    assert services.emit(agency_a, "import.finished", {"batch_id": "a"}) == 0
    assert services.emit(agency_b, "import.finished", {"batch_id": "b"}) == 1
    assert services.emit(agency_a, "requirement.status_changed", {"met": True}) == 1
    assert delivery.dispatch().delivered == 2
    sent = {json.loads(body)["type"]: json.loads(body)["data"] for _, body in receiver.received}
    assert sent["import.finished"] == {"agency_id": str(agency_b.public_id), "batch_id": "b"}
    assert sent["requirement.status_changed"]["agency_id"] == str(agency_a.public_id)


@pytest.mark.parametrize("status", [MemberAgencyStatus.INVITED, MemberAgencyStatus.DECLINED])
def test_an_agency_not_a_member_sends_nothing(region, region_coordinator, agency_a, dns, status):
    dns["hooks.example"] = ["93.184.216.34"]
    MemberAgencyFactory(region=region, agency=agency_a, status=status, sharing=Sharing.ROSTER)
    region_endpoint(region, region_coordinator, "https://hooks.example/")
    for event_type in ALL_EVENTS:
        assert services.emit(agency_a, event_type, {}) == 0
    assert not RegionWebhookDelivery.all_regions.exists()


def test_after_the_agency_leaves_its_events_no_longer_reach_the_region(
    region, region_coordinator, agency_a, coordinator, dns
):
    dns["hooks.example"] = ["93.184.216.34"]
    joined = member(region, agency_a, Sharing.ROSTER)
    region_endpoint(region, region_coordinator, "https://hooks.example/")
    assert services.emit(agency_a, "pledge.state_changed", {}) == 1
    region_services.member_agency_leave(agency=agency_a, actor=coordinator, member=joined)
    for event_type in ALL_EVENTS:
        assert services.emit(agency_a, event_type, {}) == 0
    assert RegionWebhookDelivery.all_regions.count() == 1


def test_a_region_endpoint_gets_only_its_own_regions_members(
    region, region_coordinator, agency_a, agency_b, dns
):
    dns["hooks.example"] = ["93.184.216.34"]
    other = RegionFactory()
    member(region, agency_a)
    member(other, agency_b)
    mine = region_endpoint(region, region_coordinator, "https://hooks.example/mine")
    theirs = RegionWebhookEndpointFactory(region=other, events=ALL_EVENTS)
    assert services.emit(agency_a, "pledge.state_changed", {}) == 1
    assert services.emit(agency_b, "pledge.state_changed", {}) == 1
    assert RegionWebhookDelivery.all_regions.get(region=region).endpoint == mine
    assert RegionWebhookDelivery.all_regions.get(region=other).endpoint == theirs


def test_a_region_delivery_is_claimed_once(region, region_coordinator, agency_a, receiver):
    member(region, agency_a)
    region_endpoint(region, region_coordinator, receiver.url)
    services.emit(agency_a, "pledge.state_changed", {})
    row = RegionWebhookDelivery.all_regions.get()
    model = RegionWebhookDelivery
    token = delivery.claim(row.pk, region.pk, model=model)
    assert token and delivery.claim(row.pk, region.pk, model=model) is None
    assert delivery.dispatch().looked_at == 0
    assert delivery.deliver(row.pk, "not-the-token", model=model) == "lost"
    assert delivery.deliver(row.pk, token, model=model) == "delivered"
    assert len(receiver.received) == 1


def test_test_event_failure_and_retry_from_the_regions_log(
    client, region, region_coordinator, receiver
):
    receiver.answers = [500]
    endpoint = region_endpoint(region, region_coordinator, receiver.url)
    login(client, region_coordinator)
    kwargs = {"region_slug": region.slug, "endpoint_id": endpoint.public_id}
    assert client.post(reverse("region_webhook_test", kwargs=kwargs)).status_code == 302
    row = RegionWebhookDelivery.all_regions.get()
    assert row.payload["data"]["region_id"] == str(region.public_id)
    RegionWebhookDelivery.all_regions.filter(pk=row.pk).update(
        status="failed", attempts=delivery.MAX_ATTEMPTS
    )
    log = client.get(reverse("region_webhook_deliveries", kwargs=kwargs))
    assert log.status_code == 200 and "Retry now" in log.content.decode()
    retry = reverse(
        "region_webhook_delivery_retry", kwargs={**kwargs, "delivery_id": row.public_id}
    )
    receiver.answers = [204]
    assert client.post(retry).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert delivery.dispatch().delivered == 1
    actions = set(AuditEvent.objects.filter(region=region).values_list("action", flat=True))
    assert {"webhook.created", "webhook.test_sent", "webhook.delivery_retried"} <= actions


def test_rotate_and_delete(client, region, region_coordinator, receiver):
    endpoint = region_endpoint(region, region_coordinator, receiver.url)
    login(client, region_coordinator)
    kwargs = {"region_slug": region.slug, "endpoint_id": endpoint.public_id}
    assert client.post(reverse("region_webhook_rotate", kwargs=kwargs)).status_code == 302
    rotated = RegionWebhookEndpoint.all_regions.get()
    assert rotated.previous_secret == endpoint.secret != rotated.secret
    assert client.post(reverse("region_webhook_delete", kwargs=kwargs)).status_code == 302
    assert not RegionWebhookEndpoint.all_regions.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_a_region_delivery_once(receiver, monkeypatch):
    from tests.races import in_the_worst_order

    row = RegionWebhookDeliveryFactory(endpoint__url=receiver.url)
    monkeypatch.setattr(delivery, "LEASE", timedelta(seconds=-1))
    first, second = in_the_worst_order(
        delivery.dispatch, delivery.dispatch, pause_before=(network, "post")
    )
    assert (first.delivered, second.delivered, second.looked_at) == (1, 0, 1)
    assert len(receiver.received) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 1)


# The events of the pledge's life, written where they happen


def region_events(region, event_type=None):
    rows = RegionWebhookDelivery.all_regions.filter(region=region).order_by("pk")
    if event_type:
        rows = rows.filter(event_type=event_type)
    return [row.payload for row in rows]


def test_a_member_agencys_pledge_and_certificate_reach_the_region(region, agency_a, dns):
    from tests.factories import certificate_of

    member(region, agency_a)
    RegionWebhookEndpointFactory(region=region, events=ALL_EVENTS)
    certificate = certificate_of(agency_a)
    (issued,) = region_events(region, "certificate.issued")
    assert issued["data"]["certificate_id"] == str(certificate.public_id)
    assert issued["data"]["agency_id"] == str(agency_a.public_id)
    states = [e["data"]["state"] for e in region_events(region, "pledge.state_changed")]
    assert states == ["pledged", "submitted", "certified"]
    assert not WebhookDelivery.all_agencies.exists()  # the agency has no endpoint of its own


def test_the_recompute_tells_the_region_which_requirements_changed(region, agency_a, dns):
    from pledges.engine import progress
    from tests.factories import meets_everything

    member(region, agency_a)
    RegionWebhookEndpointFactory(region=region, events=["requirement.status_changed"])
    progress.recompute([agency_a.pk])  # the first snapshot: nothing to compare with
    assert region_events(region) == []
    meets_everything(agency_a)
    progress.recompute([agency_a.pk])
    changed = {e["data"]["requirement"] for e in region_events(region)}
    assert changed == {"partnership", "policy", "cit", "coverage"}
