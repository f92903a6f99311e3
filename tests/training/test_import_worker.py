"""A worker killed in the middle of a large import: the import's lease goes stale, and the
sweep runs it again to the end, every row imported exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from agencies.models import AuditEvent
from onemind.celery import app as celery_app
from training import tasks
from training.imports import runs as import_runs
from training.imports import services as import_services
from training.models import ImportBatch, ImportState, ImportTouch, Person

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PEOPLE = 40_000
# Long enough that a worker starved of the CPU for a while still renews it in time; the test
# moves its own clock past it rather than waiting.
LEASE_SECONDS = 30
ROOT = Path(__file__).resolve().parents[2]


def roster_csv(people: int) -> bytes:
    lines = ["Employee ID,Name,Rank,Sworn,Status,Hire Date"]
    row = '{},"Last{n}, First{n}",Officer,Sworn,Active,6/3/2019'
    lines += [row.format(100000 + n, n=n) for n in range(people)]
    return ("\r\n".join(lines) + "\r\n").encode()


def wait_for(condition, *, seconds: float, what: str, step: float = 0.02):
    """Poll `condition` until it holds; fail with `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(step)
    return found


def state_of(batch: ImportBatch) -> str:
    return ImportBatch.all_agencies.values_list("state", flat=True).get(pk=batch.pk)


@pytest.fixture
def worker(tmp_path, settings):
    """Start a real Celery worker on the test database, on a queue of this test's own."""
    queue = f"import-worker-test-{uuid.uuid4().hex[:8]}"
    database = settings.DATABASES["default"]["NAME"]  # pytest-django's test database
    env = {
        **os.environ,
        "DATABASE_URL": urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}").geturl(),
        "IMPORT_LEASE_SECONDS": str(LEASE_SECONDS),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    log = tmp_path / "worker.log"
    settings.IMPORT_LEASE_SECONDS = LEASE_SECONDS
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "onemind", "worker", "--pool=solo",
             "--queues", queue, "--without-mingle", "--without-gossip", "--loglevel=info"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            celery_app.conf.task_default_queue = "celery"
            celery_app.conf.task_always_eager = True
            print(log.read_text())  # shown by pytest when the test failed


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_it_to_the_sweep_which_imports_each_row_once(
    agency_a, editor, worker, django_capture_on_commit_callbacks
):
    batch = import_services.import_upload(
        agency=agency_a, actor=editor, kind="roster", filename="roster.csv", data=roster_csv(PEOPLE)
    )
    batch = import_services.import_check(agency=agency_a, actor=editor, batch=batch)
    assert batch.preview["counts"]["create"] == PEOPLE
    batch = import_services.import_confirm(agency=agency_a, actor=editor, batch=batch)

    wait_for(lambda: state_of(batch) == ImportState.RUNNING, seconds=120, what="the run to start")
    # Killed while it writes, if we see it writing in time; while it plans, otherwise.
    wait_for(
        lambda: (
            cache.get(import_runs.progress_key(batch.pk), 0) > 0
            or state_of(batch) != ImportState.RUNNING
        ),
        seconds=60,
        what="the run to write",
        step=0.005,
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    batch.refresh_from_db()
    assert batch.state == ImportState.RUNNING and batch.attempts == 1, "killed too late"
    assert not Person.all_agencies.exists()  # its transaction died with it

    assert not import_runs.imports_to_requeue()  # the lease still holds: it may be alive
    celery_app.conf.task_always_eager = True  # the worker's successor, in this process
    with time_machine.travel(timezone.now() + timedelta(seconds=LEASE_SECONDS + 1)):
        assert ImportBatch.all_agencies.get(pk=batch.pk).lease_expired
        assert tasks.sweep_imports() == 1

    batch.refresh_from_db()
    assert (batch.state, batch.attempts) == (ImportState.DONE, 2)
    assert batch.result["create"] == PEOPLE
    assert Person.all_agencies.filter(agency=agency_a).count() == PEOPLE
    assert Person.all_agencies.values("employee_id").distinct().count() == PEOPLE
    assert ImportTouch.all_agencies.filter(batch=batch).count() == PEOPLE
    assert AuditEvent.objects.filter(action="import.interrupted").count() == 1
    assert AuditEvent.objects.filter(action="import.committed").count() == 1
