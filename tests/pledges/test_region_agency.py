"""A member agency as its region sees it: its progress while it is a member; its people and
their training only while it shares its roster; nothing at all once it leaves."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from agencies.models import MemberAgency, MemberAgencyStatus, RegionRole, Sharing
from pledges.regions import queries
from tests.conftest import login
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    PersonFactory,
    RegionFactory,
    TrainingRecordFactory,
    course,
    region_member,
    sign,
)
from training.models import CourseKind


@pytest.fixture
def region(db):
    return RegionFactory(name="Capital Area Crisis Collaborative", slug="capital-area")


@pytest.fixture
def lead(region):
    return region_member(region, email="lead@capital-area.example")


@pytest.fixture
def millbrook(region, agency_a, coordinator):
    """Millbrook, a member sharing progress: one officer with CIT, two untrained."""
    TrainingRecordFactory(
        person__agency=agency_a, person__last_name="Okafor", course=course(CourseKind.CIT)
    )
    PersonFactory(agency=agency_a, last_name="Lindqvist")
    PersonFactory(agency=agency_a, last_name="Tran")
    sign(agency_a, coordinator)
    return MemberAgencyFactory(region=region, agency=agency_a)


def agency_url(region, agency):
    return reverse(
        "region_agency", kwargs={"region_slug": region.slug, "agency_id": agency.public_id}
    )


PEOPLE = ("Okafor", "Lindqvist", "Tran")


def test_progress_only_shows_the_figures_and_no_one_s_name(client, region, lead, millbrook):
    login(client, lead)

    response = client.get(agency_url(region, millbrook.agency))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Millbrook Police Department" in page and "Pledged." in page
    assert "1</strong> of 3 in scope (33.3%)" in page  # the CIT card's figures
    assert "2 more people to train." in page  # everyone trained: 3 needed, 1 trained
    assert "1 item missing." in page  # no partnership on record
    assert "days left" in page
    for name in (*PEOPLE, "Ana Rivera", "Dana Whitfield"):
        assert name not in page
    assert response.context["page"] is None
    assert "the names and training of its people stay with the agency" in page


def test_a_shared_roster_shows_the_people_and_their_training(client, region, lead, millbrook):
    MemberAgency.all_regions.filter(pk=millbrook.pk).update(sharing=Sharing.ROSTER)
    login(client, lead)

    response = client.get(agency_url(region, millbrook.agency))

    page = response.content.decode()
    for name in PEOPLE:
        assert name in page
    people = {person.last_name: person for person in response.context["page"]}
    assert people["Okafor"].has_cit and not people["Tran"].has_cit
    assert "3 people in scope, with their training" in page


def test_sharing_back_to_progress_hides_the_names_at_once(client, region, lead, millbrook):
    MemberAgency.all_regions.filter(pk=millbrook.pk).update(sharing=Sharing.ROSTER)
    login(client, lead)
    assert "Okafor" in client.get(agency_url(region, millbrook.agency)).content.decode()

    MemberAgency.all_regions.filter(pk=millbrook.pk).update(sharing=Sharing.PROGRESS)

    assert "Okafor" not in client.get(agency_url(region, millbrook.agency)).content.decode()


def test_after_leaving_the_region_sees_nothing_at_once(client, region, lead, millbrook):
    MemberAgency.all_regions.filter(pk=millbrook.pk).update(sharing=Sharing.ROSTER)
    login(client, lead)
    assert client.get(agency_url(region, millbrook.agency)).status_code == 200

    MemberAgency.all_regions.filter(pk=millbrook.pk).update(
        status=MemberAgencyStatus.LEFT, ended_at=datetime.now(UTC)
    )

    response = client.get(agency_url(region, millbrook.agency))
    assert response.status_code == 404
    assert "Okafor" not in response.content.decode()


@pytest.mark.parametrize(
    "status", [MemberAgencyStatus.INVITED, MemberAgencyStatus.DECLINED, MemberAgencyStatus.LEFT]
)
def test_an_agency_that_is_not_a_member_now_is_not_found(client, region, lead, status):
    agency = AgencyFactory()
    PersonFactory(agency=agency, last_name="Okafor")
    MemberAgencyFactory(region=region, agency=agency, status=status, sharing=Sharing.ROSTER)
    login(client, lead)
    assert client.get(agency_url(region, agency)).status_code == 404


def test_non_members_and_another_region_s_members_are_not_found(client, region, lead, millbrook):
    login(client, lead)
    stranger_agency = AgencyFactory()
    elsewhere = MemberAgencyFactory(agency=AgencyFactory(), sharing=Sharing.ROSTER)
    assert client.get(agency_url(region, stranger_agency)).status_code == 404
    assert client.get(agency_url(region, elsewhere.agency)).status_code == 404
    # The other region's own team sees its member; this one's team never does.
    other_lead = region_member(elsewhere.region, RegionRole.VIEWER)
    login(client, other_lead)
    assert client.get(agency_url(elsewhere.region, elsewhere.agency)).status_code == 200
    assert client.get(agency_url(region, millbrook.agency)).status_code == 404


def test_the_agency_s_own_coordinator_does_not_see_it_through_the_region(
    client, region, millbrook, coordinator
):
    login(client, coordinator)
    assert client.get(agency_url(region, millbrook.agency)).status_code == 404


def test_the_roster_is_read_only_for_an_agency_that_shares_it(region, millbrook):
    with pytest.raises(queries.RosterNotShared):
        queries.shared_roster(millbrook, 1, millbrook.agency.today())
    left = MemberAgencyFactory(
        region=RegionFactory(), status=MemberAgencyStatus.LEFT, sharing=Sharing.ROSTER
    )
    with pytest.raises(queries.RosterNotShared):
        queries.shared_roster(left, 1, left.agency.today())


def test_the_page_reads_the_same_number_of_queries_for_a_larger_roster(
    client, region, lead, millbrook, django_assert_max_num_queries, django_assert_num_queries
):
    MemberAgency.all_regions.filter(pk=millbrook.pk).update(sharing=Sharing.ROSTER)
    login(client, lead)
    client.get(agency_url(region, millbrook.agency))
    with django_assert_max_num_queries(30) as few:
        client.get(agency_url(region, millbrook.agency))
    expected = len(few.captured_queries)  # the log empties at the next request
    for _ in range(20):
        TrainingRecordFactory(person__agency=millbrook.agency, course=course(CourseKind.MHFA))
    with django_assert_num_queries(expected):
        client.get(agency_url(region, millbrook.agency))
