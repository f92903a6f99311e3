"""Single sign-on in Chromium, at a phone's 390 px: the sign-in step (with its error), the
journey through a real OpenID Connect provider (tests/oidc_provider) back to the agency's
dashboard, the coordinator's settings (with errors) and program staff's approvals; axe on
each of the product's pages."""

import re

import pytest

from agencies.models import Role, SSOStatus
from tests.browser.conftest import assert_accessible
from tests.browser.steps import sign_in, sign_in_with_totp, submit
from tests.conftest import member
from tests.factories import AgencyFactory
from tests.sso.conftest import PROVIDER_ID, SLUG, oidc_provider  # noqa: F401 - a fixture
from tests.sso.objects import sso_connection

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
PROBLEMS = re.compile("There (is a problem|are problems) with what you entered")


def fits(page) -> bool:
    return page.evaluate(f"document.documentElement.scrollWidth <= {PHONE['width']}")


def test_a_member_signs_in_through_the_agencys_provider_on_a_phone(page, oidc_provider):  # noqa: F811
    agency = AgencyFactory(name="Springfield Police Department", slug=SLUG)
    sso_connection(
        agency,
        status=SSOStatus.APPROVED,
        issuer=oidc_provider.issuer(),
        domains=["springfield.example"],
        client_secret="client-secret-for-tests",
    )
    assert sso_connection  # the connection's provider id is the provider's redirect's
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with your agency's identity provider").click()
    page.wait_for_url("**/accounts/sso/")
    assert fits(page)
    assert_accessible(page)

    page.get_by_label("Your work email address").fill("someone@nowhere.example")
    submit(page, page.get_by_role("button", name="Continue"))
    assert page.get_by_text(PROBLEMS).is_visible()
    assert fits(page)
    assert_accessible(page)

    page.get_by_label("Your work email address").fill("ann.lee@springfield.example")
    submit(page, page.get_by_role("button", name="Continue"))
    assert fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="Continue to your agency's sign-in page").click()
    page.wait_for_url(f"{oidc_provider.url()}/**")
    assert page.url.startswith(oidc_provider.url())  # the provider's own sign-in page
    page.locator("[name=username]").fill("ann")
    page.locator("[name=password]").fill("ann-password-1234")
    submit(page, page.get_by_role("button", name="Sign in"))
    page.wait_for_url(f"**/a/{SLUG}/**")
    assert fits(page)
    assert f"agency-{SLUG}" == PROVIDER_ID


def test_the_settings_and_the_approvals_at_390_px(page, administrator):
    agency = AgencyFactory(name="Millbrook Police Department", slug="millbrook-pd")
    coordinator = member(agency, Role.COORDINATOR, "dana@millbrook.example")
    page.set_viewport_size(PHONE)
    sign_in(page, coordinator.email)
    page.goto(f"/a/{agency.slug}/sso/")
    assert fits(page)
    assert_accessible(page)
    page.get_by_label("Issuer URL").fill("http://login.example.com/tenant")
    submit(page, page.get_by_role("button", name="Send for approval"))
    assert page.get_by_text(PROBLEMS).is_visible()
    assert fits(page)
    assert_accessible(page)
    page.get_by_label("Issuer URL").fill("https://login.example.com/tenant/v2.0")
    page.get_by_label("Client ID").fill("6731de76-14a6-49ae-97bc-6eba6914391e")
    page.get_by_label("Client secret").fill("an-entra-client-secret")
    page.get_by_label("Allowed email domains").fill("millbrook.example")
    submit(page, page.get_by_role("button", name="Send for approval"))
    assert page.get_by_text("Waiting for program staff").is_visible()

    page.context.clear_cookies()
    sign_in_with_totp(page, administrator)
    page.goto("/staff/sso/")
    assert page.get_by_text("Millbrook Police Department").first.is_visible()
    assert fits(page)
    assert_accessible(page)
    submit(page, page.get_by_role("button", name="Approve Millbrook Police Department"))
    assert page.get_by_text(
        "Single sign-on for Millbrook Police Department is in use."
    ).is_visible()
