"""Registering an agency, editing its details, and staff verification."""

import pytest
from django.db import connection
from django.urls import reverse

from agencies.models import Agency, AuditEvent, Membership, Role
from tests.conftest import login
from tests.factories import AgencyFactory
from tests.forms import NEW_AGENCY, register


def test_registering_makes_the_user_coordinator_of_an_unverified_agency(client, stranger):
    login(client, stranger)
    response = register(client)
    agency = Agency.objects.get(name="Fairview Police Department")
    assert response.status_code == 302
    assert response["Location"] == reverse("agency_dashboard", kwargs={"agency_slug": agency.slug})
    assert (agency.slug, agency.ori, agency.region) == (
        "fairview-police-department",
        "OR0260500",
        "OR",
    )
    assert not agency.verified
    assert Membership.all_agencies.get(agency=agency).role == Role.COORDINATOR
    assert AuditEvent.objects.filter(agency=agency, action="agency.registered").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ori": "12345"}, "ori", "9 characters"),
        ({"ori": "VA0010000"}, "ori", "starts with the state's NCIC code"),
        ({"region": "Atlantis"}, "region", "is not a US state"),
        ({"region": ""}, "region", "Enter the agency"),
        ({"confirm": ""}, "confirm", "required"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_bad_input_is_explained_on_the_form_and_nothing_is_created(
    client, stranger, changes, field, message
):
    login(client, stranger)
    response = register(client, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert f'href="#id_{field}"' in response.content.decode(), "error summary links to the field"
    assert not Agency.objects.exists() and not Membership.all_agencies.exists()
    assert not AuditEvent.objects.exists()


def test_a_taken_web_address_is_refused(client, stranger):
    AgencyFactory(slug="fairview-pd")
    login(client, stranger)
    response = register(client, slug="fairview-pd")
    assert "already taken" in " ".join(response.context["form"].errors["slug"])
    assert Agency.objects.count() == 1


def test_a_second_agency_with_the_same_name_gets_its_own_address(client, stranger):
    AgencyFactory(slug="fairview-police-department")
    login(client, stranger)
    register(client)
    assert Agency.objects.filter(slug="fairview-police-department-2").exists()


def test_canadian_agencies_register_with_a_province(client, stranger):
    login(client, stranger)
    register(client, country="CA", region="ontario", ori="", time_zone="America/Toronto")
    assert Agency.objects.get().region == "ON"


def test_a_duplicate_ori_is_refused(client, stranger):
    AgencyFactory(ori="OR0260500", region="OR")
    login(client, stranger)
    response = register(client)
    assert response.status_code == 200
    assert "ORI" in " ".join(response.context["form"].errors["ori"])


def test_coordinator_edits_details_with_an_audited_diff(client, agency_a, coordinator):
    login(client, coordinator)
    data = {**NEW_AGENCY, "name": agency_a.name, "region": "NY", "ori": "", "sworn_strength": "150"}
    response = client.post(reverse("agency_settings", kwargs={"agency_slug": agency_a.slug}), data)
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.sworn_strength == 150
    event = AuditEvent.objects.get(action="agency.updated")
    assert event.changes["sworn_strength"] == [40, 150]
    assert event.actor == coordinator


def test_registration_needs_a_signed_in_user(client, db):
    response = client.get(reverse("agency_register"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nebraska_oris_use_ncic_code_nb(client, stranger):
    login(client, stranger)
    register(client, region="NE", ori="NB0280100", time_zone="America/Chicago")
    assert Agency.objects.get().ori == "NB0280100"


def test_an_unknown_state_is_one_clear_error(client, stranger):
    login(client, stranger)
    response = register(client, region="Atlantis")
    assert response.context["form"].errors["region"] == [
        "“Atlantis” is not a US state or territory. Use its two-letter code (for example VA, ON)."
    ]


def test_changing_who_the_agency_is_withdraws_verification(client, agency_a, coordinator):
    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    login(client, coordinator)
    data = {**NEW_AGENCY, "name": "Millbrook City Police", "region": "NY", "ori": ""}
    client.post(reverse("agency_settings", kwargs={"agency_slug": agency_a.slug}), data)
    agency_a.refresh_from_db()
    assert agency_a.name == "Millbrook City Police" and not agency_a.verified
    assert AuditEvent.objects.get(action="agency.updated").changes["verified"] == [True, False]


@pytest.mark.parametrize(
    ("changes", "still_verified"),
    [
        ({"locality": "Millbrook Village"}, False),
        ({"ori": "NY0000100"}, False),
        ({"sworn_strength": "41", "directory_opt_in": "on"}, True),
    ],
)
def test_only_a_change_of_name_place_or_ori_withdraws_verification(
    client, agency_a, coordinator, changes, still_verified
):
    Agency.objects.filter(pk=agency_a.pk).update(verified=True, locality="Millbrook")
    agency_a.refresh_from_db()
    profile = {
        "name": agency_a.name,
        "agency_type": agency_a.agency_type,
        "ori": "",
        "country": "US",
        "region": "NY",
        "locality": "Millbrook",
        "sworn_strength": "40",
        "time_zone": agency_a.time_zone,
    }
    login(client, coordinator)
    url = reverse("agency_settings", kwargs={"agency_slug": agency_a.slug})
    assert client.post(url, {**profile, **changes}).status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.verified is still_verified


def test_a_name_stored_before_names_were_cleaned_is_not_a_new_identity(
    client, agency_a, coordinator
):
    """Saving the settings cleans a name kept from before (doubled spaces, an invisible
    mark): the same agency, still verified, and its certificate still says so."""
    Agency.objects.filter(pk=agency_a.pk).update(verified=True, locality="Millbrook")
    with connection.cursor() as cursor:  # as stored then: the field cleans what it writes
        cursor.execute(
            "UPDATE agencies_agency SET name = %s WHERE id = %s",
            ["Millbrook  Police\u200b Department", agency_a.pk],
        )
    agency_a.refresh_from_db()
    assert agency_a.name == "Millbrook  Police\u200b Department"
    profile = {
        "name": agency_a.name,
        "agency_type": agency_a.agency_type,
        "ori": "",
        "country": "US",
        "region": "NY",
        "locality": "Millbrook",
        "sworn_strength": "41",
        "time_zone": agency_a.time_zone,
    }
    login(client, coordinator)
    url = reverse("agency_settings", kwargs={"agency_slug": agency_a.slug})
    assert client.post(url, profile).status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.name == "Millbrook Police Department" and agency_a.verified


def test_a_refused_settings_form_changes_nothing_on_screen(client, agency_a, coordinator):
    login(client, coordinator)
    data = {**NEW_AGENCY, "name": "Renamed Police", "region": "NY", "ori": "12"}
    response = client.post(reverse("agency_settings", kwargs={"agency_slug": agency_a.slug}), data)
    assert response.status_code == 200
    header = response.content.decode().split("<main")[0]
    assert "Renamed Police" not in header and "Millbrook Police Department" in header
    agency_a.refresh_from_db()
    assert agency_a.name == "Millbrook Police Department"


def test_time_zones_offer_north_america_first_and_no_aliases(client, stranger):
    login(client, stranger)
    page = client.get(reverse("agency_register")).content.decode()
    assert page.index("America/Chicago") < page.index("Europe/London")
    assert "Etc/GMT" not in page and "Factory" not in page


def test_a_double_submitted_registration_makes_one_agency(client, stranger):
    login(client, stranger)
    first = register(client)
    second = register(client)
    assert Agency.objects.count() == 1 and Membership.all_agencies.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_someone_else_registering_the_same_agency_is_told_to_ask_for_an_invitation(
    client, stranger, coordinator_b
):
    login(client, stranger)
    register(client)
    login(client, coordinator_b)
    response = register(client, ori="")
    assert response.status_code == 200
    assert "ask its coordinator to invite you" in response.content.decode()
    assert Agency.objects.filter(name="Fairview Police Department").count() == 1
