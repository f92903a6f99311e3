"""Behaviour that needs Redis: a lockout count shared between processes, and background
jobs delivered through the real broker to a real worker."""

import os
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from agencies import lockout, services
from onemind.celery import app as celery_app

pytestmark = pytest.mark.redis


def test_failed_sign_ins_counted_in_another_process_count_here(settings, db):
    assert "Redis" in settings.CACHES["default"]["BACKEND"]
    email = "shared.count@agency.example"
    script = (
        "import django; django.setup();"
        "from agencies.lockout import record_failure;"
        f"[record_failure({email!r}) for _ in range(3)]"
    )
    subprocess.run([sys.executable, "-c", script], check=True, env=os.environ.copy())
    assert lockout.failure_count(email) == 3
    lockout.record_failure(email)
    lockout.record_failure(email)
    assert lockout.limit_reached(email)


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
