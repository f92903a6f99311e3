"""Steps every browser journey takes: finding a field, sending a form, signing in (with the
second factor staff need)."""

import re

from tests.browser.conftest import assert_accessible
from tests.conftest import totp_code
from tests.factories import PASSWORD


def submit(page, button) -> None:
    """Click a button that sends a form, and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


def field(page, name: str):
    """A form control by its name (every control's label is checked by axe)."""
    return page.locator(f"main [name={name}]")


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    field(page, "login").fill(email)
    field(page, "password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_in_with_totp(page, user) -> None:
    sign_in(page, user.email)
    page.wait_for_url("**/2fa/authenticate/**")
    assert_accessible(page)
    field(page, "code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name=re.compile("Sign In|Authenticate|Verify", re.I)).first.click()
    page.wait_for_url(lambda url: "/authenticate/" not in url)
