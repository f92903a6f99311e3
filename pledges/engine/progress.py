"""Progress figures in SQL, for one agency or for every agency in batches, and the daily
progress snapshots written from them. Never a loop over people, never a query per agency."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Case, Max, Min, Q, Value, When
from django.utils import timezone

from agencies.models import Agency
from onemind.lib.bulk import upsert_rows
from onemind.lib.findings import Finding
from partnerships.queries import agencies_with_partnership_in_force, partnership_finding
from pledges.engine import requirement_events, standing
from pledges.engine.evaluation import (
    GROUPS,
    KINDS,
    Evaluation,
    Figures,
    Holders,
    TrainingFigures,
    evaluate,
)
from pledges.engine.pace import PACE_WINDOW_DAYS, project
from pledges.engine.policy import agencies_with_complete_policy, policy_finding
from pledges.models import OPEN_STATUSES, Pledge, ProgramRules, ProgressSnapshot
from training.models import IN_SCOPE, Category, Person, TrainingRecord
from training.queries import completed_records, current_on

BATCH_SIZE = 2000


def among(agency_ids: list[int]) -> Q:
    """Rows of these agencies. A dense run of ids (the nightly batches of every agency) is
    asked for as a range, which costs the database and Django far less than thousands of
    parameters; callers keep only the agencies they asked for."""
    low, high = min(agency_ids), max(agency_ids)
    if high - low + 1 <= len(agency_ids) * 5 // 4:
        return Q(agency_id__gte=low, agency_id__lte=high)
    return Q(agency_id__in=agency_ids)


def training_sql(agency_ids: list[int] | None, on: date) -> tuple[str, list]:
    """One aggregate: per agency, people in scope, the sworn officers among them, and how
    many of each group hold each kind of record, current on `on` or completed by it (for
    the agencies given, or for every agency when None): the columns of `TrainingFigures`.

    The in-scope rule and the validity rule are the ORM's own (`IN_SCOPE`, `current_on`,
    `completed_records`); only the outer join and sums are written here. Records are first
    reduced to one row per person (a flag per kind, current and completed), so a person
    counts once.
    """
    people = Person.all_agencies.filter(IN_SCOPE)
    records = TrainingRecord.all_agencies.all()
    if agency_ids is not None:
        people = people.filter(among(agency_ids))
        records = records.filter(among(agency_ids))
    people = people.annotate(
        sworn=Case(When(category=Category.SWORN, then=Value(1)), default=Value(0))
    ).values("id", "agency_id", "sworn")
    current = current_on(on)
    flags = {}
    for name, kinds in KINDS.items():
        held = Q(course__kind__in=kinds)
        flags[f"current_{name}"] = Max(Case(When(held & current, then=1), default=0))
        flags[f"completed_{name}"] = Max(Case(When(held, then=1), default=0))
    per_person = (
        completed_records(on, records)
        .values("person_id")
        .annotate(**flags)
        .values("person_id", *flags)
        .order_by()
    )
    people_sql, people_params = people.query.sql_with_params()
    records_sql, records_params = per_person.query.sql_with_params()
    sums = []
    for sworn_only, lapsed_count in GROUPS.values():
        flag = "completed" if lapsed_count else "current"
        for name in KINDS:
            held = f"COALESCE(t.{flag}_{name}, 0)"
            sums.append(f"SUM(p.sworn * {held})" if sworn_only else f"SUM({held})")
    sql = (
        f"SELECT p.agency_id, COUNT(*), SUM(p.sworn), {', '.join(sums)} "  # noqa: S608 - only our own SQL and names
        f"FROM ({people_sql}) p LEFT JOIN ({records_sql}) t ON t.person_id = p.id "
        "GROUP BY p.agency_id"
    )
    return sql, [*people_params, *records_params]


def _figures(row) -> TrainingFigures:
    """TrainingFigures from one row of `training_sql`, after the agency's id."""
    in_scope, sworn, *held = (int(value or 0) for value in row)
    counts = iter(held)
    groups = {group: Holders(**{name: next(counts) for name in KINDS}) for group in GROUPS}
    return TrainingFigures(in_scope, sworn, **groups)


