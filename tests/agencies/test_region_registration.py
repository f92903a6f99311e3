"""A region registers itself and waits for program staff to verify it (or staff create it
with its first coordinator); its coordinator keeps its details; people find their regions
from the home page and the header."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import AuditEvent, Region, RegionInvitation, RegionMembership, RegionRole
from tests.conftest import login
from tests.factories import AgencyFactory, MembershipFactory, RegionFactory, RegionMembershipFactory
from tests.pages import check_page

NEW_REGION = {
    "name": "Blue Ridge Crisis Collaborative",
    "kind": "county_collaborative",
    "country": "US",
    "state": "Virginia",
    "confirm": "on",
}


def register(client, **changes):
    return client.post(reverse("region_register"), {**NEW_REGION, **changes})


def test_registering_makes_the_user_coordinator_of_an_unverified_region(client, stranger):
    login(client, stranger)
    check_page(client.get(reverse("region_register")).content.decode())

    response = register(client)

    region = Region.objects.get()
    assert (region.name, region.state, region.verified) == (
        "Blue Ridge Crisis Collaborative", "VA", False,
    )  # fmt: skip
    assert response["Location"] == reverse("region_home", kwargs={"region_slug": region.slug})
    team = RegionMembership.all_regions.get(region=region)
    assert (team.user, team.role) == (stranger, RegionRole.COORDINATOR)
    assert {e.action for e in AuditEvent.objects.filter(region=region)} == {
        "region.registered", "region_membership.created",
    }  # fmt: skip
    # Its pages say it is waiting for program staff.
    home = client.get(response["Location"]).content.decode()
    assert "Program staff have not verified this region yet" in home


def test_registration_needs_a_signed_in_user(client, db):
    response = client.get(reverse("region_register"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_bad_input_is_explained_on_the_form_and_nothing_is_created(client, stranger):
    login(client, stranger)
    response = register(client, state="Atlantis", confirm="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a US state or territory" in page
    assert "This field is required" in page
    assert not Region.objects.exists()


def test_a_double_submitted_registration_makes_one_region(client, stranger):
    login(client, stranger)
    first = register(client)
    second = register(client)
    assert Region.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_someone_else_registering_the_same_region_is_told_it_exists(client, stranger):
    RegionFactory(name=NEW_REGION["name"])
    login(client, stranger)
    response = register(client, name="blue ridge crisis collaborative")
    assert "A region of this name is already registered." in response.content.decode()
    assert Region.objects.count() == 1


# Program staff


def test_staff_list_regions_awaiting_verification_and_verify_one(client, reviewer):
    waiting = RegionFactory(name="Piedmont CIT Program", verified=False)
    RegionFactory(name="Tidewater Chiefs", verified=True)
    login(client, reviewer, mfa=True)

    listed = client.get(reverse("staff:region_list") + "?verified=no").content.decode()
    assert "Piedmont CIT Program" in listed and "Tidewater Chiefs" not in listed
    assert f'href="{reverse("staff:region_list")}"' in listed  # in the staff navigation

    response = client.post(reverse("staff:region_verify"), {"verify": str(waiting.public_id)})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.verified, waiting.verified_by) == (True, reviewer)
    assert AuditEvent.objects.get(action="region.verified").region == waiting

    client.post(reverse("staff:region_verify"), {"withdraw": str(waiting.public_id)})
    waiting.refresh_from_db()
    assert not waiting.verified
    assert AuditEvent.objects.filter(action="region.unverified", region=waiting).exists()


@pytest.mark.parametrize("body", [{}, {"verify": "not-an-id"}, {"withdraw": ""}])
def test_a_verification_without_a_region_is_a_404(client, reviewer, body):
    login(client, reviewer, mfa=True)
    assert client.post(reverse("staff:region_verify"), body).status_code == 404


def test_staff_create_a_verified_region_and_invite_its_coordinator(
    client, reviewer, django_capture_on_commit_callbacks
):
    login(client, reviewer, mfa=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:region_create"),
            {**NEW_REGION, "coordinator_email": "Lead@BlueRidge.example"},
        )
    assert response["Location"] == reverse("staff:region_list")

    region = Region.objects.get()
    assert region.verified and region.verified_by == reviewer
    invitation = RegionInvitation.all_regions.get(region=region)
    assert (invitation.email, invitation.role) == ("lead@blueridge.example", RegionRole.COORDINATOR)
    assert mail.outbox[-1].to == ["lead@blueridge.example"]
    assert re.search(r"/regions/invitations/\S+/", mail.outbox[-1].body)
    assert not RegionMembership.all_regions.filter(region=region).exists()


def test_a_region_created_without_its_coordinator_is_refused(client, reviewer):
    login(client, reviewer, mfa=True)
    response = client.post(reverse("staff:region_create"), {**NEW_REGION})
    assert response.status_code == 200
    assert not Region.objects.exists()


# Its details


@pytest.fixture
def region(db):
    return RegionFactory(name="Blue Ridge Crisis Collaborative", state="VA")


@pytest.fixture
def region_coordinator(region):
    return RegionMembershipFactory(region=region).user


def settings_url(region):
    return reverse("region_settings", kwargs={"region_slug": region.slug})


def test_a_new_name_is_saved_audited_and_needs_verifying_again(client, region, region_coordinator):
    login(client, region_coordinator)
    body = {
        "name": "Blue Ridge Regional CIT",
        "kind": "regional_cit",
        "country": "US",
        "state": "VA",
    }
    response = client.post(settings_url(region), body)
    assert response.status_code == 302

    region.refresh_from_db()
    assert (region.name, region.kind, region.verified) == (
        "Blue Ridge Regional CIT", "regional_cit", False,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="region.updated")
    assert event.changes["name"] == ["Blue Ridge Crisis Collaborative", "Blue Ridge Regional CIT"]
    assert event.changes["verified"] == [True, False]


def test_a_region_viewer_cannot_change_the_details(client, region):
    viewer = RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user
    login(client, viewer)
    assert client.get(settings_url(region)).status_code == 403
    assert client.post(settings_url(region), {"name": "Taken over"}).status_code == 403
    region.refresh_from_db()
    assert region.name == "Blue Ridge Crisis Collaborative"


# Finding one's regions


def test_someone_only_on_a_regions_team_goes_to_the_region(client, region, region_coordinator):
    login(client, region_coordinator)
    assert client.get("/")["Location"] == reverse(
        "region_home", kwargs={"region_slug": region.slug}
    )


def test_someone_in_an_agency_and_a_region_chooses_then_returns_to_the_last(
    client, region, region_coordinator, agency_a
):
    MembershipFactory(agency=agency_a, user=region_coordinator)
    login(client, region_coordinator)
    choose = client.get("/")
    assert choose["Location"] == reverse("choose")
    page = client.get(choose["Location"]).content.decode()
    check_page(page)
    assert agency_a.name in page and region.name in page

    client.get(reverse("region_team", kwargs={"region_slug": region.slug}))
    assert client.get("/")["Location"] == reverse(
        "region_home", kwargs={"region_slug": region.slug}
    )
    client.get(reverse("member_list", kwargs={"agency_slug": agency_a.slug}))
    assert client.get("/")["Location"] == reverse(
        "agency_dashboard", kwargs={"agency_slug": agency_a.slug}
    )


def test_the_agency_header_leads_to_ones_regions_without_asking_the_database_again(
    client, region, agency_a, coordinator
):
    url = reverse("member_list", kwargs={"agency_slug": agency_a.slug})
    login(client, coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as alone:
        page = client.get(url).content.decode()
    assert f'href="{reverse("choose")}"' not in page

    RegionMembershipFactory(region=region, user=coordinator, role=RegionRole.VIEWER)
    with CaptureQueriesContext(connection) as on_a_team:
        page = client.get(url).content.decode()
    assert f'href="{reverse("choose")}"' in page
    assert len(on_a_team) == len(alone)


def test_the_region_header_switches_between_ones_regions(client, region, region_coordinator):
    other = RegionFactory(name="Tidewater Chiefs")
    RegionMembershipFactory(region=other, user=region_coordinator, role=RegionRole.VIEWER)
    login(client, region_coordinator)
    page = client.get(reverse("region_team", kwargs={"region_slug": region.slug})).content.decode()
    switcher = page[page.index('id="region-switcher"') :]
    assert f'href="/r/{other.slug}/"' in switcher
    assert f'href="/r/{region.slug}/" aria-current="true"' in switcher


def test_the_region_menu_offers_its_pages_by_role(client, region, region_coordinator):
    viewer = RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user
    team = reverse("region_team", kwargs={"region_slug": region.slug})
    login(client, region_coordinator)
    page = client.get(team).content.decode()
    assert settings_url(region) in page and f"/r/{region.slug}/agencies/" in page
    login(client, viewer)
    page = client.get(team).content.decode()
    assert settings_url(region) not in page and f"/r/{region.slug}/agencies/" in page


def test_an_outsider_gets_404_for_a_regions_pages(client, region, agency_a, coordinator):
    AgencyFactory()
    login(client, coordinator)
    for name in ("region_team", "region_agencies", "region_settings", "region_audit"):
        assert client.get(reverse(name, kwargs={"region_slug": region.slug})).status_code == 404
