"""Five failed sign-ins in 15 minutes lock the account until released (CJIS AC-7)."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agencies.models import AuditEvent, Membership
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory
from tests.forms import sign_up

LOGIN = "/accounts/login/"


def sign_in(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def fail(client, email, times):
    for _ in range(times):
        response = sign_in(client, email, "not-the-password")
    return response


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_four_failures_then_the_right_password_signs_in(client, editor):
    fail(client, editor.email, 4)
    response = sign_in(client, editor.email, PASSWORD)
    assert response.status_code == 302 and is_signed_in(client)


def test_the_fifth_failure_locks_and_says_so(client, editor):
    response = fail(client, editor.email, 5)
    assert "This account is locked" in response.content.decode()
    assert editor.is_locked
    response = sign_in(client, editor.email, PASSWORD)
    assert "This account is locked" in response.content.decode()
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(action="login.failed", actor_email=editor.email).count() == 5
    assert AuditEvent.objects.filter(action="account.locked", object_id=str(editor.pk)).exists()
    assert AuditEvent.objects.filter(action="login.refused_locked").count() == 1


def at(start, minutes):
    return time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False)


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, editor):
    start = timezone.now()
    with at(start, 0):
        fail(client, editor.email, 4)
    with at(start, 16):
        fail(client, editor.email, 1)
        sign_in(client, editor.email, PASSWORD)
    assert is_signed_in(client)


def test_the_window_slides(client, editor):
    """Any five failures within 15 minutes lock, wherever the first one fell."""
    start = timezone.now()
    with at(start, 0):
        fail(client, editor.email, 1)
    with at(start, 14):
        fail(client, editor.email, 3)
    with at(start, 16):
        fail(client, editor.email, 1)
        assert not editor.is_locked  # 4 within the last 15 minutes
        fail(client, editor.email, 1)
    assert editor.is_locked


def test_a_success_clears_earlier_failures(client, editor):
    fail(client, editor.email, 4)
    sign_in(client, editor.email, PASSWORD)
    client.logout()
    fail(client, editor.email, 4)
    sign_in(client, editor.email, PASSWORD)
    assert is_signed_in(client)


def test_the_lock_outlasts_the_window(client, editor):
    fail(client, editor.email, 5)
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=3)):
        sign_in(client, editor.email, PASSWORD)
    assert not is_signed_in(client)


def test_unknown_addresses_get_the_same_answers_as_real_ones(client, editor):
    """Nothing in the answers tells which addresses have accounts, however long one waits."""
    unknown = "nobody@millbrook.example"
    for email in (editor.email, unknown):
        assert "not correct" in fail(client, email, 4).content.decode()
        assert "This account is locked" in fail(client, email, 1).content.decode()
    with at(timezone.now(), 60 * 24):
        answers = [
            sign_in(client, email, "guess-again-123").context["form"].errors
            for email in (editor.email, unknown)
        ]
    assert "This account is locked" in str(answers[0])
    assert answers[0] == answers[1]


def test_the_coordinator_releases_a_member(client, agency_a, coordinator, editor):
    fail(client, editor.email, 5)
    login(client, coordinator)
    membership = Membership.all_agencies.get(user=editor)
    page = client.get(reverse("member_list", kwargs={"agency_slug": agency_a.slug}))
    assert "Locked" in page.content.decode()
    client.post(
        reverse(
            "member_unlock",
            kwargs={"agency_slug": agency_a.slug, "member_id": membership.public_id},
        )
    )
    client.logout()
    sign_in(client, editor.email, PASSWORD)
    assert is_signed_in(client)
    event = AuditEvent.objects.get(action="account.unlocked")
    assert (event.actor, event.agency) == (coordinator, agency_a)


def test_a_coordinator_cannot_release_someone_outside_the_agency(
    client, agency_a, coordinator, coordinator_b
):
    fail(client, coordinator_b.email, 5)
    login(client, coordinator)
    membership_b = Membership.all_agencies.get(user=coordinator_b)
    response = client.post(
        reverse(
            "member_unlock",
            kwargs={"agency_slug": agency_a.slug, "member_id": membership_b.public_id},
        )
    )
    assert response.status_code == 404
    assert coordinator_b.is_locked


def test_a_program_administrator_releases_any_account(client, administrator, editor):
    fail(client, editor.email, 5)
    login(client, administrator, mfa=True)
    page = client.get(reverse("staff:locked_accounts"))
    assert editor.email in page.content.decode()
    client.post(reverse("staff:account_unlock", kwargs={"user_id": editor.pk}))
    assert not editor.is_locked


def test_a_password_reset_by_email_releases_the_lock(client, editor):
    fail(client, editor.email, 5)
    client.post(reverse("account_reset_password"), {"email": editor.email})
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    response = client.get(path, follow=True)
    new_password = "a-brand-new-password-77"
    client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    assert not editor.is_locked
    sign_in(client, editor.email, new_password)
    assert is_signed_in(client)


@pytest.mark.parametrize("password", ["short-pw", "password1234", "123456789012"])
def test_weak_passwords_are_refused_at_signup(client, db, password):
    response = sign_up(client, email="new@agency.example", password1=password, password2=password)
    assert response.status_code == 200
    assert not UserFactory._meta.model.objects.filter(email="new@agency.example").exists()
