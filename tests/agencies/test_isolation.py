"""DESIGN.md §Tenancy 6: every agency URL, every role, another agency's objects → 404.

The URL patterns are walked from the resolver, so a new agency page is covered the day it
is added; a new kind of object id in a URL fails here until it is given a maker below.

This is the walk of /a/ pages, region or not: an agency's standing with a region, a shared
MOU it is a party to, a regional class's attendee waiting for its coordinator are agency
pages, and their ids get makers here. Agencies A and B are members of one region, both
sharing their rosters with it, so a maker can make what B shares with its region, and the
walk shows that sharing with a region opens nothing of B to A, nor to the region's team.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import path, reverse

import onemind.urls
from agencies.access import agency_view
from agencies.models import Capability, RegionRole, Role, Sharing
from agencies.tokens.services import token_create
from assistance.models import RequestAttachment
from tests.assistance.objects import a_request_of, request_of, unlisted_offer_of
from tests.conftest import login
from tests.factories import (
    ClassAttendeeFactory,
    DocumentFactory,
    ImportBatchFactory,
    InvitationFactory,
    MemberAgencyFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    PartnershipVersionFactory,
    PersonFactory,
    RegionalClassFactory,
    RegionFactory,
    RegionMembershipFactory,
    TrainingRecordFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    certificate_of,
)
from tests.walk import assert_not_found, route_parameters, scoped_routes

# How to make an object of agency B for each object id a URL can carry (B is a member of
# the region of the `neighbours` fixture).
OBJECT_MAKERS = {
    "member_id": lambda agency: MembershipFactory(agency=agency).public_id,
    "invitation_id": lambda agency: InvitationFactory(agency=agency).public_id,
    "person_id": lambda agency: PersonFactory(agency=agency).public_id,
    "batch_id": lambda agency: ImportBatchFactory(agency=agency).public_id,
    "record_id": lambda agency: TrainingRecordFactory(person__agency=agency).public_id,
    "document_id": lambda agency: DocumentFactory(agency=agency).public_id,
    "certificate_id": lambda agency: certificate_of(agency).public_id,
    "organization_id": lambda agency: OrganizationFactory(agency=agency).public_id,
    "partnership_id": lambda agency: PartnershipFactory(organization__agency=agency).public_id,
    "member_agency_id": lambda agency: MemberAgencyFactory(agency=agency).public_id,
    "token_id": lambda agency: (
        token_create(
            agency=agency, actor=UserFactory(), name="LMS sync", scopes=["read"], valid_days=90
        )[0].public_id
    ),
    "attendee_id": lambda agency: ClassAttendeeFactory(agency=agency).public_id,
    "endpoint_id": lambda agency: WebhookEndpointFactory(agency=agency).public_id,
    "delivery_id": lambda agency: (
        WebhookDeliveryFactory(endpoint__agency=agency, status="failed").public_id
    ),
    "region_id": lambda agency: MemberAgencyFactory(agency=agency).region.public_id,
    "class_id": lambda agency: RegionalClassFactory(host_agency=agency).public_id,
    "request_id": lambda agency: request_of(agency).public_id,
    "attachment_id": lambda agency: (
        RequestAttachment.all_agencies.get(request=request_of(agency, attachment=True)).public_id
    ),
    "version_id": lambda agency: (
        PartnershipVersionFactory(
            partnership__organization__agency=agency, signed_on=None
        ).public_id
    ),
    "peer_offer_id": lambda agency: unlisted_offer_of(agency).public_id,
    "peer_request_id": lambda agency: a_request_of(agency).public_id,
}

# Parameters that name no object of an agency, with a value the page exists for.
FIXED_PARAMETERS = {"kind": "roster", "fmt": "xlsx"}


ROLES = [Role.COORDINATOR, Role.EDITOR, Role.VIEWER]


AGENCY_URLS = scoped_routes("agency_slug")


def test_the_walk_finds_the_agency_pages():
    names = {name for name, _ in AGENCY_URLS}
    assert {"agency_dashboard", "member_list", "member_edit", "agency_audit"} <= names


def urls_for(name, route, own_agency, other_agency):
    """The URL with the caller's own slug and B's objects, and with B's slug outright."""
    params = route_parameters(route)
    unknown = set(params) - {"agency_slug", *OBJECT_MAKERS, *FIXED_PARAMETERS}
    assert not unknown, f"{name}: add a maker for {unknown} to OBJECT_MAKERS"
    objects = {p: OBJECT_MAKERS[p](other_agency) for p in params if p in OBJECT_MAKERS}
    fixed = {p: FIXED_PARAMETERS[p] for p in params if p in FIXED_PARAMETERS}
    urls = [reverse(name, kwargs={"agency_slug": other_agency.slug, **objects, **fixed})]
    if objects:
        urls.append(reverse(name, kwargs={"agency_slug": own_agency.slug, **objects, **fixed}))
    return urls


