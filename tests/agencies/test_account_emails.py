"""The emails allauth sends for accounts speak as the product and link to SITE_URL, never to
the host a request named: "Hello from 127.0.0.1:8125!" reads like phishing, and a forged
Host header must not aim a confirmation or reset link elsewhere."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from agencies.models import User
from tests.factories import PASSWORD, UserFactory
from tests.forms import NEW_ACCOUNT, sign_up

SITE_URL = "https://pledges.example.org"
REQUEST_HOST = "127.0.0.1:8125"  # the host the browser named, as in the quick start
CONFIRM_SUBJECT = "[One Mind] Confirm your email address for the One Mind Pledge Tracker"
LINK = re.compile(r"""https?://[^\s"'<>]+""")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE_URL
    settings.SUPPORT_EMAIL = "help@onemind.example.org"


def text_and_html(message) -> tuple[str, str]:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def assert_speaks_as_the_product(message) -> list[str]:
    """Checks the subject and both bodies; returns the plain-text body's links."""
    text, html = text_and_html(message)
    assert message.subject.startswith("[One Mind] ")
    assert "One Mind Pledge Tracker" in message.subject
    for part in (message.subject, text, html):
        assert "127.0.0.1" not in part and "8125" not in part and "testserver" not in part
        assert "One Mind Pledge Tracker" in part
    links = LINK.findall(text)
    assert links and LINK.findall(html)
    assert all(link.startswith(f"{SITE_URL}/") for link in links + LINK.findall(html))
    assert "help@onemind.example.org" in text and "help@onemind.example.org" in html
    return links


def path_of(link: str) -> str:
    return link.removeprefix(SITE_URL)


def test_the_sign_up_confirmation_greets_by_name_and_links_to_the_site(client, db):
    response = sign_up(client, HTTP_HOST=REQUEST_HOST)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [NEW_ACCOUNT["email"]]
    assert message.subject == CONFIRM_SUBJECT
    assert message.body.startswith("Hello Dana,\n")
    [confirm, home] = assert_speaks_as_the_product(message)
    assert confirm.startswith(f"{SITE_URL}/accounts/confirm-email/")
    assert home == f"{SITE_URL}/"

    client.post(path_of(confirm))
    assert "_auth_user_id" in client.session


def test_signing_up_with_a_taken_address_says_so_by_email_only(client, editor):
    response = sign_up(client, email=editor.email, HTTP_HOST=REQUEST_HOST)
    assert response.status_code == 302  # the same page as a new address: nothing leaks
    [message] = mail.outbox
    assert message.subject == "[One Mind] You already have a One Mind Pledge Tracker account"
    assert message.body.startswith(f"Hello {editor.email},\n")
    links = assert_speaks_as_the_product(message)
    assert f"{SITE_URL}/accounts/login/" in links
    assert f"{SITE_URL}/accounts/password/reset/" in links


def test_the_password_reset_link_is_on_the_site_and_resets(client, editor):
    client.post(reverse("account_reset_password"), {"email": editor.email}, HTTP_HOST=REQUEST_HOST)
    [message] = mail.outbox
    assert message.subject == "[One Mind] Reset your One Mind Pledge Tracker password"
    assert message.body.startswith(f"Hello {editor.first_name},\n")
    [reset, _home] = assert_speaks_as_the_product(message)
    assert reset.startswith(f"{SITE_URL}/accounts/password/reset/key/")

    form = client.get(path_of(reset))["Location"]
    new_password = "a-new-long-password-for-the-editor"
    client.post(form, {"password1": new_password, "password2": new_password})
    editor.refresh_from_db()
    assert editor.check_password(new_password)


def test_a_reset_for_an_unknown_address_offers_to_sign_up(client, db):
    address = "nobody@elsewhere.example"
    client.post(reverse("account_reset_password"), {"email": address}, HTTP_HOST=REQUEST_HOST)
    [message] = mail.outbox
    assert message.to == [address]
    assert message.subject == "[One Mind] No One Mind Pledge Tracker account uses this address"
    assert message.body.startswith(f"Hello {address},\n")
    assert f"{SITE_URL}/accounts/signup/" in assert_speaks_as_the_product(message)


def test_an_address_added_later_is_confirmed_through_the_site(client, editor):
    from tests.conftest import login

    login(client, editor)
    client.post(
        reverse("account_email"),
        {"action_add": "", "email": "second@millbrook.example"},
        HTTP_HOST=REQUEST_HOST,
    )
    [message] = mail.outbox
    assert message.to == ["second@millbrook.example"]
    assert editor.email in message.body
    [confirm, _home] = assert_speaks_as_the_product(message)
    assert confirm.startswith(f"{SITE_URL}/accounts/confirm-email/")


def test_without_a_support_address_the_emails_name_none(client, db, settings):
    settings.SUPPORT_EMAIL = ""
    sign_up(client)
    [message] = mail.outbox
    assert "Questions?" not in message.body
    assert "mailto:" not in message.alternatives[0][0]


def test_the_confirmation_arrives_whole_over_smtp(client, db, smtp_inbox):
    sign_up(client, HTTP_HOST=REQUEST_HOST)
    [message] = smtp_inbox.to(NEW_ACCOUNT["email"])
    assert message["Subject"] == CONFIRM_SUBJECT
    assert "One Mind Pledge Tracker" in message["From"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (message["Subject"], text, html):
        assert "127.0.0.1" not in part and "testserver" not in part
    [confirm, _home] = LINK.findall(text)
    assert confirm.startswith(f"{SITE_URL}/accounts/confirm-email/")
    assert confirm in html
    client.post(path_of(confirm))
    assert User.objects.get(email=NEW_ACCOUNT["email"]).emailaddress_set.get().verified


def test_a_sign_in_with_an_unconfirmed_address_sends_the_link_again(client, db):
    UserFactory(email="late@millbrook.example", verified_email=False)
    client.post(
        reverse("account_login"),
        {"login": "late@millbrook.example", "password": PASSWORD},
        HTTP_HOST=REQUEST_HOST,
    )
    [message] = mail.outbox
    assert message.subject == CONFIRM_SUBJECT
    assert_speaks_as_the_product(message)