def training_figures(agency_ids: list[int], on: date) -> dict[int, TrainingFigures]:
    """TrainingFigures of each agency on `on` (agencies with nobody in scope get zeros)."""
    sql, params = training_sql(agency_ids, on)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Small agencies often share the same figures: each distinct row is read once.
    distinct: dict[tuple, TrainingFigures] = {}
    found = {}
    for agency_id, *figures in rows:
        key = tuple(figures)
        if key not in distinct:
            distinct[key] = _figures(key)
        found[agency_id] = distinct[key]
    return {agency_id: found.get(agency_id, TrainingFigures()) for agency_id in agency_ids}


def _batches(ids: list[int]) -> Iterable[list[int]]:
    size = BATCH_SIZE
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass(frozen=True)
class AgencyResult:
    rules: ProgramRules
    pledge_id: int | None
    target_date: date | None
    evaluation: Evaluation


def evaluations(agency_ids: list[int], on: date) -> dict[int, AgencyResult]:
    """Each agency's rules (its open pledge's, else those in force), pledge and evaluation
    on `on`: four queries, then two per batch of agencies, whatever their size."""
    rules_by_id = {r.pk: r for r in ProgramRules.objects.all()}
    current_rules = ProgramRules.objects.in_force(on)
    judged: dict[tuple, Evaluation] = {}  # small agencies often share the same figures
    results = {}
    partnership = _agency_set(agencies_with_partnership_in_force(on), agency_ids)
    policy = _agency_set(agencies_with_complete_policy(on), agency_ids)
    for batch in _batches(agency_ids):
        training = training_figures(batch, on)
        pledges = {
            agency_id: (pledge_id, rules_id, target)
            for agency_id, pledge_id, rules_id, target in Pledge.all_agencies.filter(
                among(batch), status__in=OPEN_STATUSES
            ).values_list("agency_id", "pk", "rules_id", "target_date")
        }
        for agency_id in batch:
            pledge_id, rules_id, target = pledges.get(agency_id, (None, current_rules.pk, None))
            rules = rules_by_id[rules_id]
            key = (rules_id, training[agency_id], agency_id in partnership, agency_id in policy)
            if key not in judged:
                judged[key] = evaluate(
                    rules,
                    Figures(
                        training=training[agency_id],
                        partnership=Finding(met=key[2]),
                        policy=Finding(met=key[3]),
                    ),
                    words=False,  # a snapshot keeps figures; pages word them when shown
                )
            results[agency_id] = AgencyResult(rules, pledge_id, target, judged[key])
    return results


def _agency_set(agencies, agency_ids: list[int]) -> set[int]:
    """The ids of `agencies` among `agency_ids`: one query. Past a batch, asking for every
    agency and intersecting is cheaper than sending the ids."""
    if len(agency_ids) > BATCH_SIZE:
        return set(agencies.values_list("pk", flat=True)) & set(agency_ids)
    return set(agencies.filter(pk__in=agency_ids).values_list("pk", flat=True))


def recompute(agency_ids: list[int], on: date | None = None) -> int:
    """Write each agency's progress snapshot for its own today (or for `on`), updated in
    place during the day. Agencies are grouped by their local date, then batched."""
    if on is None:
        return sum(recompute(ids, day) for day, ids in by_local_date(agency_ids).items())
    now = timezone.now()
    results = evaluations(agency_ids, on)
    baselines = pace_baselines(agency_ids, on)
    columns_of: dict[int, dict] = {}  # an evaluation's columns, by the evaluation's id
    rows = []
    for agency_id, result in results.items():
        evaluation = result.evaluation  # shared by agencies with the same figures
        if id(evaluation) not in columns_of:
            columns_of[id(evaluation)] = _evaluation_columns(evaluation)
        columns = columns_of[id(evaluation)]
        pace = project(
            baselines.get(agency_id),
            columns["covered_count"],
            columns["covered_required"],
            on,
            result.target_date,
        )
        rows.append(
            {
                "agency_id": agency_id,
                "rules_id": result.rules.pk,
                "pledge_id": result.pledge_id,
                **columns,
                "projected_on": pace.projected_on,
                "at_risk": pace.at_risk,
            }
        )
    with transaction.atomic():
        previous = requirement_events.previous_results(list(results), on)
        upsert_rows(
            ProgressSnapshot,
            rows,
            unique_fields=["agency", "day"],
            update_fields=[f.name for f in SNAPSHOT_FIELDS],
            newer_by="computed_at",  # `now` was taken before reading: a slower run loses
            shared={"day": on, "computed_at": now},
        )
        if rows:
            standing.progress_written(among(list(results)), on)
        requirement_events.emit_changes(previous, rows, day=on, computed_at=now)
    return len(rows)


