"""Benchmark: recompute the progress of every agency of the national dataset, and of the
largest one, next to the bare SQL aggregate that counts the same figures in the same run.

Loads the national dataset (18,000 agencies, ~770,000 people, ~1,000,000 records) into its
own PostgreSQL database, <name>_national[_<agencies>], once; later runs reuse it.

    DATABASE_URL=postgres://root@/onemind .venv/bin/python benchmarks/recompute.py
    ... benchmarks/recompute.py --agencies 200 --fresh   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.clients import bench_reviewer, signed_in  # noqa: E402
from benchmarks.own_database import use_own_database  # noqa: E402


def timed(function, repeats: int) -> tuple[float, object]:
    """Median seconds of `repeats` runs after one warm-up run, and the last result."""
    result = function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def staff_page_timings(repeats: int) -> dict[str, float]:
    """The staff agency list as a reviewer gets it: the whole request, through every
    middleware, with a session that passed MFA."""
    import time as clock

    client = signed_in(bench_reviewer(), mfa=True)
    timings = {}
    for label, path in [
        ("trivial_view", "/livez"),  # the floor: the same stack, no work
        ("first_page", "/staff/"),
        ("pledged_by_target", "/staff/?status=pledged&sort=target"),
        ("at_risk", "/staff/?at_risk=yes"),
        ("at_risk_in_a_state", "/staff/?at_risk=yes&state=TX"),
    ]:
        samples = []
        for _ in range(repeats + 1):
            start = clock.perf_counter()
            response = client.get(path)
            samples.append(clock.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        timings[label] = round(statistics.median(samples[1:]) * 1000, 1)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=18_000)
    parser.add_argument("--fresh", action="store_true", help="reload the dataset")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    suffix = "national" if args.agencies == 18_000 else f"national_{args.agencies}"
    use_own_database(suffix, fresh=args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from agencies.models import Agency
    from pledges import queries
    from pledges.engine import progress
    from pledges.models import ProgressSnapshot
    from training.models import Person, TrainingRecord

    figures: dict[str, object] = {}
    if not Agency.objects.filter(slug__startswith="national-").exists():
        start = time.perf_counter()
        call_command("national_dataset", agencies=args.agencies)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        figures["dataset_load_seconds"] = round(time.perf_counter() - start, 1)

    ids = list(Agency.objects.filter(slug__startswith="national-").values_list("pk", flat=True))
    largest = Agency.objects.get(slug="national-00000")
    on = largest.today()
    figures.update(
        agencies=len(ids),
        people=Person.all_agencies.count(),
        records=TrainingRecord.all_agencies.count(),
    )

    def bare(agency_ids):
        sql, params = progress.training_sql(agency_ids, on)

        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    bare_all, rows = timed(bare(None), args.repeats)
    recompute_all, written = timed(lambda: progress.recompute(ids, on), args.repeats)
    assert written == len(ids) and ProgressSnapshot.all_agencies.filter(day=on).count() == len(ids)
    bare_one, _ = timed(bare([largest.pk]), args.repeats)
    recompute_one, _ = timed(lambda: progress.recompute([largest.pk], on), args.repeats)
    dashboard_one, board = timed(lambda: queries.dashboard(largest), args.repeats)

    from django.core.paginator import Paginator

    from pledges.program import queries as program_queries

    def staff_page(**filters):
        def run():
            page = Paginator(program_queries.agencies(program_queries.AgencyFilters(**filters)), 50)
            return page.count, list(page.get_page(1))

        return run

    staff_ms = {}
    for label, filters in [
        ("first_page", {}),
        ("pledged_by_target", {"status": "pledged", "sort": "target"}),
        ("at_risk", {"at_risk": True}),
        ("at_risk_in_a_state", {"at_risk": True, "state": "TX"}),
        ("search", {"search": "Agency 0123"}),
    ]:
        seconds, _ = timed(staff_page(**filters), max(args.repeats, 5))
        staff_ms[label] = round(seconds * 1000, 1)
    figures["staff_agency_list_ms"] = staff_ms
    figures["staff_agency_page_ms"] = staff_page_timings(max(args.repeats, 5))

    figures.update(
        bare_aggregate_all_seconds=round(bare_all, 3),
        recompute_all_seconds=round(recompute_all, 3),
        recompute_all_ratio=round(recompute_all / bare_all, 2),
        largest_agency_in_scope=board.evaluation["cit"].total,
        bare_aggregate_largest_seconds=round(bare_one, 3),
        recompute_largest_seconds=round(recompute_one, 3),
        recompute_largest_ratio=round(recompute_one / bare_one, 2),
        dashboard_largest_seconds=round(dashboard_one, 3),
        agencies_all_met=ProgressSnapshot.all_agencies.filter(day=on, all_met=True).count(),
    )
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    connection.close()


if __name__ == "__main__":
    main()
