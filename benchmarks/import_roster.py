"""Benchmark: import the largest US department's roster and training records end to end.

Generates a 36,000-person roster CSV and 60,000 training records CSV, then times the
product's own path (upload, preview, run) on PostgreSQL, next to PostgreSQL COPY of the
same rows, and reports peak memory. Needs DATABASE_URL pointing at PostgreSQL; it creates
and drops its own database (<name>_bench).

    DATABASE_URL=postgres://root@/onemind .venv/bin/python benchmarks/import_roster.py
    ... benchmarks/import_roster.py --people 500 --records 800   # a smoke run
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.own_database import use_own_database  # noqa: E402


def roster_csv(people: int, rng: random.Random) -> bytes:
    lines = ["Employee ID,Name,Rank,Sworn,Status,Hire Date"]
    for n in range(people):
        sworn = "Sworn" if n % 9 else "Civilian"
        hired = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1985, 2025)}"
        lines.append(f'{100000 + n},"Last{n}, First{n}",Officer,{sworn},Active,{hired}')
    return ("\r\n".join(lines) + "\r\n").encode()


def training_csv(people: int, records: int, rng: random.Random) -> bytes:
    lines = ["Employee ID,Course,Completed,Hours"]
    seen = set()
    while len(seen) < records:
        key = (
            rng.randrange(people),
            rng.choice(["CIT", "MHFA"]),
            f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2019, 2025)}",
        )
        if key not in seen:
            seen.add(key)
            lines.append(f"{100000 + key[0]},{key[1]},{key[2]},")
    return ("\r\n".join(lines) + "\r\n").encode()


def roster_page_timings(agency, user, repeats: int = 15) -> dict[str, float]:
    """Median time of the roster page of this agency, first page and filtered views."""
    import statistics

    from django.test import Client

    from agencies.models import Membership

    Membership.all_agencies.create(agency=agency, user=user, role="viewer")
    client = Client()
    client.force_login(user)
    timings = {}
    for label, query in [
        ("first_page", ""),
        ("untrained", "?training=untrained"),
        ("search", "?q=Last123"),
        ("last_page_by_id", "?sort=-employee_id&page=last"),
    ]:
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            response = client.get(f"/a/{agency.slug}/people/{query}")
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timings[label] = round(statistics.median(samples), 1)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=36_000)
    parser.add_argument("--records", type=int, default=60_000)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    bench_name, admin = use_own_database("bench", fresh=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from agencies.models import Agency, User
    from training.imports import runs as import_runs
    from training.imports import services as import_services
    from training.models import ImportBatch, Person, TrainingRecord

    rng = random.Random(7)  # noqa: S311 - the same files every run
    roster, training = roster_csv(args.people, rng), training_csv(args.people, args.records, rng)
    actor = User.objects.create_user("bench@example.org", "bench-password-123")
    agency = Agency.objects.create(name="Bench City Police", slug="bench-pd", region="NY",
                                   agency_type="municipal")  # fmt: skip

    def run(kind: str, data: bytes, name: str) -> dict[str, float]:
        times = {}
        start = time.perf_counter()
        batch = import_services.import_upload(
            agency=agency, actor=actor, kind=kind, filename=name, data=data
        )
        times["upload"] = time.perf_counter() - start
        mark = time.perf_counter()
        batch = import_services.import_check(agency=agency, actor=actor, batch=batch)
        times["preview"] = time.perf_counter() - mark
        assert batch.preview["counts"]["errors"] == 0, batch.preview["errors"][:5]
        mark = time.perf_counter()
        ImportBatch.all_agencies.filter(pk=batch.pk).update(state="queued")
        import_runs.import_run(batch_id=batch.pk)
        times["run"] = time.perf_counter() - mark
        times["total"] = time.perf_counter() - start
        times = {stage: round(seconds, 3) for stage, seconds in times.items()}
        assert ImportBatch.all_agencies.get(pk=batch.pk).state == "done"
        return times

    roster_times = run("roster", roster, "roster.csv")
    training_times = run("training", training, "training.csv")
    assert Person.all_agencies.count() == args.people
    assert TrainingRecord.all_agencies.count() == args.records
    again = run("roster", roster, "roster.csv")  # idempotent: nothing to write

    if os.environ.get("BENCH_STOP_AFTER_IMPORT"):
        return
    page_ms = roster_page_timings(agency, actor)

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copy_roster (id text, name text, rank text, "
                       "sworn text, status text, hired text)")  # fmt: skip
        cursor.execute("CREATE TEMP TABLE copy_training (id text, course text, done text, "
                       "hours text)")  # fmt: skip
        start = time.perf_counter()
        cursor.copy_expert("COPY copy_roster FROM STDIN WITH CSV HEADER", io.BytesIO(roster))
        cursor.copy_expert("COPY copy_training FROM STDIN WITH CSV HEADER", io.BytesIO(training))
        copy_seconds = time.perf_counter() - start

    rows = args.people + args.records
    total = roster_times["total"] + training_times["total"]
    figures = {
        "people": args.people,
        "records": args.records,
        "roster_seconds": roster_times,
        "training_seconds": training_times,
        "reimport_roster_seconds": again["total"],
        "end_to_end_seconds": round(total, 2),
        "rows_per_second": round(rows / total),
        "copy_seconds": round(copy_seconds, 3),
        "copy_rows_per_second": round(rows / copy_seconds),
        "roster_page_median_ms": page_ms,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    connection.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
