"""A region's side of its member agencies: it finds a verified agency by ORI or by name and
state and asks it to join, withdraws a request not yet answered, and sees who joined (with
what each shares), who is waiting, and who left or declined — and no more of an agency than
its name, place and ORI. Its audit trail holds both its own steps and its agencies'."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.audit import request_ip
from agencies.models import AuditEvent, MemberAgency, MemberAgencyStatus, RegionRole, Sharing
from agencies.regions import services
from tests.conftest import login
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    RegionFactory,
    RegionMembershipFactory,
)
from tests.pages import check_page


@pytest.fixture
def region(db):
    return RegionFactory(name="Blue Ridge Crisis Collaborative")


@pytest.fixture
def region_coordinator(region):
    return RegionMembershipFactory(region=region).user


@pytest.fixture
def millbrook(agency_a):
    agency_a.ori, agency_a.locality, agency_a.verified = "NY0010100", "Millbrook", True
    agency_a.sworn_strength = 4321
    agency_a.save()
    return agency_a


def url(name, region, **kwargs):
    return reverse(name, kwargs={"region_slug": region.slug, **kwargs})


def find(client, region, **query):
    return client.get(url("region_agency_invite", region), query).content.decode()


def test_a_verified_agency_is_found_by_ori_and_asked_to_join(
    client, region, region_coordinator, millbrook, coordinator, django_capture_on_commit_callbacks
):
    login(client, region_coordinator)
    page = find(client, region, ori="ny 0010100")
    check_page(page)
    assert "Millbrook Police Department" in page and "Ask to join" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("region_agency_invite", region), {"agency": str(millbrook.public_id)}
        )
    assert response["Location"] == url("region_agencies", region)
    standing = MemberAgency.all_regions.get(region=region, agency=millbrook)
    assert standing.status == MemberAgencyStatus.INVITED
    assert mail.outbox[-1].to == [coordinator.email]
    assert "Asked, waiting for an answer" in find(client, region, ori="NY0010100")


def test_agencies_are_found_by_name_and_state_and_only_verified_ones(
    client, region, region_coordinator
):
    AgencyFactory(name="Riverton Police Department", region="VA", verified=True)
    AgencyFactory(name="Riverton Sheriff's Office", region="VA", verified=False)
    AgencyFactory(name="Riverton Police Department", region="WY", slug="riverton-wy", verified=True)
    login(client, region_coordinator)

    page = find(client, region, name="riverton", state="va")
    assert page.count("Ask to join") == 1
    assert "Riverton Police Department" in page and "Sheriff" not in page
    assert "Only agencies that program staff have verified are offered" in page
    assert "No verified agency matches" in find(client, region, name="Riverton Sheriff")
    assert find(client, region, name="riverton").count("Ask to join") == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"name": "r"}, "Enter the agency&#x27;s ORI, or at least two letters of its name."),
        ({"ori": "12345"}, "An ORI is 9 characters"),
    ],
)
def test_a_search_that_cannot_find_anything_says_why(
    client, region, region_coordinator, query, message
):
    login(client, region_coordinator)
    response = client.get(url("region_agency_invite", region), query)
    assert response.status_code == 200 and message in response.content.decode()


def test_an_unverified_agency_cannot_be_asked_even_by_its_id(client, region, region_coordinator):
    unverified = AgencyFactory(verified=False)
    login(client, region_coordinator)
    for agency in (str(unverified.public_id), "not-an-id", ""):
        response = client.post(url("region_agency_invite", region), {"agency": agency})
        assert response.status_code == 404
    assert not MemberAgency.all_regions.exists()


def test_an_unverified_region_is_refused_with_a_clear_message(client, millbrook):
    region = RegionFactory(verified=False)
    login(client, RegionMembershipFactory(region=region).user)
    page = find(client, region, ori="NY0010100")
    assert "Program staff have not verified this region yet" in page
    assert "Ask to join" not in page

    response = client.post(
        url("region_agency_invite", region), {"agency": str(millbrook.public_id)}, follow=True
    )
    assert "it can invite agencies once they have" in response.content.decode()
    assert not MemberAgency.all_regions.exists()


def test_a_waiting_request_is_withdrawn(client, region, region_coordinator, millbrook):
    standing = services.member_agency_invite(
        region=region, actor=region_coordinator, agency=millbrook
    )
    login(client, region_coordinator)
    withdraw = url("region_agency_withdraw", region, member_agency_id=standing.public_id)
    assert client.post(withdraw)["Location"] == url("region_agencies", region)

    standing.refresh_from_db()
    assert (standing.status, standing.ended_by) == (
        MemberAgencyStatus.WITHDRAWN,
        region_coordinator,
    )
    event = AuditEvent.objects.get(action="member_agency.withdrawn")
    assert (event.region, event.agency) == (region, millbrook)
    # A second click (a double submit, another tab) says what happened, and records nothing.
    again = client.post(withdraw, follow=True)
    assert "standing is now “Invitation withdrawn”" in again.content.decode()
    assert AuditEvent.objects.filter(action="member_agency.withdrawn").count() == 1


def test_the_list_shows_members_waiting_and_history_and_nothing_more_of_an_agency(
    client, region, region_coordinator, millbrook, django_assert_num_queries
):
    MemberAgencyFactory(region=region, agency=millbrook, sharing=Sharing.ROSTER)
    waiting = AgencyFactory(name="Harlan County Sheriff's Office", verified=True)
    services.member_agency_invite(region=region, actor=region_coordinator, agency=waiting)
    MemberAgencyFactory(
        region=region, agency=AgencyFactory(name="Fairview Police Department"),
        status=MemberAgencyStatus.LEFT,
    )  # fmt: skip
    MemberAgencyFactory(agency=AgencyFactory(name="Elsewhere Police Department"))  # another region
    login(client, region_coordinator)

    page = client.get(url("region_agencies", region)).content.decode()
    check_page(page)
    members = page[page.index("<h2>Members</h2>") : page.index("Requests waiting")]
    assert "Millbrook Police Department" in members and "NY0010100" in members
    assert "Progress and roster" in members
    waiting_part = page[page.index("Requests waiting") : page.index("<h2>History</h2>")]
    assert "Harlan County Sheriff" in waiting_part and "Withdraw" in waiting_part
    assert "Fairview Police Department" in page[page.index("<h2>History</h2>") :]
    assert "Elsewhere" not in page
    assert "4321" not in page  # the agency's own figures are not the region's to read

    with CaptureQueriesContext(connection) as few:
        client.get(url("region_agencies", region))
    for _ in range(3):
        MemberAgencyFactory(region=region, agency=AgencyFactory(verified=True))
    with CaptureQueriesContext(connection) as more:
        client.get(url("region_agencies", region))
    assert len(more) == len(few)


def test_a_region_viewer_sees_the_agencies_but_asks_nothing(client, region, millbrook):
    viewer = RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user
    MemberAgencyFactory(region=region, agency=millbrook)
    login(client, viewer)
    page = client.get(url("region_agencies", region)).content.decode()
    assert "Millbrook Police Department" in page and "Invite an agency" not in page
    assert client.get(url("region_agency_invite", region)).status_code == 403
    response = client.post(
        url("region_agency_invite", region), {"agency": str(millbrook.public_id)}
    )
    assert response.status_code == 403


def test_another_regions_request_is_a_404(client, region, region_coordinator, millbrook):
    other = RegionFactory()
    standing = services.member_agency_invite(
        region=other, actor=RegionMembershipFactory(region=other).user, agency=millbrook
    )
    login(client, region_coordinator)
    response = client.post(
        url("region_agency_withdraw", region, member_agency_id=standing.public_id)
    )
    assert response.status_code == 404
    standing.refresh_from_db()
    assert standing.status == MemberAgencyStatus.INVITED


def test_the_regions_trail_holds_its_own_steps_and_its_agencies_answers(
    client, region, region_coordinator, millbrook, coordinator
):
    standing = services.member_agency_invite(
        region=region, actor=region_coordinator, agency=millbrook
    )
    token = request_ip.set("198.51.100.23")  # where the agency's coordinator answered from
    services.member_agency_accept(
        agency=millbrook, actor=coordinator, member=standing, sharing=Sharing.ROSTER
    )
    request_ip.reset(token)
    services.region_invitation_create(
        region=region, actor=region_coordinator, email="analyst@blueridge.example", role="viewer"
    )
    other = RegionFactory(name="Tidewater Chiefs")
    services.region_set_verified(region=other, actor=region_coordinator, verified=False)
    login(client, region_coordinator)

    page = client.get(url("region_audit", region)).content.decode()
    check_page(page)
    for action in ("member_agency.invited", "member_agency.joined", "region_invitation.created"):
        assert action in page
    assert coordinator.email in page  # the agency's coordinator answered
    assert "198.51.100.23" not in page and "IP address" not in page  # but not from where
    assert "region.unverified" not in page  # another region's step

    viewer = RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user
    login(client, viewer)
    assert client.get(url("region_audit", region)).status_code == 403
