"""Keeps each agency's standing (`AgencyStanding`: its latest pledge and latest progress on
one row) equal to what its pledges and snapshots say, written in the transaction that
changes them: every move of a pledge (`pledge_changed`) and every recompute
(`progress_written`). `refresh` works a row out again from scratch, for what writes pledges
or snapshots in bulk (the demo and benchmark datasets, the migration that made the table)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from agencies.models import Agency
from onemind.lib.bulk import upsert_rows
from pledges.models import AgencyStanding, Pledge, ProgressSnapshot
from pledges.models.standing import PLEDGE_FIELDS, PROGRESS_FIELDS

BATCH_SIZE = 2000
# Which of an agency's pledges is its latest: the one created last.
LATEST_PLEDGE_FIRST = ("-created_at", "-pk")


def latest_pledge() -> QuerySet[Pledge]:
    """The agency's pledges, latest first (for a subquery on the agency's `pk`)."""
    return Pledge.all_agencies.filter(agency=OuterRef("pk")).order_by(*LATEST_PLEDGE_FIRST)


def latest_snapshot() -> QuerySet[ProgressSnapshot]:
    """The agency's progress snapshots, latest day first (for a subquery on its `pk`)."""
    return ProgressSnapshot.all_agencies.filter(agency=OuterRef("pk")).order_by("-day")


def worked_out(agencies: QuerySet[Agency]) -> QuerySet:
    """Each agency's standing as its pledges and snapshots say it is now: the columns of
    `AgencyStanding`, by their names, read with one index probe per agency and table."""
    pledge, snapshot = latest_pledge(), latest_snapshot()
    return (
        agencies.order_by()
        .annotate(
            **{
                f"s_{name}": Subquery(pledge.values(field)[:1])
                for name, field in PLEDGE_FIELDS.items()
            },
            **{f"s_{name}": Subquery(snapshot.values(name)[:1]) for name in PROGRESS_FIELDS},
        )
        .values("pk", *(f"s_{name}" for name in [*PLEDGE_FIELDS, *PROGRESS_FIELDS]))
    )


def refresh(agency_ids: list[int]) -> None:
    """Work the standing of these agencies out again from their pledges and snapshots."""
    for start in range(0, len(agency_ids), BATCH_SIZE):
        batch = agency_ids[start : start + BATCH_SIZE]
        rows = [
            {"agency_id": row.pop("pk"), **{name[2:]: value for name, value in row.items()}}
            for row in worked_out(Agency.objects.filter(pk__in=batch))
        ]
        upsert_rows(
            AgencyStanding,
            rows,
            unique_fields=["agency"],
            update_fields=["pledge", *list(PLEDGE_FIELDS)[1:], *PROGRESS_FIELDS],
        )


def pledge_changed(agency_id: int) -> None:
    """The agency's pledges changed (one signed, moved or edited): its standing's pledge
    columns are read again, in the caller's transaction."""
    latest = (
        Pledge.all_agencies.filter(agency_id=agency_id)
        .order_by(*LATEST_PLEDGE_FIRST)
        .values(*PLEDGE_FIELDS.values())
        .first()
    )
    values = {name: (latest or {}).get(field) for name, field in PLEDGE_FIELDS.items()}
    AgencyStanding.objects.update_or_create(agency_id=agency_id, defaults=values)


def progress_written(agencies: Q, on: date) -> None:
    """The snapshots of `on` of these agencies (a condition on `agency_id`) were just
    written: each becomes its agency's latest progress, unless the standing already holds a
    later day. The snapshot is read back as stored, so of two runs of the same day the
    standing keeps what the snapshot kept (on PostgreSQL, the later run's). One statement,
    in the recompute's transaction."""
    table = connection.ops.quote_name(AgencyStanding._meta.db_table)
    column = {name: AgencyStanding._meta.get_field(name).column for name in PROGRESS_FIELDS}
    snapshots = (
        ProgressSnapshot.all_agencies.filter(agencies, day=on)
        .order_by()
        .values_list("agency_id", *PROGRESS_FIELDS)
    )
    select, params = snapshots.query.sql_with_params()
    columns = ", ".join(["agency_id", *column.values()])
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in column.values())
    kept = f"{table}.day"
    newer = f"{kept} IS NULL OR {kept} <= EXCLUDED.day"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {select} "  # noqa: S608 - only our own SQL and names
            f"ON CONFLICT (agency_id) DO UPDATE SET {updates} WHERE {newer}",
            params,
        )
