"""A signed-in request reads its user and, for staff, whether they have MFA from the cache:
no query for either once the cache is warm. What the cache keeps is forgotten when it
changes, so a deactivated account, a password changed elsewhere and a removed authenticator
take effect on the next request, and a cache that is down only costs the queries back."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login, with_totp
from tests.factories import PASSWORD

FROM = re.compile(r'\bFROM "(\w+)"')


def table_read(sql: str) -> str:
    """The table a query reads (its outermost FROM, not a subquery's), or its first word
    (an UPDATE, a SAVEPOINT)."""
    for found in FROM.finditer(sql):
        before = sql[: found.start()]
        if before.count("(") == before.count(")"):
            return found.group(1)
    return sql.split()[0]


def tables_read(queries) -> list[str]:
    return [table_read(q["sql"]) for q in queries.captured_queries]


def members_page(agency) -> str:
    return reverse("member_list", kwargs={"agency_slug": agency.slug})


def sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_an_agency_page_with_warm_caches_reads_no_user(client, agency_a, coordinator):
    login(client, coordinator)
    assert client.get(members_page(agency_a)).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        assert client.get(members_page(agency_a)).status_code == 200

    assert tables_read(queries) == [
        "django_session",
        "agencies_membership",  # the user's memberships (the tenancy and the header)
        "agencies_membership",  # the page: the agency's members
        "agencies_invitation",
    ]


def test_a_staff_page_with_warm_caches_reads_no_user_nor_mfa(client, reviewer):
    login(client, reviewer, mfa=True)
    assert client.get(reverse("staff:review_queue")).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:review_queue")).status_code == 200

    assert tables_read(queries) == [
        "django_session",
        # The page's permission, asked live on every staff page.
        "auth_permission",
        "auth_permission",
        "pledges_submission",  # the page: the queue
        "agencies_membership",  # the header's agency switcher
    ]


def test_the_first_request_reads_the_user_and_mfa_once(client, reviewer):
    login(client, reviewer, mfa=True)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:review_queue")).status_code == 200

    tables = tables_read(queries)
    assert tables.count("agencies_user") == 1
    assert tables.count("mfa_authenticator") == 1


def test_a_deactivated_account_is_signed_out_on_its_next_request(client, agency_a, coordinator):
    login(client, coordinator)
    assert client.get(members_page(agency_a)).status_code == 200

    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])

    assert signed_out(client.get(members_page(agency_a)))


def test_a_deleted_account_is_signed_out_on_its_next_request(client, agency_a, editor):
    login(client, editor)
    assert client.get(members_page(agency_a)).status_code == 200

    editor.delete()

    assert signed_out(client.get(members_page(agency_a)))


def test_a_password_changed_elsewhere_signs_the_other_sessions_out(client, agency_a, coordinator):
    laptop, phone = client, Client()
    sign_in(laptop, coordinator)
    sign_in(phone, coordinator)
    assert phone.get(members_page(agency_a)).status_code == 200  # the user is in the cache

    new = "a new long passphrase 42"
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302

    assert signed_out(phone.get(members_page(agency_a)))
    assert laptop.get(members_page(agency_a)).status_code == 200  # the session that changed it


def test_a_removed_authenticator_makes_staff_enrol_again(client, reviewer):
    login(client, reviewer, mfa=True)
    assert client.get(reverse("staff:review_queue")).status_code == 200  # has MFA: cached

    Authenticator.objects.filter(user=reviewer).delete()

    response = client.get(reverse("staff:review_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_added_authenticator_lets_staff_in_on_the_next_request(client, reviewer):
    Authenticator.objects.filter(user=reviewer).delete()
    login(client, reviewer)
    assert client.get(reverse("staff:review_queue"))["Location"] == reverse("mfa_activate_totp")

    with_totp(reviewer)
    login(client, reviewer, mfa=True)

    assert client.get(reverse("staff:review_queue")).status_code == 200


@pytest.mark.usefixtures("redis_down")
def test_with_the_cache_down_the_user_is_read_from_the_database(client, agency_a, coordinator):
    sign_in(client, coordinator)

    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(members_page(agency_a)).status_code == 200
        assert tables_read(queries)[:2] == ["django_session", "agencies_user"]


def test_the_cache_keeps_no_password_hash_and_a_save_keeps_the_password(
    client, agency_a, coordinator
):
    from django.core.cache import cache

    from agencies.auth_backends import CachedUserBackend, _user_key
    from agencies.models import User

    sign_in(client, coordinator)
    client.get(members_page(agency_a))
    stored = cache.get(_user_key(coordinator.pk))
    assert stored is not None and coordinator.password not in repr(stored)

    cached_user = CachedUserBackend().get_user(coordinator.pk)
    assert "password" in cached_user.get_deferred_fields()
    cached_user.first_name = "Dana"
    cached_user.save()  # as a page saving the signed-in user would

    saved = User.objects.get(pk=coordinator.pk)
    assert saved.first_name == "Dana" and saved.check_password(PASSWORD)


def test_an_entry_of_another_layout_is_read_afresh(coordinator):
    """During a deploy that changes the account's columns, a worker never misreads what
    another worker kept."""
    from django.core.cache import cache

    from agencies.auth_backends import CachedUserBackend, _user_entry, _user_key

    entry = _user_entry(coordinator.pk)
    entry["values"].pop("last_name")  # kept by a version without the column
    cache.set(_user_key(coordinator.pk), entry)

    user = CachedUserBackend().get_user(coordinator.pk)

    assert (user.pk, user.last_name) == (coordinator.pk, coordinator.last_name)
