"""A confirmed import always ends: a lost message or a dead worker is found by the sweep,
the user sees what is going on, and can run it again or cancel it."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from agencies.models import AuditEvent
from tests.files import ROSTER_CSV
from tests.training.conftest import url
from training import tasks
from training.imports import runs as import_runs
from training.models import ImportBatch, ImportState, ImportTouch, Person


@pytest.fixture
def checked(importer):
    """An import checked and ready to confirm."""
    return importer.check(importer.upload(ROSTER_CSV))


def page(client, batch) -> str:
    return client.get(url("import_detail", batch.agency, batch_id=batch.public_id)).content.decode()


def after_the_lease(now=None):
    """A moment after a lease taken now (or at `now`) ran out."""
    lease = timedelta(seconds=settings.IMPORT_LEASE_SECONDS)
    return (now or timezone.now()) + lease + timedelta(seconds=1)


def worker_takes_it_and_dies(batch) -> str:
    """What a worker killed mid-import leaves: the import claimed, its lease never renewed."""
    token = import_runs.claim(batch.pk)
    assert token is not None
    return token


def test_confirmed_with_the_broker_down_it_waits_and_the_sweep_runs_it(
    client, importer, checked, broker_down
):
    batch = importer.confirm(checked)  # the page answers; the message is lost
    assert batch.state == ImportState.QUEUED and batch.queued_at is not None
    assert "Waiting to run" in page(client, batch)
    assert not Person.all_agencies.exists()

    broker_down.back()
    assert tasks.sweep_imports() == 0  # just queued: its message may still be on its way
    with time_machine.travel(timezone.now() + import_runs.REQUEUE_AFTER + timedelta(seconds=1)):
        assert tasks.sweep_imports() == 1
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and batch.result["create"] == 3
    assert Person.all_agencies.count() == 3
    assert AuditEvent.objects.filter(action="import.committed").count() == 1


def test_an_import_left_waiting_before_its_time_of_queueing_was_kept_is_swept(
    importer, checked, broker_down
):
    """Confirmed before the lease was recorded: waiting for ever, the issue's symptom."""
    batch = importer.confirm(checked)
    ImportBatch.all_agencies.filter(pk=batch.pk).update(queued_at=None)

    broker_down.back()
    assert tasks.sweep_imports() == 1
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and Person.all_agencies.count() == 3


def test_a_dead_workers_import_shows_as_interrupted_and_runs_again_from_the_start(
    client, importer, checked, broker_down
):
    batch = importer.confirm(checked)
    worker_takes_it_and_dies(batch)
    assert "Running" in page(client, batch)

    broker_down.back()
    with time_machine.travel(after_the_lease()):
        text = page(client, batch)
        assert "Interrupted, will run again" in text and "nothing was imported" in text
        assert tasks.sweep_imports() == 1
    batch.refresh_from_db()
    assert (batch.state, batch.attempts) == (ImportState.DONE, 2)
    assert Person.all_agencies.count() == 3  # every row once
    assert ImportTouch.all_agencies.filter(batch=batch).count() == 3
    assert AuditEvent.objects.filter(action="import.interrupted").count() == 1


def test_a_redelivered_task_leaves_a_healthy_run_alone_and_takes_over_a_stale_one(
    importer, checked, broker_down
):
    batch = importer.confirm(checked)
    first = worker_takes_it_and_dies(batch)
    tasks.run_import(batch.pk)  # delivered again while the lease holds: nothing happens
    batch.refresh_from_db()
    assert (batch.state, batch.run_token) == (ImportState.RUNNING, first)
    with time_machine.travel(after_the_lease()):
        tasks.run_import(batch.pk)  # delivered again after the worker died: taken over
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and Person.all_agencies.count() == 3
    tasks.run_import(batch.pk)  # and once more, after it is done: nothing
    assert Person.all_agencies.count() == 3
    assert AuditEvent.objects.filter(action="import.committed").count() == 1


def test_a_slow_worker_that_was_taken_over_rolls_back(importer, checked, broker_down):
    batch = importer.confirm(checked)
    slow = worker_takes_it_and_dies(batch)
    with time_machine.travel(after_the_lease()):
        assert import_runs.claim(batch.pk) is not None  # another worker takes it over
    batch = ImportBatch.all_agencies.select_related("agency", "uploaded_by").get(pk=batch.pk)
    with pytest.raises(import_runs.LeaseLost):
        import_runs._run(batch, slow)  # the slow one wakes up and finishes its work
    assert not Person.all_agencies.exists()
    batch.refresh_from_db()
    assert batch.state == ImportState.RUNNING and batch.run_token != slow


def test_interrupted_every_time_it_ends_failed_and_can_be_run_again(
    client, importer, checked, broker_down, django_capture_on_commit_callbacks
):
    batch = importer.confirm(checked)
    now = timezone.now()
    for attempt in range(1, settings.IMPORT_MAX_ATTEMPTS + 1):
        with time_machine.travel(now):
            worker_takes_it_and_dies(batch)
        now = after_the_lease(now)
        with time_machine.travel(now):
            tasks.sweep_imports()  # the broker is down: marked, not queued
        batch.refresh_from_db()
        last = attempt == settings.IMPORT_MAX_ATTEMPTS
        assert batch.state == (ImportState.FAILED if last else ImportState.INTERRUPTED)
    assert batch.error.startswith(
        f"The import was interrupted {settings.IMPORT_MAX_ATTEMPTS} times before it could finish"
    )
    text = page(client, batch)
    assert "Failed: The import was interrupted" in text and "Run it again" in text

    broker_down.back()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import_retry", batch.agency, batch_id=batch.public_id))
    assert response.status_code == 302
    assert "will run again from the start" in client.get(response.url).content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and Person.all_agencies.count() == 3


def test_a_waiting_import_is_run_again_or_cancelled_from_its_page(
    client, importer, checked, broker_down, django_capture_on_commit_callbacks
):
    batch = importer.confirm(checked)
    assert "Run it again" in page(client, batch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import_retry", batch.agency, batch_id=batch.public_id))
    assert response.status_code == 302  # queued again; with the broker still down, it waits
    batch.refresh_from_db()
    assert batch.state == ImportState.QUEUED

    file_name = batch.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import_cancel", batch.agency, batch_id=batch.public_id))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportState.CANCELLED
    assert not batch.file.storage.exists(file_name)
    broker_down.back()
    tasks.run_import(batch.pk)  # its message arrives after all: nothing happens
    assert not Person.all_agencies.exists()


def test_a_healthy_running_import_is_neither_cancelled_nor_run_twice(
    client, importer, checked, broker_down
):
    batch = importer.confirm(checked)
    worker_takes_it_and_dies(batch)  # as far as anyone can tell yet, it is running
    for action in ("import_cancel", "import_retry"):
        response = client.post(url(action, batch.agency, batch_id=batch.public_id), follow=True)
        assert "This import is running now: wait for its result." in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportState.RUNNING and batch.attempts == 1
    text = page(client, batch)
    assert "Run it again" not in text and "Cancel this import" not in text

    with time_machine.travel(after_the_lease()):
        response = client.post(url("import_cancel", batch.agency, batch_id=batch.public_id))
        assert response.status_code == 302  # its worker died: it can be cancelled now
    batch.refresh_from_db()
    assert batch.state == ImportState.CANCELLED
