"""DESIGN.md §Tenancy 6: every agency URL, every role, another agency's objects → 404.

The URL patterns are walked from the resolver, so a new agency page is covered the day it
is added; a new kind of object id in a URL fails here until it is given a maker below.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agencies.models import Role
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
    TrainingRecordFactory,
    UserFactory,
    certificate_of,
)

# How to make an object of agency B for each object id a URL can carry.
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
    "attendee_id": lambda agency: ClassAttendeeFactory(agency=agency).public_id,
    "region_id": lambda agency: MemberAgencyFactory(agency=agency).region.public_id,
    "class_id": lambda agency: RegionalClassFactory(host_agency=agency).public_id,
    "version_id": lambda agency: (
        PartnershipVersionFactory(
            partnership__organization__agency=agency, signed_on=None
        ).public_id
    ),
}

# Parameters that name no object of an agency, with a value the page exists for.
FIXED_PARAMETERS = {"kind": "roster", "fmt": "xlsx"}


ROLES = [Role.COORDINATOR, Role.EDITOR, Role.VIEWER]


def agency_patterns(patterns=None, prefix=""):
    """(name, route) of every named URL under /a/<agency_slug>/."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            for name, sub_route in agency_patterns(entry.url_patterns, route):
                yield namespace + name, sub_route
        elif isinstance(entry, URLPattern) and "<slug:agency_slug>" in route:
            assert entry.name, f"agency URL {route} needs a name"
            yield entry.name, route


AGENCY_URLS = sorted(set(agency_patterns()))


def test_the_walk_finds_the_agency_pages():
    names = {name for name, _ in AGENCY_URLS}
    assert {"agency_dashboard", "member_list", "member_edit", "agency_audit"} <= names


def urls_for(name, route, own_agency, other_agency):
    """The URL with the caller's own slug and B's objects, and with B's slug outright."""
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    unknown = set(params) - {"agency_slug", *OBJECT_MAKERS, *FIXED_PARAMETERS}
    assert not unknown, f"{name}: add a maker for {unknown} to OBJECT_MAKERS"
    objects = {p: OBJECT_MAKERS[p](other_agency) for p in params if p in OBJECT_MAKERS}
    fixed = {p: FIXED_PARAMETERS[p] for p in params if p in FIXED_PARAMETERS}
    urls = [reverse(name, kwargs={"agency_slug": other_agency.slug, **objects, **fixed})]
    if objects:
        urls.append(reverse(name, kwargs={"agency_slug": own_agency.slug, **objects, **fixed}))
    return urls


def assert_not_found(client, method, url):
    """404 — or, where the page never takes this method (405) or never lets this role act
    (403), that same answer for a made-up id: nothing tells that B's object exists."""
    status = getattr(client, method)(url, {"role": "viewer", "email": "x@y.example"}).status_code
    if status in {403, 405}:
        made_up = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", str(uuid.uuid4()), url)
        assert made_up != url, f"{method.upper()} {url}: {status} for a page of the agency itself"
        assert getattr(client, method)(made_up).status_code == status
        return
    assert status == 404, f"{method.upper()} {url}: {status}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "route"), AGENCY_URLS)
def test_members_of_another_agency_get_404(client, agency_a, agency_b, name, route, role):
    user = MembershipFactory(agency=agency_a, role=role, user=UserFactory()).user
    login(client, user)
    for url in urls_for(name, route, agency_a, agency_b):
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
