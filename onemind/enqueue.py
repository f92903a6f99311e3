"""Sending work to the Celery broker without letting an outage break the request.

A message is only a nudge. Whatever must happen is first written to the database (an
outbox row, a queued import, a certificate still without its PDF), and a periodic sweep
finds it there when the message never arrives. So a broker that cannot be reached is
logged, never raised: the action that committed stands, and the sweep finishes it.
"""

from __future__ import annotations

import logging

from celery import Task
from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task: Task, *args, **options) -> bool:
    """Send `task(*args)` to the broker (`options` as for apply_async); False when it could
    not be sent, which is logged and left to the task's sweep."""
    try:
        task.apply_async(args, **options)
    except Exception:  # broker unreachable, or refusing: the sweep runs it later
        log.exception("Could not queue %s%r; its periodic sweep will run it", task.name, args)
        return False
    return True


def enqueue_on_commit(task: Task, *args, **options) -> None:
    """Queue the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, *args, **options))
