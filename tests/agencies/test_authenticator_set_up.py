"""Setting up an authenticator: the key shown whole beside its QR code, and no second
password prompt ("Confirm access") right after signing in, while a session signed in
longer ago than ACCOUNT_REAUTHENTICATION_TIMEOUT is asked again."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account import app_settings as account_settings
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agencies.staff import REVIEWER_GROUP
from tests.conftest import totp_code
from tests.factories import PASSWORD, UserFactory
from tests.forms import sign_up
from tests.pages import check_page

SET_UP = reverse("mfa_activate_totp")
NEW_RECOVERY_CODES = reverse("mfa_generate_recovery_codes")
CONFIRM_ACCESS = reverse("account_reauthenticate")
TIMEOUT = timedelta(seconds=account_settings.REAUTHENTICATION_TIMEOUT)


@pytest.fixture
def first_day_reviewer(db):
    user = UserFactory(email="first.day@onemind.example")
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    return user


def sign_in(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def asks_to_confirm_access(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(CONFIRM_ACCESS)


def test_the_key_is_shown_whole_and_selectable_beside_the_qr_code(client, first_day_reviewer):
    sign_in(client, first_day_reviewer)
    response = client.get(SET_UP)
    assert response.status_code == 200
    page = response.content.decode()
    check_page(page)
    secret = client.session["mfa.totp.secret"]
    assert len(secret) == 32
    assert f'<code class="totp-secret" id="authenticator_secret">{secret}</code>' in page
    assert not re.search(r"<input[^>]*disabled", page)  # no greyed, clipped box
    qr = re.search(
        r'<img class="totp-setup__qr" src="data:image/svg\+xml[^"]*" alt="([^"]+)"', page
    )
    assert qr and "QR code" in qr.group(1)
    assert page.index("totp-setup__qr") < page.index("totp-secret")


def test_a_first_staff_sign_in_goes_straight_to_the_set_up(client, first_day_reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, first_day_reviewer)
        assert client.get(reverse("staff:dashboard"))["Location"] == SET_UP
        assert client.get(SET_UP).status_code == 200  # no "Confirm access" in between
        traveller.shift(TIMEOUT - timedelta(seconds=1))
        secret = client.session["mfa.totp.secret"]
        response = client.post(SET_UP, {"code": totp_code(secret)})
        assert response.status_code == 302 and not asks_to_confirm_access(response)
    assert Authenticator.objects.filter(user=first_day_reviewer, type="totp").exists()


def test_after_the_timeout_the_password_is_asked_again(client, first_day_reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, first_day_reviewer)
        traveller.shift(TIMEOUT + timedelta(seconds=1))
        assert asks_to_confirm_access(client.get(SET_UP))
        client.post(CONFIRM_ACCESS, {"password": PASSWORD})
        assert client.get(SET_UP).status_code == 200


def test_a_sign_in_with_an_authenticator_counts_as_well(client, reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, reviewer)
        client.post(reverse("mfa_authenticate"), {"code": totp_code(reviewer.totp_secret)})
        assert client.get(NEW_RECOVERY_CODES).status_code == 200
        traveller.shift(TIMEOUT + timedelta(seconds=1))
        assert asks_to_confirm_access(client.get(NEW_RECOVERY_CODES))


def test_a_sign_in_by_an_emailed_link_still_asks_for_the_password(client, db):
    """The confirmation link proves the mailbox, not the password."""
    sign_up(client)
    confirm = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    client.post(confirm.group(1))
    assert "_auth_user_id" in client.session
    assert asks_to_confirm_access(client.get(SET_UP))
