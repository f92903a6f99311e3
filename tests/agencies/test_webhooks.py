"""Signed webhooks: endpoints registered by the agency's coordinator, each event written in
the transaction of its change and delivered once, signed as Standard Webhooks signs, retried
with a growing delay, and sent only to public addresses."""

import base64
import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import AuditEvent, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from agencies.webhooks import delivery, network, services, signing
from tests.conftest import login
from tests.receivers import ALL_EVENTS, Receiver

# The example of the Standard Webhooks specification's reference libraries.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

PUBLIC = "93.184.216.34"


@pytest.fixture
def receiver(settings):
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

    def resolve(host, port):
        if host not in answers:
            raise OSError("unknown host")
        return answers[host]

    monkeypatch.setattr(network, "resolve", resolve)
    return answers


def an_endpoint(agency, actor, url, events=ALL_EVENTS):
    return services.endpoint_create(
        agency=agency, actor=actor, url=url, description="RMS dashboard", events=list(events)
    )


def a_delivery(agency, endpoint, event_type="pledge.state_changed", **data):
    services.emit(agency, event_type, data or {"pledge_id": "x"})
    return WebhookDelivery.all_agencies.filter(endpoint=endpoint).latest("pk")


# Signing


def test_the_signature_is_the_specifications_example():
    assert signing.signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    assert signing.verify(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY.encode(), SPEC_SIGNATURE)
    assert not signing.verify(
        SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY.encode(), SPEC_SIGNATURE
    )


def test_a_new_secret_is_whsec_and_32_random_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != signing.new_secret()


# Where a webhook may go


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.1.2.3",  # RFC 1918
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",  # link-local: the cloud metadata address
        "100.64.0.1",  # CGNAT
        "224.0.0.1",  # multicast
        "0.0.0.0",  # unspecified  # noqa: S104
        "::1",
        "::",
        "fc00::1",  # unique local
        "fd12:3456::1",
        "fe80::1",  # link-local
        "ff02::1",  # multicast
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "::ffff:0:7f00:1",  # IPv4-translated
        "fec0::1",  # site-local (deprecated)
        "240.0.0.1",  # reserved
    ],
)
def test_addresses_that_are_not_public_are_refused(address, agency_a, coordinator, dns):
    assert not network.is_public(address)
    dns["hooks.example"] = [PUBLIC, address]  # one bad address among good ones is enough
    with pytest.raises(ValidationError) as refused:
        an_endpoint(agency_a, coordinator, "https://hooks.example/onemind")
    assert "not on the public internet" in str(refused.value.message_dict["url"])
    assert not WebhookEndpoint.all_agencies.exists()


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert network.is_public(address)


def test_only_https_and_a_known_host(agency_a, coordinator, dns):
    dns["hooks.example"] = [PUBLIC]
    for url, reason in [
        ("http://hooks.example/", "https://"),
        ("ftp://hooks.example/", "https://"),
        ("https://user:pw@hooks.example/", "user name"),
        ("https://unknown.example/", "could not be found"),
    ]:
        with pytest.raises(ValidationError, match=reason):
            an_endpoint(agency_a, coordinator, url)
    assert an_endpoint(agency_a, coordinator, "https://hooks.example/")


