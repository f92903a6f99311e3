"""Public verification: a certificate names whom it was issued to, whatever the agency calls
itself later; lookups are limited per client."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from agencies.models import Agency, AuditEvent
from pledges import services
from pledges.certification import services as certification
from pledges.models import Certificate
from tests.conftest import login
from tests.factories import meets_everything, sign

NYPD = {
    "name": "New York City Police Department",
    "agency_type": "municipal",
    "ori": "NY0303000",
    "country": "US",
    "region": "NY",
    "locality": "New York",
    "sworn_strength": "34000",
    "time_zone": "America/New_York",
}


@pytest.fixture
def certificate(agency_a, coordinator, reviewer):
    """Agency A, verified by staff and certified; no ORI on record when it was certified."""
    Agency.objects.filter(pk=agency_a.pk).update(verified=True, locality="Millbrook")
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    submission = services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge)
    return certification.review_approve(reviewer=reviewer, submission=submission)[1]


def rename_to_nypd(client, agency, coordinator):
    """The coordinator gives the agency NYPD's name, place and ORI on its settings page."""
    login(client, coordinator)
    response = client.post(reverse("agency_settings", kwargs={"agency_slug": agency.slug}), NYPD)
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == NYPD["name"] and agency.ori == NYPD["ori"]
    client.logout()


def verification_pages(client, certificate):
    by_number = client.get(reverse("certificate_verify"), {"number": certificate.number})
    by_link = client.get(reverse("certificate_verify_token", kwargs={"token": certificate.token}))
    return [by_number.content.decode(), by_link.content.decode()]


def test_verification_names_whom_the_certificate_was_issued_to(client, certificate):
    for page in verification_pages(client, certificate):
        assert "Valid certificate" in page
        assert "was issued to <strong>Millbrook Police Department</strong> (Millbrook, NY)" in page
        assert "has changed" not in page


def test_a_renamed_agency_cannot_borrow_its_certificate_for_its_new_name(
    client, agency_a, coordinator, certificate
):
    rename_to_nypd(client, agency_a, coordinator)

    for page in verification_pages(client, certificate):
        assert "was issued to <strong>Millbrook Police Department</strong> (Millbrook, NY)" in page
        assert "issued to <strong>New York City Police Department" not in page
        assert "The agency has changed its name, place and ORI since this certificate" in page
        assert "It does not certify the agency under the details it uses now." in page
        assert (
            '<th scope="row" data-label="Changed">Name</th>'
            '<td data-label="On the certificate">Millbrook Police Department</td>'
            '<td data-label="Now (not certified)">New York City Police Department</td>'
        ) in page
        assert (
            '<th scope="row" data-label="Changed">ORI</th>'
            '<td data-label="On the certificate">none</td>'
            '<td data-label="Now (not certified)">NY0303000</td>'
        ) in page
        assert (
            '<th scope="row" data-label="Changed">Place</th>'
            '<td data-label="On the certificate">Millbrook, NY</td>'
            '<td data-label="Now (not certified)">New York, NY</td>'
        ) in page
    # Staff verified who the agency was; its new identity waits for them again.
    agency_a.refresh_from_db()
    assert not agency_a.verified


def test_the_pdf_carries_the_identity_the_certificate_recorded(
    client, agency_a, coordinator, certificate
):
    rename_to_nypd(client, agency_a, coordinator)
    Certificate.all_agencies.filter(pk=certificate.pk).update(pdf="")  # rendered again below
    login(client, coordinator)
    url = reverse(
        "certificate_download",
        kwargs={"agency_slug": agency_a.slug, "certificate_id": certificate.public_id},
    )
    assert client.get(url).status_code == 202  # asks the worker (eager in tests) to render
    response = client.get(url)

    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = pdf.pages[0].extract_text()
    assert "Millbrook Police Department" in text and "Millbrook, NY" in text
    assert "New York City" not in text and "NY0303000" not in text
    assert pdf.metadata.title.endswith("Millbrook Police Department")


