"""A region coordinator's own pages, axe clean at desktop and phone widths: the team, the
member agencies, finding an agency to ask, the region's details and its trail."""

import pytest

from agencies.models import MemberAgencyStatus, RegionRole
from agencies.regions import services
from tests.browser.conftest import assert_accessible
from tests.browser.steps import sign_in
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    RegionFactory,
    RegionMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", [{"width": 1024, "height": 768}, {"width": 390, "height": 844}])
def test_a_region_coordinators_pages_are_accessible(page, size):
    region = RegionFactory(name="Blue Ridge Crisis Collaborative", slug="blue-ridge")
    lead = RegionMembershipFactory(region=region, user=UserFactory(email="lead@blueridge.example"))
    RegionMembershipFactory(region=region, role=RegionRole.VIEWER)
    MemberAgencyFactory(region=region, agency=AgencyFactory(name="Millbrook Police Department"))
    asked = AgencyFactory(name="Riverton Police Department", region="VA", verified=True)
    services.member_agency_invite(region=region, actor=lead.user, agency=asked)
    MemberAgencyFactory(
        region=region, agency=AgencyFactory(name="Fairview Police Department"),
        status=MemberAgencyStatus.LEFT,
    )  # fmt: skip
    AgencyFactory(name="Riverton Sheriff's Office", region="VA", verified=True)
    services.region_invitation_create(
        region=region, actor=lead.user, email="analyst@blueridge.example", role="viewer"
    )
    page.set_viewport_size(size)
    sign_in(page, lead.user.email)

    for path in (
        "/r/blue-ridge/team/",
        "/r/blue-ridge/team/invite/",
        "/r/blue-ridge/agencies/",
        "/r/blue-ridge/agencies/invite/?name=riverton&state=VA",
        "/r/blue-ridge/agencies/invite/?name=r",
        "/r/blue-ridge/settings/",
        "/r/blue-ridge/audit/",
    ):
        page.goto(path)
        assert_accessible(page)
