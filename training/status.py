"""Each person's training status, stored on their row so that the roster's filters read
three columns instead of probing everyone's records.

What is stored does not depend on the day, so it never goes stale as days pass:
`cit_until` and `mhfa_until`, the last day through which the person holds a counted record
of that kind (of an approved course; FOREVER for one that never expires; NULL for none),
and `refresher_due_on`, the latest day a refresher falls due among their records. Whether
someone holds CIT on a day is then `cit_until >= day` (`training.queries`).

Every write that can change it (a record added, moved or updated, a course approved or
rejected, an import, a class) calls `refresh_training_status` in its own transaction.

A record counts here from the day it is written, whatever day it was completed: every way
in (the record's page, a class, a regional class, an import, the API) refuses a completion
after the agency's today, so on every day the roster is read for, it has been completed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import QuerySet

from agencies.models import Agency
from training.models import (
    CIT_KINDS,
    MHFA_KINDS,
    Course,
    CourseStatus,
    ImportBatch,
    ImportKind,
    Person,
    TrainingRecord,
)

# What a record of a course without expiry is stored as counting through.
FOREVER = date(9999, 12, 31)


def refresh_training_status(people: QuerySet | Iterable[int]) -> None:
    """Store again the training status of `people` (a query of their ids, or the ids),
    from their records, in one UPDATE from an aggregate; only rows whose status changed
    are written. Call inside the transaction of the write that changed their records."""
    if not isinstance(people, QuerySet):
        people = list(people)
        if not people:
            return
    chosen = Person.all_agencies.filter(pk__in=people)
    # Locked first, so that the aggregate below is read after any other transaction
    # changing their records has committed: each statement reads what has committed when
    # it starts, and two writers would otherwise each store a status missing the other's
    # record. In one order, so that two lockers never wait on each other.
    list(chosen.order_by("pk").select_for_update().values_list("pk", flat=True))
    _store(*chosen.values("pk").query.sql_with_params(), column="id")


def refresh_agencies_training_status(agencies: QuerySet | Iterable[int]) -> None:
    """Store again the status of everyone in these agencies (a query of their ids, or the
    ids), without locking them first: for a load that writes rosters and records in bulk
    with no one else writing them (the demo and benchmark datasets)."""
    if not isinstance(agencies, QuerySet):
        agencies = list(agencies)
        if not agencies:
            return
    _store(*Agency.objects.filter(pk__in=agencies).values("pk").query.sql_with_params(),
           column="agency_id")  # fmt: skip


def _store(candidates: str, candidate_params: tuple, *, column: str) -> None:
    """The UPDATE from the aggregate of records, for the people whose `column` is among
    the values `candidates` (SQL) selects."""
    quote = connection.ops.quote_name
    person, record, course = (
        quote(model._meta.db_table) for model in (Person, TrainingRecord, Course)
    )
    cit_kinds = ", ".join(["%s"] * len(CIT_KINDS))
    mhfa_kinds = ", ".join(["%s"] * len(MHFA_KINDS))
    # NULL-safe inequality: PostgreSQL spells it IS DISTINCT FROM, SQLite IS NOT.
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    columns = ("cit_until", "mhfa_until", "refresher_due_on")
    sql = f"""
        UPDATE {person}
        SET {", ".join(f"{c} = held.{c}" for c in columns)}
        FROM (
            SELECT p.id AS person_id,
                MAX(CASE WHEN c.status = %s AND c.kind IN ({cit_kinds})
                    THEN COALESCE(r.valid_until, %s) END) AS cit_until,
                MAX(CASE WHEN c.status = %s AND c.kind IN ({mhfa_kinds})
                    THEN COALESCE(r.valid_until, %s) END) AS mhfa_until,
                MAX(r.refresher_due_on) AS refresher_due_on
            FROM {person} p
            LEFT JOIN {record} r ON r.agency_id = p.agency_id AND r.person_id = p.id
            LEFT JOIN {course} c ON c.id = r.course_id
            WHERE p.{column} IN ({candidates})
            GROUP BY p.id
        ) held
        WHERE {person}.id = held.person_id
            AND ({" OR ".join(f"{person}.{c} {differs} held.{c}" for c in columns)})
    """  # noqa: S608 - table and column names are ours, values are parameters
    forever = FOREVER.isoformat()
    params = [
        CourseStatus.APPROVED, *CIT_KINDS, forever,
        CourseStatus.APPROVED, *MHFA_KINDS, forever,
        *candidate_params,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refresh_imported(batch: ImportBatch) -> None:
    """Store again the status of the people an import gave records to (a roster import
    changes no one's training)."""
    if batch.kind == ImportKind.TRAINING:
        refresh_training_status(
            TrainingRecord.all_agencies.filter(import_batch=batch).values("person_id")
        )


def refresh_holders_of(course: Course) -> None:
    """Store again the status of everyone holding a record of `course`, in any agency (its
    status changed: approved, rejected)."""
    refresh_training_status(
        TrainingRecord.all_agencies.filter(course=course).values("person_id").distinct()
    )
