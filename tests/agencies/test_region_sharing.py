"""A region sees of an agency only what the agency shares, and only while it is a member:
the reads every region page goes through (`agencies.regions.queries`), the region scope the
middleware gives a region page (no agency's scope), and the agency's side, which sees only
its own standing with a region."""

import pytest
from django.http import JsonResponse
from django.urls import path, reverse

import onemind.urls
from agencies.models import MemberAgency, MemberAgencyStatus, RegionRole, Role, Sharing
from agencies.regions import queries
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability
from agencies.regions.scope import current_region
from agencies.tenancy import TenantScopeError, agency_scope, current_agency
from tests.conftest import login, member
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    PersonFactory,
    RegionFactory,
    RegionMembershipFactory,
)
from training.models import Person

NOT_MEMBERS = [s for s in MemberAgencyStatus.values if s != MemberAgencyStatus.MEMBER]


@pytest.fixture
def region(db):
    return RegionFactory(name="Harlan County Crisis Collaborative", slug="harlan-cc")


def standing(region, status, sharing=Sharing.ROSTER, **agency):
    return MemberAgencyFactory(
        region=region, agency=AgencyFactory(**agency), status=status, sharing=sharing
    )


def test_the_members_are_the_agencies_that_accepted_and_stayed(region, django_assert_num_queries):
    members = [
        standing(region, MemberAgencyStatus.MEMBER, Sharing.PROGRESS, name="Alder PD"),
        standing(region, MemberAgencyStatus.MEMBER, Sharing.ROSTER, name="Birch PD"),
    ]
    for status in NOT_MEMBERS:
        standing(region, status)
    # Left, then joined again: the old row stays as history, the new one counts.
    left = standing(region, MemberAgencyStatus.LEFT, name="Cedar PD")
    rejoined = MemberAgencyFactory(region=region, agency=left.agency)
    standing(RegionFactory(), MemberAgencyStatus.MEMBER)  # another region's member

    with django_assert_num_queries(1):
        names = [m.agency.name for m in queries.member_agencies(region).order_by("agency__name")]

    assert names == ["Alder PD", "Birch PD", "Cedar PD"]
    assert set(queries.member_agencies(region)) == {*members, rejoined}


@pytest.mark.parametrize("status", NOT_MEMBERS)
def test_an_agency_not_a_member_now_shares_nothing(region, status):
    row = standing(region, status)
    assert queries.shared_agency(region, row.agency.public_id) is None
    assert not row.shares_roster


def test_a_member_shares_with_its_own_region_only(region):
    row = standing(region, MemberAgencyStatus.MEMBER)
    assert queries.shared_agency(region, row.agency.public_id) == row
    assert queries.shared_agency(RegionFactory(), row.agency.public_id) is None
    assert queries.shared_agency(region, AgencyFactory().public_id) is None


def test_leaving_ends_what_the_region_sees_at_once(region):
    row = standing(region, MemberAgencyStatus.MEMBER)
    assert queries.shared_agency(region, row.agency.public_id).shares_roster
    MemberAgency.all_regions.filter(pk=row.pk).update(status=MemberAgencyStatus.LEFT)
    assert queries.shared_agency(region, row.agency.public_id) is None
    assert list(queries.member_agencies(region)) == []


@pytest.mark.parametrize("status", MemberAgencyStatus.values)
@pytest.mark.parametrize("sharing", Sharing.values)
def test_the_roster_is_shared_only_by_a_member_that_chose_to(region, status, sharing):
    row = standing(region, status, sharing)
    expected = status == MemberAgencyStatus.MEMBER and sharing == Sharing.ROSTER
    assert row.shares_roster is expected


def test_an_agency_sees_only_its_own_standing_with_a_region(region, agency_a, agency_b):
    """Two members of one region: each agency's side reads its own row, never its
    neighbour's, through the agency scope and through the agency's query alike."""
    own = MemberAgencyFactory(region=region, agency=agency_a)
    invited_elsewhere = MemberAgencyFactory(agency=agency_a, status=MemberAgencyStatus.INVITED)
    MemberAgencyFactory(region=region, agency=agency_b, sharing=Sharing.ROSTER)

    assert set(queries.agency_regions(agency_a)) == {own, invited_elsewhere}
    with agency_scope(agency_a):
        assert set(MemberAgency.of_agency.all()) == {own, invited_elsewhere}
        assert not MemberAgency.of_agency.filter(agency=agency_b).exists()


def test_a_user_runs_only_the_regions_whose_team_they_are_on(region):
    mine = RegionMembershipFactory(region=region, role=RegionRole.VIEWER)
    RegionMembershipFactory()  # someone else's region
    RegionMembershipFactory(region=region)  # a colleague on the same team
    assert list(queries.user_region_memberships(mine.user)) == [mine]


# What a region page runs in: the region's scope, and no agency's.


@region_view(RegionCapability.VIEW, methods=("GET",))
def scope_seen(request, region_slug):
    try:
        people = Person.objects.count()
    except TenantScopeError:
        people = "refused"
    return JsonResponse(
        {
            "region": current_region().slug,
            "agency": current_agency() and current_agency().slug,
            "people": people,
            "members": MemberAgency.objects.count(),
        }
    )


urlpatterns = [
    *onemind.urls.urlpatterns,
    path("r/<slug:region_slug>/scope/", scope_seen, name="scope_seen"),
]


def test_a_region_page_runs_in_its_regions_scope_and_no_agencys(client, settings, region, agency_a):
    """Its coordinator also coordinates a member agency sharing its roster, and has just
    used that agency's pages: the region page still reads no agency's rows directly."""
    settings.ROOT_URLCONF = __name__
    user = member(agency_a, Role.COORDINATOR, "dana@millbrook.example")
    RegionMembershipFactory(region=region, user=user)
    MemberAgencyFactory(region=region, agency=agency_a, sharing=Sharing.ROSTER)
    MemberAgencyFactory()  # a member of another region
    PersonFactory(agency=agency_a)
    login(client, user)
    assert client.get(reverse("agency_dashboard", args=[agency_a.slug])).status_code == 200

    seen = client.get(reverse("scope_seen", args=[region.slug])).json()

    assert seen == {"region": region.slug, "agency": None, "people": "refused", "members": 1}
    assert current_region() is None and current_agency() is None  # both left with the request
