"""Every entry of the beat schedule names a task a worker knows: a renamed or moved task
would otherwise fail only at its hour, in production, with an "unregistered task" log."""

from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps

from onemind.celery import app


def registered_tasks() -> set[str]:
    """The tasks a worker registers: those of each app's tasks.py, as autodiscovery finds
    them."""
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.tasks") is not None:
            import_module(f"{config.name}.tasks")
    return set(app.tasks)


@pytest.mark.parametrize("entry", sorted(app.conf.beat_schedule))
def test_the_schedule_names_a_registered_task(entry):
    assert app.conf.beat_schedule[entry]["task"] in registered_tasks()


def test_a_name_no_task_has_is_not_registered():
    assert "pledges.tasks.no_such_task" not in registered_tasks()
