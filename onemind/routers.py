"""Read replicas for program staff's dashboards.

Staff dashboards read across all 18,000 agencies and tolerate a replica's lag of a second or
two; everything else, and every write, stays on the primary, so a user always reads what they
have just written. A view opts in with `@reads_from_replica`; with no `replica` database
configured (DATABASE_REPLICA_URL), every query goes to the primary as before.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)


@contextmanager
def replica_reads():
    """Reads inside go to the replica, when one is configured."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reads_from_replica(view):
    """A view whose reads may go to the replica (the whole response, streamed or not, is
    built inside the view here, so the context covers every query)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _on_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None  # the primary

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
