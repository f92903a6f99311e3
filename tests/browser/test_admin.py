"""Django admin's one editable page, a staff account, for a program administrator in a real
browser: axe finds nothing, and it offers nothing it then refuses."""

import re

import pytest

from agencies.staff import REVIEW
from tests.browser.conftest import assert_accessible
from tests.browser.steps import sign_in_with_totp, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_gives_a_staff_role_on_an_accessible_page(page, administrator):
    colleague = UserFactory(email="colleague@onemind.example")
    sign_in_with_totp(page, administrator)
    page.goto(f"/admin/agencies/user/{colleague.pk}/change/")
    assert_accessible(page)
    # A password is reset by its owner, by email: the account's form offers nothing else.
    account = page.locator("#user_form")
    assert account.get_by_role("link", name=re.compile("password", re.I)).count() == 0
    assert account.get_by_role("button", name=re.compile("password", re.I)).count() == 0

    page.get_by_label("Program reviewers").check()
    submit(page, page.get_by_role("button", name="Save", exact=True))
    assert colleague.has_perm(REVIEW)
