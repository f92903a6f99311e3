"""A first staff sign-in sets up an authenticator app: straight after the password, with
the key readable whole beside the QR code, on a wide screen and a phone's."""

import pytest
from django.contrib.auth.models import Group

from agencies.staff import REVIEWER_GROUP
from tests.browser.conftest import assert_accessible
from tests.browser.steps import field, sign_in, submit
from tests.conftest import totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_a_new_reviewer_reads_the_key_whole_and_activates_the_app(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    reviewer = UserFactory(email="first.day@onemind.example")
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))

    sign_in(page, reviewer.email)
    page.goto("/staff/")
    page.wait_for_url("**/2fa/totp/activate/")  # no "Confirm access" on the way
    assert_accessible(page)
    key = page.locator("#authenticator_secret")
    secret = key.inner_text().strip()
    assert len(secret) == 32
    assert key.evaluate("element => element.scrollWidth <= element.clientWidth")  # not clipped
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()

    field(page, "code").fill(totp_code(secret))
    submit(page, page.get_by_role("button", name="Activate"))
    page.goto("/staff/")
    assert page.url.endswith("/staff/")
    assert_accessible(page)
