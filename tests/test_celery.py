"""The beat schedule names tasks by string: each name must be a task the worker knows."""

import pytest

from onemind.celery import app


# Celery's Django fix-up closes stale database connections when it imports the apps' tasks.
@pytest.mark.django_db
def test_every_scheduled_task_is_a_registered_task():
    app.loader.import_default_modules()  # what a worker does at start: the apps' tasks
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled - set(app.tasks) == set()
    assert {
        "agencies.tasks.dispatch_outbox",
        "training.tasks.sweep_imports",
        "pledges.tasks.sweep_certificate_pdfs",
    } <= scheduled