def test_at_send_time_a_name_that_now_leads_inside_is_refused(
    agency_a, coordinator, dns, receiver, settings
):
    """Saved while public; by the attempt, the name resolves to the metadata address."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    dns["hooks.example"] = [PUBLIC]
    endpoint = an_endpoint(agency_a, coordinator, f"http://hooks.example:{receiver.port}/")
    row = a_delivery(agency_a, endpoint)
    dns["hooks.example"] = ["169.254.169.254"]
    assert delivery.dispatch().retrying == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and "169.254.169.254" in row.last_error
    assert receiver.received == []


def test_the_request_goes_to_the_address_checked_with_the_name_as_host(
    agency_a, coordinator, dns, receiver
):
    """Resolved once, connected to that address: a second answer of the resolver (DNS
    rebinding) is never asked for."""
    dns["hooks.example"] = ["127.0.0.1"]
    endpoint = an_endpoint(agency_a, coordinator, f"http://hooks.example:{receiver.port}/in")
    a_delivery(agency_a, endpoint)
    calls = []
    original = network.resolve

    def counted(host, port):
        calls.append(host)
        return original(host, port)

    network.resolve = counted
    try:
        assert delivery.dispatch().delivered == 1
    finally:
        network.resolve = original
    assert calls == ["hooks.example"]
    headers, _ = receiver.received[0]
    assert headers["host"] == f"hooks.example:{receiver.port}"


def test_redirects_are_not_followed(agency_a, coordinator, receiver):
    receiver.answers = [302]
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    row = a_delivery(agency_a, endpoint)
    assert delivery.dispatch().retrying == 1
    row.refresh_from_db()
    assert (row.status, row.last_status_code, len(receiver.received)) == ("pending", 302, 1)


# Delivery


def test_a_delivery_is_signed_and_delivered_once(agency_a, coordinator, receiver):
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    with time_machine.travel("2026-12-04 15:00:00Z", tick=False):
        row = a_delivery(agency_a, endpoint, pledge_id="p-1", state="pledged")
        assert delivery.dispatch().delivered == 1
    assert delivery.dispatch().looked_at == 0  # a second run finds nothing to send
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert headers["webhook-id"] == str(row.event_id)
    assert headers["webhook-timestamp"] == "1796396400"  # the attempt's time
    assert signing.verify(
        endpoint.secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body,
        headers["webhook-signature"],
    )  # fmt: skip
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert payload["type"] == "pledge.state_changed"
    assert payload["data"] == {
        "agency_id": str(agency_a.public_id), "pledge_id": "p-1", "state": "pledged"
    }  # fmt: skip
    assert payload["timestamp"].startswith("2026-12-04T15:00:00")
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)


def test_a_claim_is_taken_once(agency_a, coordinator, receiver):
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    row = a_delivery(agency_a, endpoint)
    token = delivery.claim(row.pk)
    assert token and delivery.claim(row.pk) is None  # a second dispatcher finds it taken
    assert delivery.dispatch().looked_at == 0
    assert delivery.deliver(row.pk, "not-the-token") == "lost"
    assert delivery.deliver(row.pk, token) == "delivered"
    assert len(receiver.received) == 1


def test_a_worker_that_died_leaves_a_claim_taken_again_after_its_lease(
    agency_a, coordinator, receiver
):
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    row = a_delivery(agency_a, endpoint)
    assert delivery.claim(row.pk)  # and the worker dies
    assert delivery.dispatch().looked_at == 0
    with time_machine.travel(timezone.now() + delivery.LEASE + timedelta(seconds=1)):
        assert delivery.dispatch().delivered == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 2)


def test_the_same_event_written_twice_is_one_delivery(agency_a, coordinator, dns):
    dns["hooks.example"] = [PUBLIC]
    endpoint = an_endpoint(agency_a, coordinator, "https://hooks.example/")
    event_id = services.event_id_for("certificate.issued", "c-1")
    assert services.emit(agency_a, "certificate.issued", {"n": 1}, event_id=event_id) == 1
    assert services.emit(agency_a, "certificate.issued", {"n": 1}, event_id=event_id) == 0
    assert WebhookDelivery.all_agencies.filter(endpoint=endpoint).count() == 1


def test_only_the_endpoints_that_want_the_event_get_it(agency_a, agency_b, coordinator, dns):
    dns["hooks.example"] = [PUBLIC]
    wants = an_endpoint(agency_a, coordinator, "https://hooks.example/a", ["certificate.issued"])
    an_endpoint(agency_a, coordinator, "https://hooks.example/b", ["import.finished"])
    an_endpoint(agency_b, coordinator, "https://hooks.example/c", ["certificate.issued"])
    assert services.emit(agency_a, "certificate.issued", {}) == 1
    assert WebhookDelivery.all_agencies.get().endpoint == wants


def test_a_500_is_retried_later_with_a_growing_delay(agency_a, coordinator, receiver):
    receiver.answers = [500, 503, 200]
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        row = a_delivery(agency_a, endpoint)
        assert delivery.dispatch().retrying == 1
        row.refresh_from_db()
        assert (row.status, row.last_status_code) == ("pending", 500)
        assert row.next_attempt_at == start + timedelta(minutes=1)
        assert delivery.dispatch().looked_at == 0  # not yet due
        clock.shift(timedelta(minutes=1))
        assert delivery.dispatch().retrying == 1
        row.refresh_from_db()
        assert row.next_attempt_at == timezone.now() + timedelta(minutes=5)
        clock.shift(timedelta(minutes=5))
        assert delivery.dispatch().delivered == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 3, 200)
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 1


def test_a_receiver_that_never_answers_2xx_fails_after_a_day_and_shows_it(
    client, agency_a, coordinator, receiver
):
    receiver.answers = [500]
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        row = a_delivery(agency_a, endpoint)
        for _ in range(delivery.MAX_ATTEMPTS):
            delivery.dispatch()
            row.refresh_from_db()
            clock.move_to(row.next_attempt_at)
        assert delivery.dispatch().looked_at == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert len(receiver.received) == delivery.MAX_ATTEMPTS
    assert timedelta(hours=20) < sum(delivery.RETRY_DELAYS, timedelta()) < timedelta(hours=36)

    login(client, coordinator)
    log = reverse(
        "webhook_deliveries",
        kwargs={"agency_slug": agency_a.slug, "endpoint_id": endpoint.public_id},
    )
    page = client.get(log).content.decode()
    assert "Failed" in page and "HTTP 500" in page and "Retry now" in page
    listed = client.get(reverse("webhook_list", kwargs={"agency_slug": agency_a.slug}))
    assert "1 failed delivery" in listed.content.decode()

    retry = reverse(
        "webhook_delivery_retry",
        kwargs={
            "agency_slug": agency_a.slug,
            "endpoint_id": endpoint.public_id,
            "delivery_id": row.public_id,
        },
    )
    receiver.answers = [200]
    assert client.post(retry).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(action="webhook.delivery_retried").count() == 1
    assert delivery.dispatch().delivered == 1


def test_a_refused_connection_is_retried(agency_a, coordinator, receiver):
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    row = a_delivery(agency_a, endpoint)
    receiver.server.shutdown()
    receiver.server.server_close()
    assert delivery.dispatch().retrying == 1
    row.refresh_from_db()
    assert row.status == "pending" and row.last_status_code is None and row.last_error


def test_after_a_rotation_both_secrets_sign_for_a_day(agency_a, coordinator, receiver):
    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    old = endpoint.secret
    rotated = services.secret_rotate(agency=agency_a, actor=coordinator, endpoint=endpoint)
    a_delivery(agency_a, endpoint)
    delivery.dispatch()
    headers, body = receiver.received[0]
    args = (headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    assert signing.verify(rotated.secret, *args, headers["webhook-signature"])
    assert signing.verify(old, *args, headers["webhook-signature"])
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert rotated.signing_secrets() == [rotated.secret]
    assert AuditEvent.objects.filter(action="webhook.secret_rotated").count() == 1


# The pages


def page(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


def test_the_coordinator_adds_an_endpoint_and_sees_its_secret(client, agency_a, coordinator, dns):
    dns["hooks.example"] = [PUBLIC]
    login(client, coordinator)
    form = client.get(page("webhook_create", agency_a)).content.decode()
    assert 'for="id_url"' in form and 'type="url"' in form
    response = client.post(
        page("webhook_create", agency_a),
        {
            "url": "https://hooks.example/onemind",
            "description": "RMS dashboard",
            "events": ["pledge.state_changed", "certificate.issued"],
        },
    )
    endpoint = WebhookEndpoint.all_agencies.get(agency=agency_a)
    assert response["Location"] == page("webhook_edit", agency_a, endpoint_id=endpoint.public_id)
    assert endpoint.events == ["certificate.issued", "pledge.state_changed"]
    edit = client.get(response["Location"]).content.decode()
    assert endpoint.secret in edit and "Send a test event" in edit
    created = AuditEvent.objects.get(action="webhook.created")
    assert (created.agency, created.actor) == (agency_a, coordinator)
    assert endpoint.secret not in str(created.changes)
    listed = client.get(page("webhook_list", agency_a)).content.decode()
    assert "https://hooks.example/onemind" in listed and "A certificate was issued" in listed


def test_a_private_address_is_refused_on_the_form(client, agency_a, coordinator, dns):
    dns["hooks.example"] = ["169.254.169.254"]
    login(client, coordinator)
    response = client.post(
        page("webhook_create", agency_a),
        {"url": "https://hooks.example/", "events": ["certificate.issued"]},
    )
    content = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in content
    assert "not on the public internet" in content
    assert not WebhookEndpoint.all_agencies.exists()
    dns["hooks.example"] = [PUBLIC]
    response = client.post(page("webhook_create", agency_a), {"url": "https://hooks.example/"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not WebhookEndpoint.all_agencies.exists()


def test_the_coordinator_changes_rotates_tests_and_deletes_an_endpoint(
    client, agency_a, coordinator, dns
):
    dns["hooks.example"] = [PUBLIC]
    dns["new.example"] = [PUBLIC]
    endpoint = an_endpoint(agency_a, coordinator, "https://hooks.example/")
    login(client, coordinator)
    ids = {"endpoint_id": endpoint.public_id}
    response = client.post(
        page("webhook_edit", agency_a, **ids),
        {"url": "https://new.example/in", "description": "", "events": ["import.finished"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == ("https://new.example/in", ["import.finished"])
    changed = AuditEvent.objects.get(action="webhook.changed")
    assert changed.changes["url"] == ["https://hooks.example/", "https://new.example/in"]

    old = endpoint.secret
    client.post(page("webhook_rotate", agency_a, **ids))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert (
        "The previous secret also signs"
        in client.get(page("webhook_edit", agency_a, **ids)).content.decode()
    )

    response = client.post(page("webhook_test", agency_a, **ids))
    assert response["Location"] == page("webhook_deliveries", agency_a, **ids)
    ping = WebhookDelivery.all_agencies.get(endpoint=endpoint)
    assert (ping.event_type, ping.payload["type"], ping.status) == ("ping", "ping", "pending")
    assert "ping" in client.get(response["Location"]).content.decode()

    client.post(page("webhook_delete", agency_a, **ids))
    assert not WebhookEndpoint.all_agencies.exists() and not WebhookDelivery.all_agencies.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"webhook.secret_rotated", "webhook.test_sent", "webhook.deleted"} <= actions


def test_only_the_coordinator_manages_webhooks(client, agency_a, editor, viewer):
    for user in (editor, viewer):
        login(client, user)
        assert client.get(page("webhook_list", agency_a)).status_code == 403
        assert client.post(page("webhook_create", agency_a), {}).status_code == 403


def test_the_delivery_log_is_paginated_newest_first_in_few_queries(
    client, agency_a, coordinator, django_assert_max_num_queries
):
    from tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory

    endpoint = WebhookEndpointFactory(agency=agency_a)
    start = timezone.now()
    for n in range(30):
        WebhookDeliveryFactory(
            endpoint=endpoint, event_type=f"event.n{n:02d}", created_at=start + timedelta(minutes=n)
        )
    login(client, coordinator)
    url = page("webhook_deliveries", agency_a, endpoint_id=endpoint.public_id)
    with django_assert_max_num_queries(14):
        first = client.get(url).content.decode()
    assert "event.n29" in first and "event.n05" in first and "event.n04" not in first
    assert first.index("event.n29") < first.index("event.n28")
    assert "event.n04" in client.get(url + "?page=2").content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(page("webhook_list", agency_a)).status_code == 200


def test_a_retry_of_a_delivery_that_did_not_fail_is_refused(client, agency_a, coordinator):
    from tests.factories import WebhookDeliveryFactory

    pending = WebhookDeliveryFactory(endpoint__agency=agency_a)
    login(client, coordinator)
    client.post(
        page(
            "webhook_delivery_retry", agency_a,
            endpoint_id=pending.endpoint.public_id, delivery_id=pending.public_id,
        )
    )  # fmt: skip
    assert not AuditEvent.objects.filter(action="webhook.delivery_retried").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_a_delivery_once(receiver, monkeypatch):
    """The worst case: the first worker's lease has run out while it sends, so the second
    one finds the row claimable; its claim waits for the row the first holds, then finds
    it delivered."""
    from tests.factories import WebhookDeliveryFactory
    from tests.races import in_the_worst_order

    row = WebhookDeliveryFactory(endpoint__url=receiver.url)
    monkeypatch.setattr(delivery, "LEASE", timedelta(seconds=-1))
    first, second = in_the_worst_order(
        delivery.dispatch, delivery.dispatch, pause_before=(network, "post")
    )
    assert (first.delivered, second.delivered, second.looked_at) == (1, 0, 1)
    assert len(receiver.received) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 1)


def a_certificate_authority(tmp_path, name):
    """A CA (its PEM file) and a server context whose certificate it signed for `name`."""
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def make(subject, issuer, key, signer, **extensions):
        now = timezone.now()
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
        )
        for extension, critical in extensions.values():
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = make(
        "Test CA", "Test CA", ca_key, ca_key,
        basic=(x509.BasicConstraints(ca=True, path_length=None), True),
        usage=(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False,
        ), True),
        key_id=(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False),
    )  # fmt: skip
    leaf = make(
        name, "Test CA", key, ca_key,
        names=(x509.SubjectAlternativeName([x509.DNSName(name)]), False),
        authority=(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        ),
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    return str(tmp_path / "ca.pem"), context


@pytest.fixture
def tls_receiver(settings, tmp_path):
    """A receiver on loopback that speaks TLS with a certificate for hooks.example only."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_CA_BUNDLE, context = a_certificate_authority(tmp_path, "hooks.example")
    receiver = Receiver(tls=context)
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def test_https_checks_the_certificate_for_the_name_while_connecting_to_the_address(
    agency_a, coordinator, dns, tls_receiver
):
    """Connected to the address resolved; TLS still asks for (SNI) and checks the name."""
    dns["hooks.example"] = dns["elsewhere.example"] = ["127.0.0.1"]
    good = an_endpoint(
        agency_a, coordinator, f"https://hooks.example:{tls_receiver.port}/in",
        ["pledge.state_changed"],
    )  # fmt: skip
    first = a_delivery(agency_a, good)
    result = delivery.dispatch()
    first.refresh_from_db()
    assert result.delivered == 1, first.last_error
    assert tls_receiver.received[0][0]["host"] == f"hooks.example:{tls_receiver.port}"

    wrong = an_endpoint(agency_a, coordinator, f"https://elsewhere.example:{tls_receiver.port}/")
    row = a_delivery(agency_a, wrong, "certificate.issued")
    assert delivery.dispatch().retrying == 1
    row.refresh_from_db()
    assert "elsewhere.example" in row.last_error and len(tls_receiver.received) == 1


