"""Names people type are stored without bidirectional overrides and other invisible
characters, so they show everywhere as they read: page titles, staff lists, email subjects."""

import re
import unicodedata

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from agencies.models import Agency, User
from agencies.names import clean_name
from onemind.lib.dates import add_months
from partnerships.models import PartnershipVersion
from pledges.models import Pledge
from tests import files
from tests.conftest import login
from tests.factories import OrganizationFactory
from tests.forms import NEW_AGENCY, agreement_form, register
from training.models import Person

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (f"Fairview {RLO}eciloP{PDF} Department", "Fairview eciloP Department"),
        (f"{LRI}Harlan{PDI} County\u200f Sheriff\u061c", "Harlan County Sheriff"),
        ("O\u200bBrien\ufeff", "OBrien"),  # zero-width space, byte-order mark
        ("Sheriff\u00ad's Office", "Sheriff's Office"),  # soft hyphen
        ("Ann\x00\x07 Lee", "Ann Lee"),  # control characters
        ("  Ann \t\n\u00a0 Lee\u2028", "Ann Lee"),  # every kind of space, collapsed
        ("\uff26\uff41\uff49\uff52\uff56\uff49\uff45\uff57 PD", "Fairview PD"),  # full width
        ("Jose\u0301 Nu\u0301n\u0303ez", "José Núñez"),  # composed
        ("O'Brien & Sons <Sheriff's Office>", "O'Brien & Sons <Sheriff's Office>"),
        (f"{RLO}\u200b", ""),
    ],
)
def test_a_name_keeps_only_what_can_be_seen(typed, kept):
    assert clean_name(typed) == kept


@given(st.text())
def test_a_cleaned_name_is_visible_single_spaced_and_stays_as_it_is(text):
    name = clean_name(text)
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name)
    assert name == name.strip() and "  " not in name
    assert not re.search(r"[^\S ]", name), "no whitespace but the plain space"
    assert clean_name(name) == name


def test_a_registered_agency_s_name_and_place_are_stored_clean(client, stranger):
    login(client, stranger)
    response = register(
        client, name=f"Fairview {RLO}Police{PDF} Department", locality=f"Fair{LRI}view{PDI}"
    )

    agency = Agency.objects.get()
    assert (agency.name, agency.locality) == ("Fairview Police Department", "Fairview")
    assert agency.slug == "fairview-police-department"
    dashboard = client.get(response["Location"]).content.decode()
    assert "<title>Fairview Police Department ·" in dashboard


def test_renaming_an_agency_stores_the_clean_name(client, agency_a, coordinator):
    login(client, coordinator)
    data = {**NEW_AGENCY, "name": f"Millbrook {RLO}City{PDF} Police", "region": "NY", "ori": ""}
    client.post(reverse("agency_settings", kwargs={"agency_slug": agency_a.slug}), data)
    agency_a.refresh_from_db()
    assert agency_a.name == "Millbrook City Police"


def test_invisible_characters_cannot_make_a_second_same_agency(client, stranger, coordinator_b):
    login(client, stranger)
    register(client)
    login(client, coordinator_b)
    response = register(client, name=f"Fairview\u200b Police {RLO}Department", ori="")
    assert "ask its coordinator to invite you" in response.content.decode()
    assert Agency.objects.filter(name="Fairview Police Department").count() == 1


def test_the_staff_list_and_an_email_subject_show_the_clean_name(
    client, stranger, reviewer, django_capture_on_commit_callbacks
):
    login(client, stranger)
    register(client, name=f"Fairview {RLO}Police{PDF} Department")
    agency = Agency.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("member_invite", kwargs={"agency_slug": agency.slug}),
            {"email": "new@fairview.example", "role": "editor"},
        )
    assert mail.outbox[-1].subject == (
        "[One Mind] You're invited to Fairview Police Department on the One Mind Pledge Tracker"
    )

    login(client, reviewer, mfa=True)
    listing = client.get(reverse("staff:dashboard")).content.decode()
    assert "Fairview Police Department" in listing and RLO not in listing


def test_a_person_added_to_the_roster_is_stored_clean(client, agency_a, editor):
    login(client, editor)
    client.post(
        reverse("person_create", kwargs={"agency_slug": agency_a.slug}),
        {
            "employee_id": "77",
            "last_name": f"{RLO}htimS",
            "first_name": "Ann\u200b",
            "rank": f"Sgt{LRI}",
            "category": "sworn",
            "position": "patrol",
            "status": "active",
        },
    )
    person = Person.all_agencies.get(employee_id="77")
    assert (person.last_name, person.first_name, person.rank) == ("htimS", "Ann", "Sgt")


def test_the_pledge_s_chief_and_signature_are_stored_clean(client, agency_a, coordinator):
    login(client, coordinator)
    client.post(
        reverse("pledge_sign", kwargs={"agency_slug": agency_a.slug}),
        {
            "chief_name": f"Ana {RLO}Rivera",
            "chief_title": f"Chief of Police{PDF}",
            "target_date": add_months(agency_a.today(), 18).isoformat(),
            "signature": f"Dana\u200b Whitfield{PDI}",
            "affirmed": "on",
        },
    )
    pledge = Pledge.all_agencies.get(agency=agency_a)
    assert (pledge.chief_name, pledge.chief_title, pledge.signature) == (
        "Ana Rivera",
        "Chief of Police",
        "Dana Whitfield",
    )


def test_an_mou_s_title_signatories_and_file_name_are_stored_clean(
    client, agency_a, editor, private_files
):
    organization = OrganizationFactory(agency=agency_a)
    login(client, editor)
    client.post(
        reverse("partnership_create", kwargs={"agency_slug": agency_a.slug}),
        agreement_form(
            organization,
            title=f"Crisis {RLO}stabilization MOU",
            signatory_1_name=f"Chief Ana {LRI}Rivera{PDI}",
            signatory_1_organization="Millbrook\u200b PD",
            document=files.pdf(f"MOU {RLO}fdp.exe.pdf"),
        ),
    )
    version = PartnershipVersion.all_agencies.select_related("partnership", "document").get()
    assert version.partnership.title == "Crisis stabilization MOU"
    assert version.signatories[0] == {
        "name": "Chief Ana Rivera",
        "title": "Chief of Police",
        "organization": "Millbrook PD",
    }
    assert version.document.filename == "MOU fdp.exe.pdf"


def test_a_user_s_name_is_stored_clean(db):
    user = User.objects.create_user("ann@example.com", first_name=f"Ann{RLO}", last_name="Lee")
    user.refresh_from_db()
    assert user.get_full_name() == "Ann Lee"