def pace_baselines(agency_ids: list[int], on: date) -> dict[int, tuple[date, int]]:
    """Each agency's earliest (day, covered) of the 90 days before `on`: usually the day
    exactly 90 days back (the nightly run writes every day); for younger agencies, their
    first day. Two or three queries per batch."""
    since = on - timedelta(days=PACE_WINDOW_DAYS)
    found: dict[int, tuple[date, int]] = {}
    snapshots = ProgressSnapshot.all_agencies
    for batch in _batches(agency_ids):
        found.update(
            (agency_id, (since, covered))
            for agency_id, covered in snapshots.filter(among(batch), day=since).values_list(
                "agency_id", "covered_count"
            )
        )
        missing = [a for a in batch if a not in found]
        if not missing:
            continue
        firsts = dict(
            snapshots.filter(agency_id__in=missing, day__gt=since, day__lt=on)
            .values("agency_id")
            .annotate(first=Min("day"))
            .values_list("agency_id", "first")
        )
        rows = snapshots.filter(among(missing), day__in=set(firsts.values())).values_list(
            "agency_id", "day", "covered_count"
        )
        wanted = set(missing)
        found.update(
            (agency_id, (day, covered))
            for agency_id, day, covered in rows
            if agency_id in wanted and firsts.get(agency_id) == day
        )
    return found


def _evaluation_columns(evaluation: Evaluation) -> dict:
    """The snapshot's columns an evaluation decides."""
    cit, coverage = evaluation["cit"], evaluation["coverage"]
    return {
        "in_scope": coverage.total,
        "cit_count": cit.count,
        "cit_total": cit.total,
        "cit_required": cit.required,
        "covered_count": coverage.count,
        "covered_required": coverage.required,
        "partnership_met": evaluation["partnership"].met,
        "policy_met": evaluation["policy"].met,
        "cit_met": cit.met,
        "coverage_met": coverage.met,
        "all_met": evaluation.all_met,
    }


def by_local_date(agency_ids: list[int]) -> dict[date, list[int]]:
    """The agencies grouped by the calendar day it is where each one is."""
    zones = Agency.objects.filter(pk__in=agency_ids).order_by("pk").values_list("pk", "time_zone")
    by_zone: dict[str, list[int]] = {}
    for agency_id, zone in zones:
        by_zone.setdefault(zone, []).append(agency_id)
    by_day: dict[date, list[int]] = {}
    for zone, ids in by_zone.items():
        local = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))
        by_day.setdefault(local, []).extend(ids)
    return by_day


SNAPSHOT_FIELDS = [
    f
    for f in ProgressSnapshot._meta.concrete_fields
    if f.name not in {"id", "agency", "public_id", "day"}
]


def agency_evaluation(agency, on: date, rules: ProgramRules) -> Evaluation:
    """One agency's evaluation on `on`, with the reasons in words: what its dashboard shows
    and what a submission freezes, under `rules` (the pledge's, or those in force). A fixed
    number of queries whatever the roster's size."""
    figures = Figures(
        training=training_figures([agency.pk], on)[agency.pk],
        partnership=partnership_finding(agency, on),
        policy=policy_finding(agency, on),
    )
    return evaluate(rules, figures)