def test_a_deployment_that_relaxes_the_checks_is_warned(settings):
    from django.core.checks import run_checks

    def warnings():
        checks = run_checks(include_deployment_checks=True, tags=["onemind"])
        return [c for c in checks if c.id == "onemind.W101"]

    assert warnings() == []
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES" in warnings()[0].msg


def test_finished_deliveries_leave_the_log_after_30_days(agency_a):
    from agencies.tasks import purge_webhook_deliveries
    from tests.factories import WebhookDeliveryFactory

    old = timezone.now() - timedelta(days=31)
    kept = [
        WebhookDeliveryFactory(endpoint__agency=agency_a, status="delivered"),
        WebhookDeliveryFactory(endpoint__agency=agency_a, status="pending", created_at=old),
    ]
    WebhookDeliveryFactory(endpoint__agency=agency_a, status="delivered", created_at=old)
    WebhookDeliveryFactory(endpoint__agency=agency_a, status="failed", created_at=old)
    assert purge_webhook_deliveries() == 2
    assert set(WebhookDelivery.all_agencies.all()) == set(kept)


def test_an_event_is_sent_as_soon_as_its_transaction_commits(
    agency_a, coordinator, receiver, django_capture_on_commit_callbacks
):
    from django.db import transaction

    endpoint = an_endpoint(agency_a, coordinator, receiver.url)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.emit(agency_a, "import.finished", {"import_id": "i-1"})
        assert receiver.received == []  # nothing leaves before the commit
    (row,) = WebhookDelivery.all_agencies.filter(endpoint=endpoint)
    assert row.status == "delivered" and len(receiver.received) == 1


