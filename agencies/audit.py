"""Audit events: who changed what, where from, and when. Called by services inside their
transaction, so a rolled-back change leaves no event and a committed one always has one."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from agencies.models import Agency, ApiToken, AuditEvent, Region, User
from onemind.lib.bulk import insert_rows

# The client address of the request being served; set by RequestContextMiddleware.
request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def _plain(value: Any) -> Any:
    """A JSON-ready form of a field value (dates as ISO text, objects as their text)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` on `instance`, in a form an audit row can hold."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value differs."""
    return {
        name: [before.get(name), after[name]]
        for name in after
        if _plain(before.get(name)) != _plain(after[name])
    }


def object_label(obj: models.Model) -> str:
    """What the trail calls the object, in words: "the pledge signed Dec 2, 2026", "MOU
    “County crisis partnership” with Harlan County CSB" — the model's `audit_label`, else
    its text.

    Stored with the event as it reads when the event is recorded, so an object renamed or
    removed since still reads as it was; the models' `__str__` stay short names for admin
    lists and form choices ("Millbrook Police Department"), which would read poorly in a
    sentence of the trail.
    """
    label = getattr(obj, "audit_label", None)
    return str(label) if label is not None else str(obj)


def record_event(
    *,
    action: str,
    actor: User | ApiToken | None = None,
    agency: Agency | None = None,
    region: Region | None = None,
    obj: models.Model | None = None,
    changes: dict[str, list[Any]] | None = None,
    values: dict[str, Any] | None = None,
    actor_email: str = "",
    shown_as: str = "",
) -> AuditEvent:
    """Append one audit event; call inside the transaction of the change it records.

    `changes` holds {field: [before, after]}; `values` the facts of a new object or an event,
    stored as {field: [None, value]} so every entry in the trail reads the same way.
    An API token as the actor is named in the trail by its label. `shown_as` records the
    event in the trail of an agency the actor does not belong to: the actor is named only
    by it (their agency's name), without their account or address.
    """
    event = AuditEvent(
        **_event_fields(
            action=action,
            actor=actor,
            agency=agency,
            region=region,
            obj=obj,
            changes=changes,
            values=values,
            actor_email=actor_email,
            shown_as=shown_as,
        )
    )
    event.save(force_insert=True)
    return event


def event_row(**event: Any) -> dict[str, Any]:
    """The row `record_event` would append (same arguments), for `record_events`: a bulk
    write's many events, made without a model instance each."""
    fields = _event_fields(**event)
    row = {"at": timezone.now()}
    for name, value in fields.items():
        if name in _RELATED:
            row[f"{name}_id"] = value.pk if value is not None else None
        else:
            row[name] = value
    return row


_RELATED = {"actor", "agency", "region", "api_token"}


def _event_fields(
    *,
    action: str,
    actor: User | ApiToken | None = None,
    agency: Agency | None = None,
    region: Region | None = None,
    obj: models.Model | None = None,
    changes: dict[str, list[Any]] | None = None,
    values: dict[str, Any] | None = None,
    actor_email: str = "",
    shown_as: str = "",
) -> dict[str, Any]:
    api_token = actor if isinstance(actor, ApiToken) else None
    if api_token is not None:
        actor, actor_email = None, api_token.audit_label
    entries = {name: [_plain(old), _plain(new)] for name, (old, new) in (changes or {}).items()}
    entries.update({name: [None, _plain(value)] for name, value in (values or {}).items()})
    actor = actor if actor is not None and actor.is_authenticated else None
    if shown_as:
        actor, actor_email = None, shown_as
    return {
        "action": action,
        "actor": actor,
        "actor_email": actor.email if actor else actor_email,
        "agency": agency,
        "region": region,
        "api_token": api_token,
        "object_type": obj._meta.label if obj is not None else "",
        "object_id": str(getattr(obj, "public_id", None) or getattr(obj, "pk", "")) if obj else "",
        "object_repr": object_label(obj)[:200] if obj is not None else "",
        "changes": entries,
        "ip": None if shown_as else request_ip.get(),
    }


def record_events(rows: list[dict[str, Any]]) -> None:
    """Append many events made by `event_row` at once (a bulk write's, one per object
    changed), in one insert (PostgreSQL's COPY); call inside the transaction of the change."""
    insert_rows(AuditEvent, rows)