def test_existing_certificates_take_their_identity_from_their_agency(agency_a, certificate):
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    name = "0006_certificate_records_identity"
    migration = import_module(f"pledges.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state(("pledges", name))
    Certificate.all_agencies.filter(pk=certificate.pk).update(
        agency_name="", agency_region="", agency_locality=""
    )
    Agency.objects.filter(pk=agency_a.pk).update(ori="NY0000100")

    migration.fill_from_agency(state.apps, None)

    certificate.refresh_from_db()
    assert (certificate.agency_name, certificate.agency_place, certificate.agency_ori) == (
        "Millbrook Police Department",
        "Millbrook, NY",
        "NY0000100",
    )


def test_a_reissue_records_the_agency_as_staff_verified_it_again(
    client, agency_a, coordinator, reviewer, certificate
):
    rename_to_nypd(client, agency_a, coordinator)
    with pytest.raises(Exception, match="not verified"):
        certification.certificate_reissue(actor=reviewer, certificate=certificate, reason="Renamed")
    certificate.refresh_from_db()
    assert certificate.is_valid

    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    second = certification.certificate_reissue(
        actor=reviewer, certificate=certificate, reason="Renamed"
    )

    assert (second.agency_name, second.agency_ori) == (NYPD["name"], NYPD["ori"])
    event = AuditEvent.objects.get(action="certificate.issued", object_id=str(second.public_id))
    assert event.changes["agency_name"] == ["Millbrook Police Department", NYPD["name"]]
    assert event.changes["agency_ori"] == ["", NYPD["ori"]]
    assert event.changes["replaces"] == [None, certificate.number]
    page = client.get(reverse("certificate_verify"), {"number": second.number}).content.decode()
    assert f"was issued to <strong>{NYPD['name']}</strong> (New York, NY; ORI NY0303000)" in page
    assert "has changed" not in page


# Lookups per client. Time stands still inside a test (a window must not roll over midway);
# each test sets a small limit of its own.

TWELVE_OH_FIVE = datetime(2031, 5, 6, 12, 0, 5, tzinfo=UTC)


def lookup(client, number="OM-2031-000001", **headers):
    return client.get(reverse("certificate_verify"), {"number": number}, **headers)


def test_one_client_past_the_limit_waits_while_others_are_served(client, settings, db):
    settings.VERIFY_LOOKUPS_PER_MINUTE = 5
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        for n in range(1, 6):
            assert lookup(client, f"OM-2031-{n:06d}", REMOTE_ADDR="203.0.113.7").status_code == 200

        refused = lookup(client, REMOTE_ADDR="203.0.113.7")
        assert refused.status_code == 429 and refused["Retry-After"] == "55"
        assert "Please wait 55 seconds and try again." in refused.content.decode()
        by_link = client.get(
            reverse("certificate_verify_token", kwargs={"token": "t" * 43}),
            REMOTE_ADDR="203.0.113.7",
        )
        assert by_link.status_code == 429
        assert lookup(client, REMOTE_ADDR="198.51.100.4").status_code == 200

    with time_machine.travel(TWELVE_OH_FIVE + timedelta(minutes=1), tick=False):
        assert lookup(client, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_behind_the_proxy_each_forwarded_client_is_counted_apart(client, settings, db):
    settings.VERIFY_LOOKUPS_PER_MINUTE = 2
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        for _ in range(2):
            assert lookup(client, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 200
        assert lookup(client, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
        # A forged hop in front of the real one changes nothing: the proxy's hop counts.
        spoofed = lookup(client, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy)
        assert spoofed.status_code == 429
        assert lookup(client, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy).status_code == 200


def test_an_ipv6_client_is_counted_by_its_network(client, settings, db):
    settings.VERIFY_LOOKUPS_PER_MINUTE = 2
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        for host in ("2001:db8:1:2::1", "2001:db8:1:2::2"):
            assert lookup(client, REMOTE_ADDR=host).status_code == 200
        assert lookup(client, REMOTE_ADDR="2001:db8:1:2::3").status_code == 429
        assert lookup(client, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_ipv4_clients_seen_as_mapped_ipv6_addresses_are_counted_apart(client, settings, db):
    """A server listening on [::] sees IPv4 clients as ::ffff:a.b.c.d, all in one /64."""
    settings.VERIFY_LOOKUPS_PER_MINUTE = 1
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        assert lookup(client, REMOTE_ADDR="::ffff:198.51.100.7").status_code == 200
        assert lookup(client, REMOTE_ADDR="::ffff:198.51.100.7").status_code == 429
        assert lookup(client, REMOTE_ADDR="::ffff:203.0.113.9").status_code == 200


def test_verification_still_answers_when_the_cache_is_down(client, settings, db, redis_down):
    """Production's cache (onemind.cache) while Redis is down: nothing is counted, nothing
    is refused."""
    settings.VERIFY_LOOKUPS_PER_MINUTE = 1
    with time_machine.travel(TWELVE_OH_FIVE, tick=False):
        for _ in range(3):
            response = lookup(client, REMOTE_ADDR="203.0.113.7")
            assert response.status_code == 200
            assert "No such certificate" in response.content.decode()
