"""Email addresses: one an account added and never confirmed belongs to nobody. Its owner
signs up with it, accepts invitations to it, and is the only one a reset for it reaches."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from agencies.models import AuditEvent, Membership, User
from agencies.services import invitation_token
from tests import forms
from tests.conftest import login
from tests.factories import PASSWORD, InvitationFactory

OWNED = "dana.reyes@riverton.example"  # Dana's address, which the stranger adds to his account
DANAS_PASSWORD = "dana-chooses-a-long-password-7"


@pytest.fixture
def squatted(client, stranger):
    """The stranger adds Dana's address to his own account; it stays unconfirmed."""
    login(client, stranger)
    response = client.post(reverse("account_email"), {"action_add": "", "email": OWNED})
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=OWNED).user == stranger
    client.logout()
    mail.outbox.clear()
    return stranger


def link_sent_to(email: str, path: str) -> str | None:
    """The last link under `path` emailed to `email`, if any."""
    for message in reversed(mail.outbox):
        found = re.search(rf"https?://\S+?({path}\S+)", message.body)
        if message.to == [email] and found:
            return found.group(1)
    return None


def sign_up(client, email=OWNED):
    return forms.sign_up(client, email=email, password1=DANAS_PASSWORD, password2=DANAS_PASSWORD)


def signs_in(client, email, password) -> bool:
    client.logout()
    client.post(reverse("account_login"), {"login": email, "password": password})
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return signed_in


def test_the_owner_signs_up_with_an_address_another_account_added(client, squatted):
    assert sign_up(client).status_code == 302
    dana = User.objects.get(email=OWNED)

    confirm = link_sent_to(OWNED, "/accounts/confirm-email/")
    assert confirm, "Dana gets a link to confirm her address, not 'you already have an account'"
    client.post(confirm)

    assert EmailAddress.objects.get(email=OWNED).user == dana
    assert EmailAddress.objects.get(email=OWNED).verified
    assert int(client.session["_auth_user_id"]) == dana.pk
    event = AuditEvent.objects.get(action="account.email_released")
    assert event.object_id == str(squatted.pk) and event.changes["email"] == [None, OWNED]

    # Hers now: signing up with it again makes no second account and sends no confirmation.
    client.logout()
    mail.outbox.clear()
    assert sign_up(client).status_code == 302
    assert User.objects.filter(email=OWNED).count() == 1
    assert link_sent_to(OWNED, "/accounts/confirm-email/") is None


def test_a_reset_for_an_added_address_never_reaches_the_account_that_added_it(client, squatted):
    client.post(reverse("account_reset_password"), {"email": OWNED})
    assert link_sent_to(OWNED, "/accounts/password/reset/key/") is None
    assert any(m.to == [OWNED] for m in mail.outbox)  # told there is no account, as anyone is

    # Dana signs up (not confirmed yet) and the stranger adds her address again.
    sign_up(client)
    login(client, squatted)
    client.post(reverse("account_email"), {"action_add": "", "email": OWNED})
    client.logout()
    mail.outbox.clear()

    client.post(reverse("account_reset_password"), {"email": OWNED})
    [reset] = [m for m in mail.outbox if "/password/reset/key/" in m.body]
    key_path = link_sent_to(OWNED, "/accounts/password/reset/key/")
    form = client.get(key_path, follow=True).redirect_chain[-1][0]
    new_password = "dana-resets-her-password-88"
    client.post(form, {"password1": new_password, "password2": new_password})

    assert User.objects.get(email=OWNED).check_password(new_password)
    assert signs_in(client, squatted.email, PASSWORD)  # his password is as he set it


def test_the_owner_accepts_an_invitation_to_an_address_another_account_added(
    client, agency_a, squatted
):
    invitation = InvitationFactory(agency=agency_a, email=OWNED)
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    login(client, squatted)
    assert f"was sent to {OWNED}" in client.post(path).content.decode()
    client.logout()

    sign_up(client)
    client.post(link_sent_to(OWNED, "/accounts/confirm-email/"))
    response = client.post(path)

    assert response.status_code == 302
    membership = Membership.all_agencies.get(agency=agency_a)
    assert membership.user.email == OWNED and membership.user != squatted


def test_a_confirmed_address_is_taken_off_accounts_that_only_added_it(
    client, stranger, coordinator
):
    """The coordinator adds her home address; the stranger adds it too; she confirms it."""
    second = "coordinator.home@millbrook.example"
    login(client, coordinator)
    client.post(reverse("account_email"), {"action_add": "", "email": second})
    confirm = link_sent_to(second, "/accounts/confirm-email/")
    login(client, stranger)
    client.post(reverse("account_email"), {"action_add": "", "email": second})

    login(client, coordinator)
    client.post(confirm)

    assert list(EmailAddress.objects.filter(email=second).values_list("user", "verified")) == [
        (coordinator.pk, True)
    ]