def test_an_event_rolled_back_is_never_sent(agency_a, coordinator, receiver):
    from django.db import transaction

    an_endpoint(agency_a, coordinator, receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.emit(agency_a, "import.finished", {"import_id": "i-1"})
        raise RuntimeError("the change failed")
    assert not WebhookDelivery.all_agencies.exists()
    assert delivery.dispatch().looked_at == 0 and receiver.received == []


def test_a_receiver_that_never_answers_is_cut_off_at_the_deadline(
    agency_a, coordinator, settings, monkeypatch
):
    """Each read's timeout is longer than the whole attempt may take: the deadline ends it."""
    import socket

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = settings.WEBHOOKS_ALLOW_HTTP = True
    monkeypatch.setattr(network, "READ_TIMEOUT", 60.0)
    monkeypatch.setattr(network, "TOTAL_DEADLINE", 0.5)
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, and never answers
    try:
        port = listener.getsockname()[1]
        endpoint = an_endpoint(agency_a, coordinator, f"http://127.0.0.1:{port}/")
        row = a_delivery(agency_a, endpoint)
        started = time.monotonic()
        assert delivery.dispatch().retrying == 1
        assert time.monotonic() - started < 30  # not the read timeout's 60 s
    finally:
        listener.close()
    row.refresh_from_db()
    assert row.status == "pending" and row.last_status_code is None and row.last_error
