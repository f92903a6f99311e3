"""Inserting many rows at once, at the speed of the database rather than of the ORM.

On PostgreSQL rows go in through COPY, straight from dictionaries; building a model
instance per row and letting `bulk_create` compile an INSERT for it costs most of an
import's time at 36,000 people.
Elsewhere (SQLite) `bulk_create` is used as it is.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

PAGE_SIZE = 2000


def insert_rows(model: type[models.Model], rows: list[dict], *, shared: dict | None = None) -> None:
    """Insert rows given as {attname: value}; `shared` holds the values every row has (the
    agency, the batch), given once. Fields left out take their defaults: the database's own
    where the field has one (`db_default`) and no row gives it, so COPY leaves them out."""
    if not rows:
        return
    shared = shared or {}
    connection = connections[DEFAULT_DB_ALIAS]  # the real connection, looked up once
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(
            [model(**shared, **row) for row in rows], batch_size=PAGE_SIZE
        )
        return
    fields = _fields(model, rows, shared)
    with connection.cursor() as cursor:
        _copy(connection, cursor, model._meta.db_table, fields, rows, shared)


def upsert_rows(
    model: type[models.Model],
    rows: list[dict],
    unique_fields: list[str],
    update_fields: list[str],
    *,
    newer_by: str | None = None,
    shared: dict | None = None,
) -> None:
    """Insert rows, or update `update_fields` of those whose `unique_fields` already exist;
    `shared` holds the values every row has, given once (as for `insert_rows`).

    With `newer_by` (a timestamp field), a stored row is replaced only by one at least as
    new, so a slow run never overwrites what a later one wrote (PostgreSQL; SQLite, the
    quick start's database, writes one process at a time). Keys must be unique in `rows`.
    On PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT, in one
    transaction.
    """
    if not rows:
        return
    shared = shared or {}
    attnames = [model._meta.get_field(n).attname for n in unique_fields]
    keys = {tuple(row.get(a, shared.get(a)) for a in attnames) for row in rows}
    if len(keys) != len(rows):
        raise ValueError("upsert_rows needs each key once")
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(
            [model(**shared, **row) for row in rows],
            batch_size=PAGE_SIZE,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return
    quote = connection.ops.quote_name
    table, staging = model._meta.db_table, f"staging_{uuid.uuid4().hex}"
    fields = _fields(model, rows, shared)
    columns = ", ".join(quote(f.column) for f in fields)
    column = {f.name: quote(f.column) for f in model._meta.concrete_fields}
    conflict = ", ".join(column[n] for n in unique_fields)
    updates = ", ".join(f"{column[n]} = EXCLUDED.{column[n]}" for n in update_fields)
    newer = (
        f" WHERE {quote(table)}.{column[newer_by]} <= EXCLUDED.{column[newer_by]}"
        if newer_by
        else ""
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {quote(staging)} ON COMMIT DROP AS "  # noqa: S608 - our names
            f"SELECT {columns} FROM {quote(table)} WITH NO DATA"
        )
        _copy(connection, cursor, staging, fields, rows, shared)
        cursor.execute(  # names from the model only, quoted
            f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} "  # noqa: S608
            f"FROM {quote(staging)} ON CONFLICT ({conflict}) DO UPDATE SET {updates}{newer}"
        )


def _fields(model: type[models.Model], rows: list[dict], shared: dict) -> list[models.Field]:
    """The columns written: all but a key the database numbers itself, and but those the
    database gives a default (`db_default`) when no row gives them."""
    given = set(shared).union(*rows)
    return [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, models.fields.AutoFieldMixin)
        and (f.attname in given or not f.has_db_default())
    ]


_MISSING = object()


def _copy(
    connection,
    cursor,
    table: str,
    fields: list[models.Field],
    rows: list[dict],
    shared: dict | None = None,
) -> None:
    """COPY the rows into `fields` of the table: the shared values are written once as
    text, and each field's way from value to text is chosen once, not once per row."""
    shared = shared or {}
    fixed = [f for f in fields if f.attname in shared]
    varying = [f for f in fields if f.attname not in shared]
    prefix = "".join(_copy_text_of(f, connection)[1](shared[f.attname]) + "\t" for f in fixed)
    columns = [(f.attname, *_copy_text_of(f, connection)) for f in varying]
    lines = io.StringIO()
    write = lines.write
    for row in rows:
        get = row.get
        write(prefix + "\t".join([text(get(name, default)) for name, default, text in columns]))
        write("\n")
    lines.seek(0)
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in (*fixed, *varying))
    cursor.cursor.copy_expert(f"COPY {quote(table)} ({names}) FROM STDIN", lines)


def _copy_text_of(field: models.Field, connection) -> tuple[object, Callable[[object], str]]:
    """A field's value when a row leaves it out, and the function from its value to its
    COPY text: chosen once per field, since most of a COPY's time is spent here per value."""
    if isinstance(field, models.JSONField):

        def json_text(value) -> str:
            # JSON goes in as its text (the adapter's value is an SQL literal, not COPY's).
            if value is _MISSING:
                value = field.get_default()
            return (
                "\\N" if value is None else json.dumps(value, cls=field.encoder).translate(_ESCAPES)
            )

        return _MISSING, json_text
    text = next((text for kind, text in _TEXTS if isinstance(field, kind)), None)
    if text is None or (field.has_default() and callable(field.default)):

        def prepared_text(value) -> str:
            if value is _MISSING:
                value = field.get_default()
            return _copy_text(field.get_db_prep_save(value, connection))

        return _MISSING, prepared_text
    return field.get_default(), text


def _number_text(value) -> str:
    return "\\N" if value is None else str(value)


def _date_text(value) -> str:
    return "\\N" if value is None else value.isoformat()


def _bool_text(value) -> str:
    return "\\N" if value is None else ("t" if value else "f")


def _str_text(value) -> str:
    if type(value) is str:
        return value.translate(_ESCAPES)
    return _copy_text(value)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """A value in COPY's text format: \\N for NULL, special characters escaped."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is int:  # the commonest: keys and counts, nothing to escape
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


# Fields whose Python values need no database preparation, and their COPY text; a
# date-time is prepared (made aware) first. Order matters: the first match is taken.
_TEXTS = (
    (models.DateTimeField, None),
    (models.BooleanField, _bool_text),
    (models.DateField, _date_text),
    (models.CharField, _str_text),
    (models.TextField, _str_text),
    (models.DecimalField, _number_text),
    (models.UUIDField, _number_text),
    (models.IntegerField, _number_text),
    (models.ForeignKey, _copy_text),
)
