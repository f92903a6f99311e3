"""What `/healthz` reports: each dependency of the product, probed within a bound on its time.

Beat and the workers prove themselves through the database: beat sends the heartbeat task
every minute (its publication is recorded), a worker runs it (its run is recorded).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from celery import current_app
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.translation import ngettext

from agencies.models import Heartbeat

log = logging.getLogger(__name__)

HEARTBEAT_TASK = "agencies.tasks.heartbeat"
# Beat sends the heartbeat every minute: five missed mean beat, or every worker, is gone
# (or every worker has been busy for five minutes, which is worth knowing too).
HEARTBEAT_STALE_SECONDS = 5 * 60
# The broker probe's own timeouts, shorter than those of a real send.
BROKER_PROBE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}


@dataclass(frozen=True)
class Check:
    """One dependency's state; the reason says in a few words what failed, never where."""

    ok: bool
    reason: str = ""

    def as_dict(self) -> dict:
        if self.ok:
            return {"status": "ok"}
        return {"status": "failed", "reason": self.reason}


def _failed(what: str, error: Exception) -> Check:
    log.warning("Health check: %s failed: %s", what, error)
    return Check(False, f"unreachable ({type(error).__name__})")


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return _failed("the database", error)
    return Check(True)


def shared_cache() -> Check:
    """A value written is read back. The Redis backend takes an outage for an empty cache
    (onemind.cache), so a value it did not keep is how an outage shows."""
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    try:
        cache.set(key, value, 30)
        kept = cache.get(key) == value
        cache.delete(key)
    except Exception as error:
        return _failed("the cache", error)
    if kept:
        return Check(True)
    error = getattr(cache, "last_error", "")
    return Check(False, f"unreachable ({error})" if error else "does not keep values")


def broker() -> Check:
    try:
        with current_app.connection_for_write(transport_options=BROKER_PROBE_OPTIONS) as conn:
            conn.ensure_connection(max_retries=0)
    except Exception as error:
        return _failed("the broker", error)
    return Check(True)


def heartbeats() -> dict[str, Check]:
    """Beat's and the workers' last signs of life, each fresh or not."""
    try:
        seen = dict(Heartbeat.objects.values_list("process", "at"))
    except Exception as error:
        failed = _failed("reading the heartbeats", error)
        return {process.value: failed for process in Heartbeat.Process}
    now = timezone.now()
    checks = {}
    for process in Heartbeat.Process:
        at = seen.get(process)
        if at is None:
            checks[process.value] = Check(False, "never seen")
            continue
        age = int((now - at).total_seconds())
        checks[process.value] = Check(
            age <= HEARTBEAT_STALE_SECONDS,
            ngettext("last seen %(age)d second ago", "last seen %(age)d seconds ago", age)
            % {"age": age},
        )
    return checks


def report() -> dict[str, Check]:
    return {
        "database": database(),
        "cache": shared_cache(),
        "broker": broker(),
        **heartbeats(),
    }


def record_heartbeat(process: Heartbeat.Process) -> None:
    Heartbeat.objects.update_or_create(process=process, defaults={"at": timezone.now()})


def heartbeat_sent(sender=None, **kwargs) -> None:
    """Celery's after_task_publish: beat has sent the heartbeat, so beat runs.

    Beat lives outside Django's request cycle, so its database connection is checked here
    as a request's would be (a restarted database would otherwise break it for good)."""
    if sender != HEARTBEAT_TASK:
        return
    if not connection.in_atomic_block:
        close_old_connections()
    record_heartbeat(Heartbeat.Process.BEAT)
