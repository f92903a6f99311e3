"""Two requests at once, in the order that breaks a check made before a write (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.db import connection


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def a_backend_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def in_the_worst_order(
    first: Callable[[], Any], second: Callable[[], Any], *, pause_before: tuple[object, str]
) -> tuple[Any, Any]:
    """Run `first` until it calls the method `pause_before` names (one called between the
    check and the write, inside the transaction), then `second` until it ends or waits for a
    lock `first` holds, then let `first` go on. Without a lock, `second` checks and writes in
    between; with one, it checks after `first` committed. What each returned or raised."""
    owner, name = pause_before
    original = getattr(owner, name)
    reached, release = threading.Event(), threading.Event()
    outcomes: dict[str, Any] = {}

    def pausing(*args, **kwargs):
        if threading.current_thread().name == "first" and not reached.is_set():
            reached.set()
            release.wait(30)
        return original(*args, **kwargs)

    def run(action: Callable[[], Any]) -> None:
        try:
            outcomes[threading.current_thread().name] = action()
        except Exception as error:  # what the request raised is the outcome to judge
            outcomes[threading.current_thread().name] = error
        finally:
            connection.close()

    with mock.patch.object(owner, name, pausing):
        one = threading.Thread(target=run, args=(first,), name="first")
        one.start()
        assert reached.wait(30), "the first request never reached the write"
        two = threading.Thread(target=run, args=(second,), name="second")
        two.start()
        wait_until(lambda: not two.is_alive() or a_backend_waits_for_a_lock())
        release.set()
        one.join(30)
        two.join(30)
    return outcomes["first"], outcomes["second"]
