"""Behaviour that needs Redis: sign-in throttling shared between processes, and background
jobs delivered through the real broker to a real worker."""

import os
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from agencies import services
from onemind.celery import app as celery_app
from tests.factories import PASSWORD

pytestmark = pytest.mark.redis


def test_sign_in_throttling_is_shared_between_processes(client, settings, editor):
    """Failures another web process counted for an address throttle sign-ins here too."""
    assert "Redis" in settings.CACHES["default"]["BACKEND"]
    script = (
        "import django; django.setup();"
        "from django.test import RequestFactory;"
        "from allauth.core import ratelimit;"
        "request = RequestFactory().post('/accounts/login/', REMOTE_ADDR='203.0.113.7');"
        "[ratelimit.consume(request, action='login_failed') for _ in range(10)]"
    )
    subprocess.run([sys.executable, "-c", script], check=True, env=os.environ.copy())
    response = client.post(
        "/accounts/login/",
        {"login": editor.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = client.post(
        "/accounts/login/",
        {"login": editor.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.4",
    )
    assert other.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_an_invitation_email_goes_through_redis_to_a_worker(agency_a, coordinator):
    assert celery_app.conf.broker_url.startswith("redis://")
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.invitation_create(
            agency=agency_a, actor=coordinator, email="queued@millbrook.example", role="viewer"
        )
        deadline = time.monotonic() + 20
        while not mail.outbox:
            assert time.monotonic() < deadline, "the worker did not send the email"
            time.sleep(0.05)
    assert mail.outbox[0].to == ["queued@millbrook.example"]
