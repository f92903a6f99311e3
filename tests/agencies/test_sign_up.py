"""Signing up: the name asked, shown to members and changed under My account."""

from django.urls import reverse
from django.utils.html import escape

from agencies.models import User
from tests.conftest import login
from tests.factories import MembershipFactory, UserFactory
from tests.forms import NEW_ACCOUNT, sign_up
from tests.pages import check_page


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
    assert f'<th scope="row">{escape(coordinator.get_full_name())}</th>' in page
    assert f"<td>{coordinator.email}</td>" in page
    assert '<th scope="row">no.name@millbrook.example</th>' in page


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
