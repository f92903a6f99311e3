"""Staff pages and Django admin need a staff role and a session that passed MFA.

Who gets what on every staff page is walked in test_staff_walk.py."""

import pytest
from django.urls import reverse

from agencies.models import AuditEvent
from tests.conftest import login, totp_code
from tests.factories import PASSWORD, AgencyFactory, UserFactory


def test_a_reviewer_who_never_enrolled_must_set_up_an_authenticator(client, db):
    from django.contrib.auth.models import Group

    user = UserFactory(email="new.reviewer@onemind.example")
    user.groups.add(Group.objects.get(name="Program reviewers"))
    login(client, user)
    response = client.get(reverse("staff:dashboard"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_signing_in_with_password_and_totp_opens_the_staff_area(client, reviewer):
    response = client.post("/accounts/login/", {"login": reviewer.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("staff:dashboard")).status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(reviewer.totp_secret)})
    assert response.status_code == 302
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="login.succeeded", actor=reviewer).exists()


def test_a_wrong_totp_code_keeps_the_staff_area_closed(client, reviewer):
    client.post("/accounts/login/", {"login": reviewer.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert client.get(reverse("staff:dashboard")).status_code == 302


def test_reviewer_verifies_an_agency(client, reviewer):
    agency = AgencyFactory()
    login(client, reviewer, mfa=True)
    listing = client.get(reverse("staff:dashboard")).content.decode()
    assert f'form="verification" name="verify" value="{agency.public_id}"' in listing

    client.post(reverse("staff:agency_verify"), {"verify": str(agency.public_id)})

    agency.refresh_from_db()
    assert agency.verified and agency.verified_by == reviewer
    assert AuditEvent.objects.filter(action="agency.verified", agency=agency).exists()
    listing = client.get(reverse("staff:dashboard")).content.decode()
    assert f'form="verification" name="withdraw" value="{agency.public_id}"' in listing

    client.post(reverse("staff:agency_verify"), {"withdraw": str(agency.public_id)})

    agency.refresh_from_db()
    assert not agency.verified


@pytest.mark.parametrize("forged", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_verifying_a_forged_agency_id_is_not_found_and_changes_nothing(client, reviewer, forged):
    agency = AgencyFactory()
    login(client, reviewer, mfa=True)

    response = client.post(reverse("staff:agency_verify"), {"verify": forged})

    assert response.status_code == 404
    agency.refresh_from_db()
    assert not agency.verified


def test_staff_list_filters_agencies(client, reviewer):
    AgencyFactory(name="Fairview Police Department", region="OR")
    AgencyFactory(name="Harlan County Sheriff", region="KY", verified=True)
    login(client, reviewer, mfa=True)
    page = client.get(reverse("staff:dashboard"), {"verified": "no", "state": "or"})
    text = page.content.decode()
    assert "Fairview" in text and "Harlan" not in text


def test_reviewers_cannot_release_locked_accounts(client, reviewer):
    login(client, reviewer, mfa=True)
    assert client.get(reverse("staff:locked_accounts")).status_code == 403


def test_admin_needs_the_administrator_role_and_mfa(client, administrator, reviewer):
    assert client.get("/admin/").status_code == 302
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"].startswith("/accounts/login/")
    login(client, reviewer, mfa=True)
    assert client.get("/admin/", follow=True).status_code == 403
    login(client, administrator, mfa=False)
    assert client.get("/admin/").status_code == 302
    login(client, administrator, mfa=True)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/agencies/auditevent/").status_code == 200


def test_staff_are_never_superusers(administrator, reviewer):
    assert not administrator.is_superuser and not reviewer.is_superuser
    assert administrator.has_perm("agencies.administer_program")
    assert not reviewer.has_perm("agencies.administer_program")


@pytest.mark.django_db(transaction=True)  # allauth announces the new factor on commit
def test_a_new_reviewer_enrols_totp_and_goes_straight_to_work(client):
    from django.contrib.auth.models import Group

    user = UserFactory(email="first.day@onemind.example")
    user.groups.add(Group.objects.get(name="Program reviewers"))
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.get(reverse("staff:dashboard"))["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200  # no second password
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.added", actor=user).exists()


def test_granting_a_staff_role_in_admin_is_audited(client, administrator, editor):
    from django.contrib.auth.models import Group

    login(client, administrator, mfa=True)
    reviewers = Group.objects.get(name="Program reviewers")
    response = client.post(
        f"/admin/agencies/user/{editor.pk}/change/",
        {
            "email": editor.email,
            "first_name": editor.first_name,
            "last_name": editor.last_name,
            "is_active": "on",
            "groups": [reviewers.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert editor.has_perm("agencies.review_agencies")
    event = AuditEvent.objects.get(action="account.updated")
    assert event.changes == {"groups": [[], ["Program reviewers"]]}
    assert event.actor == administrator


def test_admin_cannot_change_an_address_or_set_a_password(client, administrator, editor):
    login(client, administrator, mfa=True)
    form = client.get(f"/admin/agencies/user/{editor.pk}/change/").content.decode()
    assert 'name="email"' not in form
    assert client.get(f"/admin/agencies/user/{editor.pk}/password/").status_code == 403


def test_staff_pagination_keeps_the_filters(client, reviewer):
    AgencyFactory.create_batch(51, region="OR")
    login(client, reviewer, mfa=True)
    page = client.get(reverse("staff:dashboard"), {"state": "OR", "q": "Town"}).content.decode()
    assert 'href="?state=OR&amp;q=Town&amp;page=2"' in page