@pytest.fixture
def neighbours(agency_a, agency_b):
    """Agencies A and B in one region, both sharing their rosters with it."""
    region = RegionFactory()
    for agency in (agency_a, agency_b):
        MemberAgencyFactory(region=region, agency=agency, sharing=Sharing.ROSTER)
    return region


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "route"), AGENCY_URLS)
def test_members_of_another_agency_get_404(
    client, agency_a, agency_b, neighbours, name, route, role
):
    user = MembershipFactory(agency=agency_a, role=role, user=UserFactory()).user
    login(client, user)
    for url in urls_for(name, route, agency_a, agency_b):
        assert_not_found(client, "get", url)
        assert_not_found(client, "post", url)


@pytest.mark.parametrize(("name", "route"), AGENCY_URLS)
def test_a_regions_team_does_not_use_its_member_agencies_pages(
    client, agency_b, neighbours, name, route
):
    """A region reads what a member shares through its own pages (/r/), never through the
    agency's: its coordinator and viewer get 404 here, even with the roster shared."""
    for role in RegionRole.values:
        login(client, RegionMembershipFactory(region=neighbours, role=role).user)
        for url in urls_for(name, route, agency_b, agency_b):
            assert_not_found(client, "get", url)
            assert_not_found(client, "post", url)


@pytest.mark.parametrize(("name", "route"), AGENCY_URLS)
def test_strangers_get_404_and_anonymous_visitors_are_sent_to_sign_in(
    client, agency_a, agency_b, stranger, name, route
):
    urls = urls_for(name, route, agency_a, agency_b)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.post(url).status_code == 302
    login(client, stranger)
    for url in urls:
        assert_not_found(client, "get", url)
        assert_not_found(client, "post", url)


@pytest.mark.parametrize(("name", "route"), AGENCY_URLS)
def test_program_staff_do_not_use_agency_pages(client, agency_b, reviewer, name, route):
    """Staff see agencies through the staff area, never by walking into a tenant's pages."""
    login(client, reviewer, mfa=True)
    for url in urls_for(name, route, agency_b, agency_b):
        assert_not_found(client, "get", url)
        assert_not_found(client, "post", url)


# A page added under /a/<slug>/ without saying what role it needs.


def undeclared(request, agency_slug):
    return HttpResponse("The roster of every agency")


@agency_view(Capability.MANAGE, methods=("GET",))
def declared(request, agency_slug):
    return HttpResponse("Agency settings")


urlpatterns = [
    *onemind.urls.urlpatterns,
    path("a/<slug:agency_slug>/forgotten/", undeclared),
    path("a/<slug:agency_slug>/declared/", declared),
]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "coordinator"])
def test_an_agency_page_that_declares_no_capability_is_refused(
    client, settings, agency_a, coordinator, signed_in
):
    settings.ROOT_URLCONF = __name__
    if signed_in:
        login(client, coordinator)
    for method in (client.get, client.post):
        with pytest.raises(ImproperlyConfigured, match="declares no capability"):
            method(f"/a/{agency_a.slug}/forgotten/")


def test_a_declared_agency_page_is_checked_by_role(client, settings, agency_a, coordinator, viewer):
    settings.ROOT_URLCONF = __name__
    url = f"/a/{agency_a.slug}/declared/"
    login(client, viewer)
    assert client.get(url).status_code == 403
    login(client, coordinator)
    assert client.get(url).content == b"Agency settings"
