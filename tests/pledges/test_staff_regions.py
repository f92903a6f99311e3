"""Program staff and regions: the agency list and the program dashboard filtered to a
region's member agencies, the list of regions, and a page for each region."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import (
    MemberAgencyStatus,
    OnboardingInvitation,
    RegionInvitation,
    RegionRole,
)
from pledges.engine import progress
from tests.conftest import login
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    RegionFactory,
    region_member,
    sign,
)


@pytest.fixture
def region(db):
    return RegionFactory(name="Capital Area Crisis Collaborative", slug="capital-area")


@pytest.fixture
def standings(region, agency_a, agency_b, coordinator):
    """Millbrook a member (pledged), Harlan invited, Oakdale left, Riverton never asked."""
    sign(agency_a, coordinator)
    MemberAgencyFactory(region=region, agency=agency_a)
    MemberAgencyFactory(region=region, agency=agency_b, status=MemberAgencyStatus.INVITED)
    oakdale = AgencyFactory(name="Oakdale Police Department")
    MemberAgencyFactory(
        region=region, agency=oakdale, status=MemberAgencyStatus.LEFT, ended_at=timezone.now()
    )
    AgencyFactory(name="Riverton Police Department")
    MemberAgencyFactory(region=RegionFactory(), agency=AgencyFactory(name="Zeta Police"))
    progress.recompute([agency_a.pk, agency_b.pk, oakdale.pk])


def test_the_agency_list_shows_a_region_s_members_now(client, reviewer, region, standings):
    login(client, reviewer, mfa=True)

    response = client.get(reverse("staff:dashboard"), {"region": region.slug})

    assert [a["name"] for a in response.context["page"]] == ["Millbrook Police Department"]
    assert response.context["filters"].region == region.slug
    csv = client.get(reverse("staff:dashboard"), {"region": region.slug, "format": "csv"})
    assert csv.content.decode("utf-8-sig").count("\r\n") == 2  # the header and Millbrook
    # A region that does not exist filters nothing rather than hiding every agency.
    assert len(client.get(reverse("staff:dashboard"), {"region": "nope"}).context["page"]) == 5


def test_the_program_dashboard_shows_a_region_s_figures(client, reviewer, region, standings):
    login(client, reviewer, mfa=True)

    whole = client.get(reverse("staff:program_dashboard"))
    one = client.get(reverse("staff:program_dashboard"), {"region": region.slug})

    assert sum(n for _, n in whole.context["figures"].by_status) == 5
    assert dict(one.context["figures"].by_status) == {"Pledged": 1}
    page = one.content.decode()
    assert "The program in Capital Area Crisis Collaborative" in page
    assert "across the member agencies" in page


def test_the_list_of_regions_counts_members_and_links_each_region(
    client, reviewer, region, standings
):
    login(client, reviewer, mfa=True)

    response = client.get(reverse("staff:region_list"))

    row = next(r for r in response.context["page"] if r.pk == region.pk)
    assert row.member_count == 1
    assert reverse("staff:region_detail", args=[region.public_id]) in response.content.decode()


def test_a_region_s_staff_page(client, reviewer, region, standings):
    lead = region_member(region, email="lead@capital-area.example")
    RegionInvitation.all_regions.create(
        region=region,
        email="deputy@capital-area.example",
        role=RegionRole.VIEWER,
        invited_by=lead,
        expires_at=timezone.now() + timedelta(days=7),
    )
    OnboardingInvitation.all_regions.create(
        region=region,
        agency_name="Pine Hollow Police Department",
        email="chief@pinehollow.example",
        state="NY",
        invited_by=lead,
        expires_at=timezone.now() + timedelta(days=30),
    )
    login(client, reviewer, mfa=True)

    response = client.get(reverse("staff:region_detail", args=[region.public_id]))

    assert response.status_code == 200
    page = response.content.decode()
    record = response.context["record"]
    assert [m.user for m in record.team] == [lead]
    assert [row.agency.name for row in response.context["page"]] == ["Millbrook Police Department"]
    assert [s.agency.name for s in record.agency_invitations] == ["Harlan County Sheriff's Office"]
    assert [s.agency.name for s in record.former] == ["Oakdale Police Department"]
    for shown in (
        "lead@capital-area.example",
        "deputy@capital-area.example",
        "Pine Hollow Police Department",
        "chief@pinehollow.example",
        "Pledged",
    ):
        assert shown in page
    assert "Zeta Police" not in page and "Riverton" not in page
    assert response.context["totals"].pledged == 1


def test_region_pages_are_for_program_staff_only(client, region, standings, coordinator):
    lead = region_member(region)
    for user in (lead, coordinator):
        login(client, user)
        assert client.get(reverse("staff:region_list")).status_code == 403
        assert client.get(reverse("staff:region_detail", args=[region.public_id])).status_code == (
            403
        )


def test_an_unknown_region_is_not_found(client, reviewer, db):
    login(client, reviewer, mfa=True)
    missing = reverse("staff:region_detail", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(missing).status_code == 404


def test_the_staff_navigation_links_the_regions(client, reviewer, db):
    login(client, reviewer, mfa=True)
    page = client.get(reverse("staff:region_list")).content.decode()
    assert f'href="{reverse("staff:region_list")}" aria-current="page"' in page
