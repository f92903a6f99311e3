"""Idle sessions end after 30 minutes; every session ends 12 hours after sign-in."""

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def dashboard(client, agency):
    return client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency.slug}))


def test_an_idle_session_ends_after_30_minutes(client, agency_a, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, editor)
        assert dashboard(client, agency_a).status_code == 200
    with time_machine.travel(start + timezone.timedelta(minutes=31), tick=False):
        response = dashboard(client, agency_a)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fa%2Fmillbrook-pd%2F"
    assert "_auth_user_id" not in client.session


def test_activity_keeps_a_session_alive(client, agency_a, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, editor)
    for minutes in (25, 50, 75, 100):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False):
            assert dashboard(client, agency_a).status_code == 200


def test_every_session_ends_12_hours_after_sign_in(client, agency_a, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, editor)
    minutes = 20
    while minutes < 12 * 60:
        with time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False):
            assert dashboard(client, agency_a).status_code == 200
        minutes += 20
    # 25 minutes after the last page: idle for less than the 30 minutes that end a session.
    with time_machine.travel(start + timezone.timedelta(hours=12, minutes=5), tick=False):
        response = dashboard(client, agency_a)
        assert response.status_code == 302
        follow = client.get(response["Location"])
    assert "sessions last at most 12 hours" in follow.content.decode()
