"""Spotlights: public only while published, while the agency agrees to be featured and while
its certificate stands; the agency's coordinator gives and withdraws consent."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from agencies.models import AuditEvent, Role
from assistance.models import SpotlightConsent
from assistance.newsletter import services
from pledges.certification.services import certificate_revoke
from pledges.models import Certificate
from tests.assistance.newsletter import objects
from tests.conftest import login
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def public(client, spotlight) -> bool:
    listed = escape(spotlight.title) in client.get(reverse("spotlight_list")).content.decode()
    shown = client.get(spotlight.get_absolute_url()).status_code == 200
    assert listed == shown
    return shown


def test_a_published_spotlight_of_a_consenting_certified_agency_is_public(client):
    spotlight = objects.spotlight(body="They **answer** together.")
    assert public(client, spotlight)
    assert "<strong>answer</strong>" in client.get(spotlight.get_absolute_url()).content.decode()


def test_an_unpublished_spotlight_is_not(client):
    assert not public(client, objects.spotlight(published=False))


def test_without_consent_it_is_not_public(client):
    agency = AgencyFactory()
    objects.featured_agency(agency)
    spotlight = objects.spotlight(agency)
    services.spotlight_consent_set(actor=UserFactory(), agency=agency, consented=False)
    assert not public(client, spotlight)


def test_an_uncertified_agency_is_not_featured(client):
    agency = objects.consenting(AgencyFactory())
    spotlight = services.spotlight_create(
        actor=UserFactory(), agency=agency, title="Too soon", body="x", published=True
    )
    assert not public(client, spotlight)


def test_a_revoked_certificate_takes_the_spotlight_down(client, reviewer):
    spotlight = objects.spotlight()
    certificate = Certificate.all_agencies.get(agency=spotlight.agency)
    certificate_revoke(actor=reviewer, certificate=certificate, reason="Issued in error.")
    assert not public(client, spotlight)


def test_the_public_list_reads_in_one_query(client, django_assert_num_queries):
    for _ in range(3):
        objects.spotlight()
    with django_assert_num_queries(1):
        page = client.get(reverse("spotlight_list"))
    assert page.content.decode().count("Riverton&#x27;s crisis team") == 3


def test_the_coordinator_gives_and_withdraws_consent_recorded_with_who_and_when(
    client, agency_a, coordinator
):
    login(client, coordinator)
    url = reverse("spotlight_consent_set", kwargs={"agency_slug": agency_a.slug})

    client.post(url, {"consented": "on"})
    consent = SpotlightConsent.all_agencies.get(agency=agency_a)
    assert consent.consented and consent.changed_by == coordinator
    page = client.get(reverse("spotlight_consent", kwargs={"agency_slug": agency_a.slug}))
    assert coordinator.email in page.content.decode()

    client.post(url, {})
    consent.refresh_from_db()
    assert not consent.consented
    assert list(
        AuditEvent.objects.filter(agency=agency_a, action__startswith="spotlight.")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [
        ("spotlight.consent_given", coordinator.pk),
        ("spotlight.consent_withdrawn", coordinator.pk),
    ]


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_coordinators_decide(client, agency_a, role):
    member = MembershipFactory(agency=agency_a, role=role).user
    login(client, member)

    page = client.get(reverse("spotlight_consent", kwargs={"agency_slug": agency_a.slug}))
    refused = client.post(
        reverse("spotlight_consent_set", kwargs={"agency_slug": agency_a.slug}),
        {"consented": "on"},
    )

    assert page.status_code == 200 and 'name="consented"' not in page.content.decode()
    assert refused.status_code == 403
    assert not SpotlightConsent.all_agencies.filter(agency=agency_a).exists()


def test_another_agencys_consent_page_is_not_found(client, agency_b, coordinator):
    login(client, coordinator)
    url = reverse("spotlight_consent_set", kwargs={"agency_slug": agency_b.slug})
    assert client.post(url, {"consented": "on"}).status_code == 404
    assert not SpotlightConsent.all_agencies.filter(agency=agency_b).exists()


def test_staff_write_spotlights_only_about_consenting_certified_agencies(client, reviewer):
    featured = objects.featured_agency()
    unwilling = AgencyFactory()
    login(client, reviewer, mfa=True)
    url = reverse("staff:spotlight_create")
    body = {"title": "Together", "body": "The story.", "published": "on"}

    refused = client.post(url, {**body, "agency": unwilling.public_id})
    created = client.post(url, {**body, "agency": featured.public_id})

    assert refused.status_code == 200 and created.status_code == 302
    assert AuditEvent.objects.filter(action="spotlight.created", agency=featured).count() == 1
    assert not AuditEvent.objects.filter(action="spotlight.created", agency=unwilling).exists()
