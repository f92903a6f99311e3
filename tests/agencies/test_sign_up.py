"""Signing up: the name asked and shown, and the "check your email" page that sends the
confirmation again (after allauth's pause) and names where to write."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from agencies.models import User
from tests.conftest import login
from tests.factories import MembershipFactory, UserFactory
from tests.forms import NEW_ACCOUNT, sign_up
from tests.pages import check_page

CHECK_EMAIL = "/accounts/confirm-email/"
SEND_AGAIN = "/accounts/confirm-email/send-again/"


def page_text(response) -> str:
    return response.content.decode()


def test_the_sign_up_page_asks_for_the_name_first(client, db):
    page = page_text(client.get(reverse("account_signup")))
    check_page(page)
    order = [page.index(f'name="{name}"') for name in ("first_name", "last_name", "email")]
    assert order == sorted(order)
    assert 'autocomplete="given-name"' in page and 'autocomplete="family-name"' in page


def test_the_first_name_is_required_and_names_are_kept_clean(client, db):
    response = sign_up(client, first_name="  \u200b ")
    assert response.status_code == 200
    assert "This field is required" in page_text(response)
    assert not User.objects.exists()

    sign_up(client, first_name=" Dana\u202e ", last_name="  Reyes   Ortiz ")
    user = User.objects.get(email=NEW_ACCOUNT["email"])
    assert (user.first_name, user.last_name) == ("Dana", "Reyes Ortiz")


def test_a_single_name_is_enough(client, db):
    assert sign_up(client, first_name="Madonna", last_name="").status_code == 302
    assert User.objects.get(email=NEW_ACCOUNT["email"]).get_full_name() == "Madonna"


def test_members_are_listed_by_name_and_by_address_when_they_gave_none(
    client, agency_a, coordinator
):
    nameless = UserFactory(email="no.name@millbrook.example", first_name="", last_name="")
    MembershipFactory(agency=agency_a, user=nameless)
    login(client, coordinator)
    page = page_text(client.get(reverse("member_list", kwargs={"agency_slug": agency_a.slug})))
    check_page(page)
    name = escape(coordinator.get_full_name())
    assert f'<th scope="row" data-label="Name">{name}</th>' in page
    assert f'<td data-label="Email">{coordinator.email}</td>' in page
    assert '<th scope="row" data-label="Name">no.name@millbrook.example</th>' in page


def test_the_check_your_email_page_sends_the_link_again_after_allauths_pause(client, db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = sign_up(client)
        assert response["Location"] == CHECK_EMAIL
        page = page_text(client.get(CHECK_EMAIL))
        check_page(page)
        assert "Check your email" in page and f'action="{SEND_AGAIN}"' in page
        assert len(mail.outbox) == 1

        response = client.post(SEND_AGAIN, follow=True)  # a click straight away
        assert response.redirect_chain == [(CHECK_EMAIL, 302)]
        assert "An email went to this address a moment ago" in page_text(response)
        assert len(mail.outbox) == 1

        traveller.shift(timedelta(minutes=3, seconds=1))
        response = client.post(SEND_AGAIN, follow=True)
        assert f"Confirmation email sent to {NEW_ACCOUNT['email']}" in page_text(response)
        assert len(mail.outbox) == 2
        assert mail.outbox[1].to == [NEW_ACCOUNT["email"]]
        assert "/accounts/confirm-email/" in mail.outbox[1].body


def test_sending_again_needs_a_post(client, db):
    sign_up(client)
    assert client.get(SEND_AGAIN).status_code == 405
    assert len(mail.outbox) == 1


def test_with_no_sign_up_waiting_sending_again_asks_to_sign_in(client, db):
    response = client.post(SEND_AGAIN, follow=True)
    assert response.redirect_chain == [(reverse("account_login"), 302)]
    assert "a new link is sent" in page_text(response)
    assert mail.outbox == []


def test_a_sign_up_left_waiting_too_long_is_signed_in_again(client, db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_up(client)
        traveller.shift(timedelta(minutes=16))  # allauth drops a pending sign-in after 15
        response = client.post(SEND_AGAIN)
    assert response["Location"] == reverse("account_login")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("support", ["help@onemind.example.org", ""])
def test_the_check_your_email_page_names_the_support_address_when_there_is_one(
    client, db, settings, support
):
    settings.SUPPORT_EMAIL = support
    sign_up(client)
    page = page_text(client.get(CHECK_EMAIL))
    if support:
        assert f'<a href="mailto:{support}">{support}</a>' in page
    else:
        assert "mailto:" not in page and "Still nothing?" not in page


def test_a_member_changes_their_name_under_my_account(client, editor):
    from agencies.models import AuditEvent

    login(client, editor)
    page = page_text(client.get(reverse("account_name")))
    check_page(page)
    assert f'value="{escape(editor.first_name)}"' in page
    response = client.post(reverse("account_name"), {"first_name": " Sam ", "last_name": ""})
    assert response["Location"] == reverse("account_name")
    editor.refresh_from_db()
    assert (editor.first_name, editor.last_name) == ("Sam", "")
    event = AuditEvent.objects.get(action="account.renamed")
    assert (event.actor, event.changes["first_name"][1]) == (editor, "Sam")

    assert (
        client.post(reverse("account_name"), {"first_name": "", "last_name": "X"}).status_code
        == 200
    )
    editor.refresh_from_db()
    assert editor.first_name == "Sam"


def test_the_name_page_is_for_signed_in_people(client, db):
    assert client.get(reverse("account_name"))["Location"].startswith(reverse("account_login"))
