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
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

PAGE_SIZE = 2000


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """Insert rows given as {attname: value}; fields left out take their defaults."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # the real connection, looked up once
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create([model(**row) for row in rows], batch_size=PAGE_SIZE)
        return
    with connection.cursor() as cursor:
        _copy(connection, cursor, model._meta.db_table, _fields(model), rows)


def upsert_rows(
    model: type[models.Model],
    rows: list[dict],
    unique_fields: list[str],
    update_fields: list[str],
    *,
    newer_by: str | None = None,
) -> None:
    """Insert rows, or update `update_fields` of those whose `unique_fields` already exist.

    With `newer_by` (a timestamp field), a stored row is replaced only by one at least as
    new, so a slow run never overwrites what a later one wrote (PostgreSQL; SQLite, the
    quick start's database, writes one process at a time). Keys must be unique in `rows`.
    On PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT, in one
    transaction.
    """
    if not rows:
        return
    attnames = [model._meta.get_field(n).attname for n in unique_fields]
    if len({tuple(row[a] for a in attnames) for row in rows}) != len(rows):
        raise ValueError("upsert_rows needs each key once")
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(
            [model(**row) for row in rows],
            batch_size=PAGE_SIZE,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return
    quote = connection.ops.quote_name
    table, staging = model._meta.db_table, f"staging_{uuid.uuid4().hex}"
    fields = _fields(model)
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
        _copy(connection, cursor, staging, fields, rows)
        cursor.execute(  # names from the model only, quoted
            f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} "  # noqa: S608
            f"FROM {quote(staging)} ON CONFLICT ({conflict}) DO UPDATE SET {updates}{newer}"
        )


def _fields(model: type[models.Model]) -> list[models.Field]:
    """The columns written: all but a key the database numbers itself."""
    return [
        f for f in model._meta.concrete_fields if not isinstance(f, models.fields.AutoFieldMixin)
    ]


# Fields whose Python values COPY takes as they are (no database preparation needed).
_PLAIN = (
    models.IntegerField,
    models.BooleanField,
    models.DateField,
    models.CharField,
    models.TextField,
    models.ForeignKey,
)


def _copy(connection, cursor, table: str, fields: list[models.Field], rows: list[dict]) -> None:
    plain = [isinstance(f, _PLAIN) and not isinstance(f, models.DateTimeField) for f in fields]
    # JSON goes in as its text (the database adapter's value is an SQL literal, not COPY's).
    as_json = [isinstance(f, models.JSONField) for f in fields]
    lines = io.StringIO()
    for row in rows:
        values = []
        for field, as_is, is_json in zip(fields, plain, as_json, strict=True):
            value = row[field.attname] if field.attname in row else field.get_default()
            if is_json:
                value = None if value is None else json.dumps(value, cls=field.encoder)
            elif not as_is:
                value = field.get_db_prep_save(value, connection)
            values.append(_copy_text(value))
        lines.write("\t".join(values))
        lines.write("\n")
    lines.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    cursor.cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN", lines)


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
