"""The home page sends each person where they work."""

from django.urls import reverse

from agencies.models import Role
from tests.conftest import login
from tests.factories import MembershipFactory


def test_visitors_see_the_welcome_page(client, db):
    assert "Create an account" in client.get("/").content.decode()


def test_a_member_of_one_agency_goes_to_its_dashboard(client, agency_a, editor):
    login(client, editor)
    assert client.get("/")["Location"] == reverse(
        "agency_dashboard", kwargs={"agency_slug": agency_a.slug}
    )


def test_a_member_of_several_agencies_chooses_then_returns_to_the_last(
    client, agency_a, agency_b, editor
):
    MembershipFactory(agency=agency_b, user=editor, role=Role.VIEWER)
    login(client, editor)
    page = client.get("/", follow=True).content.decode()
    assert "Millbrook Police Department" in page and "Harlan County Sheriff" in page
    client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_b.slug}))
    assert client.get("/")["Location"] == reverse(
        "agency_dashboard", kwargs={"agency_slug": agency_b.slug}
    )
    switcher = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_b.slug}))
    assert f'href="/a/{agency_a.slug}/"' in switcher.content.decode()


def test_someone_without_an_agency_is_offered_registration(client, stranger):
    login(client, stranger)
    page = client.get("/", follow=True).content.decode()
    assert "not a member of any agency" in page and reverse("agency_register") in page


def test_program_staff_go_to_the_review_queue_with_the_agency_list_a_link_away(client, reviewer):
    login(client, reviewer, mfa=True)
    assert client.get("/")["Location"] == reverse("staff:review_queue")
    queue = client.get(reverse("staff:review_queue")).content.decode()
    assert f'href="{reverse("staff:dashboard")}"><span>Agencies</span>' in queue
    assert 'aria-current="page"><span>Review queue</span>' in queue


def test_the_homes_are_the_projects_to_name(client, settings, editor, reviewer, agency_a):
    """agencies sends people to the pages the settings name, knowing none of them itself."""
    settings.AGENCY_HOME_URL, settings.STAFF_HOME_URL = "member_list", "staff:audit"
    login(client, editor)
    assert client.get("/")["Location"] == reverse(
        "member_list", kwargs={"agency_slug": agency_a.slug}
    )
    login(client, reviewer, mfa=True)
    assert client.get("/")["Location"] == reverse("staff:audit")


def test_the_two_factor_page_offers_totp_passkeys_and_recovery_codes(client, editor):
    login(client, editor)
    page = client.get("/accounts/2fa/").content.decode()
    for offer in ["Authenticator App", "Security Keys", "Recovery Codes"]:
        assert offer in page
