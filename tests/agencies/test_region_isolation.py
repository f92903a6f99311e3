"""DESIGN.md §Tenancy 8: every region URL, every role, another region's objects → 404.

The URL patterns under /r/<region_slug>/ are walked from the resolver, as the agency walk
walks /a/: a region page is covered the day it is added, and a new kind of object id in its
URL fails here until it is given a maker in REGION_OBJECT_MAKERS. Region B is the region
walked, with its objects; region A has a team of its own. Whoever is not on B's team gets
404 for B's pages, and for B's objects under A's address, reading and writing; B's viewer
gets 403 where a page needs MANAGE. What a region sees through a member agency ends when
the agency is no longer a member, and no page shows a person an agency did not share.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, resolve, reverse
from django.utils import timezone

import onemind.urls
from agencies.models import (
    Agency,
    AuditEvent,
    MemberAgency,
    MemberAgencyStatus,
    OnboardingInvitation,
    Region,
    RegionInvitation,
    RegionMembership,
    RegionRole,
    Role,
    Sharing,
)
from agencies.regions import queries
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability
from agencies.staff import ADMINISTRATOR_GROUP, REVIEWER_GROUP
from partnerships.models import Partnership, PartnershipVersion
from tests.conftest import login, with_totp
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    MembershipFactory,
    PersonFactory,
    RegionalClassFactory,
    RegionFactory,
    RegionMembershipFactory,
    RegionWebhookDeliveryFactory,
    RegionWebhookEndpointFactory,
    TrainingRecordFactory,
    UserFactory,
    shared_agreement,
)
from tests.walk import assert_not_found, route_parameters, scoped_routes, url_patterns
from training.models import Person


def member_of(region: Region, sharing: str = Sharing.ROSTER) -> Agency:
    """An agency that joined `region` and shares with it, for makers of what a region sees
    through its members (their progress, their people, a shared MOU, a class's attendees)."""
    return MemberAgencyFactory(region=region, sharing=sharing).agency


# How to make an object of region B for each object id a region URL can carry: one the
# region owns (an invitation, a regional class), or one it sees through `member_of(region)`.
def region_mou(region: Region) -> Partnership:
    """The MOU the region recorded for two of its members (made once per region)."""
    recorded = Partnership.all_agencies.filter(region=region).first()
    return recorded or shared_agreement(member_of(region), member_of(region), region=region)


def invitation_to_register(region: Region) -> OnboardingInvitation:
    return OnboardingInvitation.all_regions.create(
        region=region,
        agency_name="Orchard Valley Police Department",
        state="VA",
        email="chief@orchard-valley.example",
        invited_by=UserFactory(),
        expires_at=timezone.now() + timedelta(days=30),
    )


def team_invitation(region: Region) -> RegionInvitation:
    return RegionInvitation.all_regions.create(
        region=region,
        email="analyst@collaborative.example",
        role=RegionRole.VIEWER,
        invited_by=UserFactory(),
        expires_at=timezone.now() + timedelta(days=7),
    )


REGION_OBJECT_MAKERS: dict[str, Callable[[Region], object]] = {
    "member_agency_id": lambda region: (
        MemberAgencyFactory(
            region=region, status=MemberAgencyStatus.INVITED, answered_at=None
        ).public_id
    ),
    "agency_id": lambda region: member_of(region).public_id,
    "onboarding_id": lambda region: invitation_to_register(region).public_id,
    "team_member_id": lambda region: (
        RegionMembershipFactory(region=region, role=RegionRole.VIEWER).public_id
    ),
    "region_invitation_id": lambda region: team_invitation(region).public_id,
    "class_id": lambda region: RegionalClassFactory(region=region).public_id,
    "partnership_id": lambda region: region_mou(region).public_id,
    "version_id": lambda region: (
        PartnershipVersion.all_agencies.filter(partnership=region_mou(region)).get().public_id
    ),
    "endpoint_id": lambda region: RegionWebhookEndpointFactory(region=region).public_id,
    "delivery_id": lambda region: (
        RegionWebhookDeliveryFactory(endpoint__region=region, status="failed").public_id
    ),
}

# Of those, the ids of what the region sees only through a member agency's consent: while
# the agency is invited and has not accepted, or declined, or left, they are 404.
THROUGH_A_MEMBER: set[str] = {"agency_id"}

# Parameters that name no object, with a value the page exists for.
FIXED_PARAMETERS: dict[str, str] = {}

REGION_URLS = scoped_routes("region_slug")


@dataclass(frozen=True)
class Regions:
    walked: Region  # B: its pages and its objects
    own: Region  # A: the region of "the team of another region"


@pytest.fixture
def regions(db):
    return Regions(
        walked=RegionFactory(name="Harlan County Crisis Collaborative", slug="harlan-cc"),
        own=RegionFactory(name="Millbrook Regional CIT Program", slug="millbrook-cit"),
    )


def region_urls(name, route, regions, makers=REGION_OBJECT_MAKERS, fixed=FIXED_PARAMETERS):
    """The URL with B's slug and B's objects, and (if it names objects) with A's slug."""
    params = route_parameters(route)
    unknown = sorted(set(params) - {"region_slug", *makers, *fixed})
    assert not unknown, (
        f"{name}: add a maker for {unknown} to REGION_OBJECT_MAKERS in {__name__}, which "
        "makes region B's object (its own, or one of `member_of(region)`) for the walk"
    )
    objects = {p: makers[p](regions.walked) for p in params if p in makers}
    values = {**objects, **{p: fixed[p] for p in params if p in fixed}}
    urls = [reverse(name, kwargs={"region_slug": regions.walked.slug, **values})]
    if objects:
        urls.append(reverse(name, kwargs={"region_slug": regions.own.slug, **values}))
    return urls


# Who asks: everyone but region B's team.


def team_of(region: Region, role: str):
    return RegionMembershipFactory(region=region, role=role).user


def agency_user(role: str, region: Region | None = None, status: str | None = None):
    """A member of an agency with the given standing in `region` (none: never invited)."""
    agency = AgencyFactory()
    if status is not None:
        MemberAgencyFactory(region=region, agency=agency, status=status, sharing=Sharing.ROSTER)
    return MembershipFactory(agency=agency, role=role).user


def program_staff(group: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    return with_totp(user)


@dataclass(frozen=True)
class Persona:
    who: str
    user: Callable[[Regions], object]
    mfa: bool = False

    def __str__(self):
        return self.who


MEMBER, LEFT = MemberAgencyStatus.MEMBER, MemberAgencyStatus.LEFT
OUTSIDERS = [
    Persona("coordinator of another region", lambda r: team_of(r.own, RegionRole.COORDINATOR)),
    Persona("viewer of another region", lambda r: team_of(r.own, RegionRole.VIEWER)),
    *(
        Persona(
            f"{role} of a member agency", lambda r, role=role: agency_user(role, r.walked, MEMBER)
        )
        for role in Role.values
    ),
    *(
        Persona(
            f"{role} of an agency that left", lambda r, role=role: agency_user(role, r.walked, LEFT)
        )
        for role in Role.values
    ),
    *(
        Persona(
            f"coordinator of an agency {label}",
            lambda r, status=status: agency_user(Role.COORDINATOR, r.walked, status),
        )
        for status, label in [
            (MemberAgencyStatus.INVITED, "invited that has not answered"),
            (MemberAgencyStatus.DECLINED, "that declined"),
            (MemberAgencyStatus.WITHDRAWN, "whose invitation was withdrawn"),
        ]
    ),
    *(
        Persona(f"{role} of a non-member agency", lambda r, role=role: agency_user(role))
        for role in Role.values
    ),
    Persona(
        "coordinator of another region's member agency",
        lambda r: agency_user(Role.COORDINATOR, r.own, MEMBER),
    ),
    Persona("stranger", lambda r: UserFactory()),
    # Staff see regions through the staff area, never by walking into a region's pages.
    Persona("program reviewer", lambda r: program_staff(REVIEWER_GROUP), mfa=True),
    Persona("program administrator", lambda r: program_staff(ADMINISTRATOR_GROUP), mfa=True),
]


def assert_outsider_turned_away(client, persona, regions, name, route, makers, fixed):
    login(client, persona.user(regions), mfa=persona.mfa)
    urls = region_urls(name, route, regions, makers, fixed)
    events = AuditEvent.objects.count()
    for url in urls:
        assert_not_found(client, "get", url)
        assert_not_found(client, "post", url)
    assert AuditEvent.objects.count() == events, f"{name}: a refused request wrote"


def assert_team_admitted_by_role(client, regions, name, route, makers, fixed):
    """B's coordinator opens the page with B's objects (so the 404s above are of objects that
    exist); B's viewer opens it too, unless it needs MANAGE: then 403, and nothing written."""
    url = region_urls(name, route, regions, makers, fixed)[0]
    login(client, team_of(regions.walked, RegionRole.COORDINATOR))
    opened = client.get(url).status_code
    # 202: a file the worker is asked to prepare (the region's PDF report).
    assert opened in {200, 202, 302, 405}, f"GET {url}: {opened} for the region's coordinator"
    login(client, team_of(regions.walked, RegionRole.VIEWER))
    events = AuditEvent.objects.count()
    if capability_of(url) == RegionCapability.MANAGE:
        assert client.get(url).status_code == 403, f"GET {url}: a viewer let in"
        assert client.post(url, {"email": "x@y.example"}).status_code == 403
    else:
        # A file the coordinator asked the worker for may be ready by the viewer's turn.
        assert client.get(url).status_code in {opened, 200 if opened == 202 else opened}
    assert AuditEvent.objects.count() == events


def assert_seen_only_through_members(client, regions, name, route, makers):
    """Made through a member agency, B's objects open for B's coordinator; made through an
    agency that has not accepted, declined, was withdrawn or left, they are 404."""
    login(client, team_of(regions.walked, RegionRole.COORDINATOR))
    url = region_urls(name, route, regions, makers)[0]
    assert client.get(url).status_code != 404, f"GET {url}: 404 for a member's object"
    for status in [s for s in MemberAgencyStatus.values if s != MEMBER]:
        url = region_urls(name, route, regions, makers)[0]
        standing = MemberAgency.all_regions.filter(region=regions.walked, status=MEMBER)
        standing.update(status=status)
        assert_not_found(client, "get", url)
        assert_not_found(client, "post", url)


def capability_of(url: str) -> str:
    return resolve(url).func.region_capability


# The walk of the product's region pages.


def test_the_walk_finds_the_region_pages():
    assert {"region_home"} <= {name for name, _ in REGION_URLS}


@pytest.mark.parametrize(("name", "route"), REGION_URLS)
def test_every_region_page_declares_what_it_needs(name, route):
    callbacks = [entry.callback for entry, r, _ in url_patterns() if r == route]
    assert callbacks and all(
        getattr(view, "region_capability", None) in RegionCapability.values for view in callbacks
    ), f"{name}: decorate its view with @region_view(RegionCapability...)"


def test_no_page_is_both_an_agency_page_and_a_region_page():
    """Both middlewares would resolve its scope; an /a/ page names a region by its id."""
    both = [r for _, r, _ in url_patterns() if "agency_slug>" in r and "region_slug>" in r]
    assert both == []


def test_every_id_seen_through_a_member_has_a_maker():
    assert set(THROUGH_A_MEMBER) <= set(REGION_OBJECT_MAKERS)


@pytest.mark.parametrize("persona", OUTSIDERS, ids=str)
@pytest.mark.parametrize(("name", "route"), REGION_URLS)
def test_everyone_but_the_regions_team_gets_404(client, regions, name, route, persona):
    assert_outsider_turned_away(
        client, persona, regions, name, route, REGION_OBJECT_MAKERS, FIXED_PARAMETERS
    )


@pytest.mark.parametrize(("name", "route"), REGION_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, regions, name, route):
    for url in region_urls(name, route, regions):
        sign_in = f"{reverse('account_login')}?{urlencode({'next': url})}"
        for method in (client.get, client.post):
            response = method(url)
            assert (response.status_code, response["Location"]) == (302, sign_in)


@pytest.mark.parametrize(("name", "route"), REGION_URLS)
def test_the_regions_team_is_admitted_by_its_role(client, regions, name, route):
    assert_team_admitted_by_role(
        client, regions, name, route, REGION_OBJECT_MAKERS, FIXED_PARAMETERS
    )


@pytest.mark.parametrize(
    ("name", "route"),
    [(n, r) for n, r in REGION_URLS if THROUGH_A_MEMBER & set(route_parameters(r))],
)
def test_what_a_region_sees_through_an_agency_ends_with_its_membership(
    client, regions, name, route
):
    assert_seen_only_through_members(client, regions, name, route, REGION_OBJECT_MAKERS)


# People of member agencies, by what each agency shares: no region page shows a name the
# agency did not share (only progress, or no longer a member, or never one).
UNSHARED = [
    (Sharing.PROGRESS, MEMBER, "Prudence Progressonly"),
    (Sharing.ROSTER, MemberAgencyStatus.INVITED, "Ingrid Notyetjoined"),
    (Sharing.ROSTER, MemberAgencyStatus.DECLINED, "Desmond Declinedtojoin"),
    (Sharing.ROSTER, MemberAgencyStatus.WITHDRAWN, "Wilhelmina Withdrawninvite"),
    (Sharing.ROSTER, LEFT, "Leopold Hasleftus"),
    (None, None, "Nadia Nevermember"),
]


def agencies_with_people(region: Region) -> list[str]:
    """Agencies in every standing with `region`, each with a trained person; the names that
    the region may not see."""
    names = []
    for sharing, status, full_name in UNSHARED:
        agency = AgencyFactory()
        if status is not None:
            MemberAgencyFactory(region=region, agency=agency, status=status, sharing=sharing)
        first, last = full_name.split()
        person = PersonFactory(agency=agency, first_name=first, last_name=last)
        TrainingRecordFactory(person=person)
        names += [first, last]
    return names


def assert_no_unshared_people(client, regions, name, route, makers):
    unshared = agencies_with_people(regions.walked)
    url = region_urls(name, route, regions, makers)[0]
    for role in RegionRole.values:
        login(client, team_of(regions.walked, role))
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        page = body.decode(errors="replace")
        assert [n for n in unshared if n in page] == [], f"GET {url} as {role}"


@pytest.mark.parametrize(("name", "route"), REGION_URLS)
def test_no_region_page_shows_a_person_an_agency_did_not_share(client, regions, name, route):
    assert_no_unshared_people(client, regions, name, route, REGION_OBJECT_MAKERS)


# The walk itself, on pages made for it: it passes a page that reads through its scope and
# catches one that reads past it.


@region_view(RegionCapability.VIEW)
def team_member(request, region_slug, member_id):
    member = get_object_or_404(RegionMembership.objects, public_id=member_id)
    return HttpResponse(member.user.email)


@region_view(RegionCapability.VIEW)
def team_member_past_the_scope(request, region_slug, member_id):
    member = get_object_or_404(RegionMembership.all_regions, public_id=member_id)
    return HttpResponse(member.user.email)


@region_view(RegionCapability.MANAGE, methods=("POST",))
def team_member_remove(request, region_slug, member_id):
    get_object_or_404(RegionMembership.objects, public_id=member_id)
    return HttpResponse(status=204)


@region_view(RegionCapability.VIEW, methods=("GET",))
def member_agency(request, region_slug, agency_id):
    standing = queries.shared_agency(request.region, agency_id)
    if standing is None:
        raise Http404("No such member agency.")
    return HttpResponse(standing.agency.name)


@region_view(RegionCapability.VIEW, methods=("GET",))
def member_agency_in_any_standing(request, region_slug, agency_id):
    """Reads the region's rows about the agency, which a left agency still has."""
    standing = get_object_or_404(MemberAgency.objects, agency__public_id=agency_id)
    return HttpResponse(standing.agency.name)


@region_view(RegionCapability.VIEW, methods=("GET",))
def people_of_every_agency_it_invited(request, region_slug):
    """Reads people through the region's rows in any standing, not what each agency shares."""
    agencies = MemberAgency.objects.values("agency")
    people = Person.all_agencies.filter(agency__in=agencies)
    return HttpResponse(", ".join(f"{p.first_name} {p.last_name}" for p in people))


def undeclared(request, region_slug):
    return HttpResponse("Every member's roster")


urlpatterns = [
    *onemind.urls.urlpatterns,
    path("r/<slug:region_slug>/forgotten/", undeclared, name="forgotten"),
    path("r/<slug:region_slug>/team/<uuid:member_id>/", team_member, name="t_member"),
    path(
        "r/<slug:region_slug>/past/<uuid:member_id>/",
        team_member_past_the_scope,
        name="t_member_past",
    ),
    path(
        "r/<slug:region_slug>/team/<uuid:member_id>/remove/",
        team_member_remove,
        name="t_member_remove",
    ),
    path("r/<slug:region_slug>/agencies/<uuid:agency_id>/", member_agency, name="t_agency"),
    path(
        "r/<slug:region_slug>/any/<uuid:agency_id>/",
        member_agency_in_any_standing,
        name="t_agency_any",
    ),
    path("r/<slug:region_slug>/people/", people_of_every_agency_it_invited, name="t_people"),
]

TEST_MAKERS = {
    "member_id": lambda region: RegionMembershipFactory(region=region).public_id,
    "agency_id": lambda region: member_of(region).public_id,
}


@pytest.fixture
def walk_pages(settings):
    settings.ROOT_URLCONF = __name__
    return {name: route for name, route in scoped_routes("region_slug") if name.startswith("t_")}


def test_the_walk_finds_pages_added_to_the_urls(walk_pages):
    assert set(walk_pages) == {
        "t_member",
        "t_member_past",
        "t_member_remove",
        "t_agency",
        "t_agency_any",
        "t_people",
    }


@pytest.mark.parametrize("name", ["t_member", "t_member_remove", "t_agency"])
def test_the_walk_passes_pages_that_read_through_the_scope(client, regions, walk_pages, name):
    for persona in OUTSIDERS:
        assert_outsider_turned_away(
            client, persona, regions, name, walk_pages[name], TEST_MAKERS, {}
        )
    assert_team_admitted_by_role(client, regions, name, walk_pages[name], TEST_MAKERS, {})


def test_the_walk_catches_a_page_that_reads_past_the_scope(client, regions, walk_pages):
    persona = OUTSIDERS[0]  # the coordinator of another region
    with pytest.raises(AssertionError, match="GET /r/millbrook-cit/past/.*: 200"):
        assert_outsider_turned_away(
            client, persona, regions, "t_member_past", walk_pages["t_member_past"], TEST_MAKERS, {}
        )


def test_the_walk_turns_a_viewer_away_from_a_manage_page(client, regions, walk_pages):
    """The 403 a viewer gets on a MANAGE page is the middleware's, checked by the walk."""
    assert_team_admitted_by_role(
        client, regions, "t_member_remove", walk_pages["t_member_remove"], TEST_MAKERS, {}
    )


def test_what_a_member_shares_ends_with_its_membership(client, regions, walk_pages):
    assert_seen_only_through_members(
        client, regions, "t_agency", walk_pages["t_agency"], TEST_MAKERS
    )


def test_the_walk_catches_a_page_that_shows_an_agency_after_it_left(client, regions, walk_pages):
    with pytest.raises(AssertionError, match=": 200"):
        assert_seen_only_through_members(
            client, regions, "t_agency_any", walk_pages["t_agency_any"], TEST_MAKERS
        )


def test_an_object_id_without_a_maker_fails_with_what_to_do(regions):
    route = "r/<slug:region_slug>/workshops/<uuid:workshop_id>/"
    with pytest.raises(AssertionError, match=r"add a maker for \['workshop_id'\] to REGION_OB"):
        region_urls("regional_workshop", route, regions)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "coordinator"])
def test_a_region_page_that_declares_no_capability_is_refused(client, settings, regions, signed_in):
    settings.ROOT_URLCONF = __name__
    if signed_in:
        login(client, team_of(regions.walked, RegionRole.COORDINATOR))
    for method in (client.get, client.post):
        with pytest.raises(ImproperlyConfigured, match="declares no capability"):
            method(f"/r/{regions.walked.slug}/forgotten/")


def test_the_walk_catches_a_page_that_shows_people_an_agency_did_not_share(
    client, regions, walk_pages
):
    with pytest.raises(AssertionError, match="Prudence"):
        assert_no_unshared_people(client, regions, "t_people", walk_pages["t_people"], {})
