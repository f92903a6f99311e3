"""Benchmark: import the largest US department's roster and training records end to end.

Generates the files as real systems export them: a 36,000-person roster from a records
system (a title line above the column names, free-text assignments, Y/N in "Sworn?", some
of it blank so the rank proposes it, Active/LOA/Retired statuses, a few rows exported
twice) and a learning system's completions report with 60,000 records of the pledge's
courses under the system's own titles, among 40,000 records of unrelated courses. Each
goes through the product's own path on PostgreSQL, timed by stage: upload, check (the
columns and values steps with what they propose, the courses matched, and the dry run
with its preview of the scope and the pledge's figures), run, total; next to its floor,
the same rows typed and COPY'd into copies of the real tables with their indexes, and
with peak memory. Needs DATABASE_URL pointing at PostgreSQL; it
creates and drops its own database (<name>_bench).

    DATABASE_URL=postgres://root@/onemind .venv/bin/python benchmarks/import_roster.py
    ... benchmarks/import_roster.py --people 500 --records 800 --page-repeats 3   # a smoke run
"""

from __future__ import annotations

import argparse
import csv
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

LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "O'Brien", "Kowalski", "Murphy",
    "Sullivan", "Chen", "Patel", "Kim", "Reyes", "Cruz", "Ortiz",
]  # fmt: skip
FIRST_NAMES = [
    "James", "Michael", "Robert", "John", "David", "William", "Richard", "Joseph", "Thomas",
    "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Jose", "Luis", "Kevin", "Brian",
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Maria", "Susan", "Jessica", "Sarah",
    "Karen", "Ana", "Michelle", "Angela", "Nicole", "Tanya", "Keisha", "Mei", "Priya",
]  # fmt: skip
# (rank, weight, assignments): what a records system calls its people and where they work.
SWORN = [
    ("Police Officer", 70, ["Patrol - A Shift", "Patrol - B Shift", "Patrol - C Shift",
                            "Patrol - D Shift", "Traffic", "SRO", "K-9", "Transit"]),
    ("Detective", 10, ["Investigations", "Narcotics", "Special Victims", "Homicide"]),
    ("Sergeant", 12, ["Patrol - A Shift", "Patrol - B Shift", "Traffic", "Training Academy"]),
    ("Lieutenant", 5, ["Patrol - C Shift", "Investigations", "Internal Affairs", "Admin"]),
    ("Captain", 2, ["Precinct Command", "Admin"]),
    ("Deputy Chief", 1, ["Office of the Chief"]),
]  # fmt: skip
NON_SWORN = [
    ("Police Dispatcher", 35, ["Communications"]),
    ("Records Clerk", 25, ["Records", "Admin"]),
    ("Crime Analyst", 10, ["Real Time Crime Center"]),
    ("Evidence Technician", 10, ["Property & Evidence", "Crime Lab"]),
    ("Administrative Assistant", 15, ["Admin", "Office of the Chief"]),
    ("Community Service Officer", 5, ["Patrol Support"]),
]  # fmt: skip
# The learning system's own titles of the pledge's courses, and its other courses.
PLEDGE_TITLES = {
    "cit": [("Crisis Intervention Team (CIT)", 40), ("CIT 40-Hour Basic Course", 40)],
    "mhfa": [("Mental Health First Aid - Public Safety", 8), ("Mental Health First Aid (MHFA)", 8)],
}  # fmt: skip
OTHER_TITLES = [
    ("Firearms Qualification", 4), ("Firearms Qualification - Low Light", 4),
    ("Defensive Tactics", 8), ("First Aid/CPR/AED", 4), ("Emergency Vehicle Operations", 8),
    ("Legal Update 2024", 2), ("Legal Update 2025", 2), ("Taser/CEW Recertification", 4),
    ("Active Shooter Response", 8), ("Bloodborne Pathogens", 1),
    ("Sexual Harassment Prevention", 2), ("Ethics in Policing", 2),
]  # fmt: skip


def _csv(lines: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(lines)
    return out.getvalue().encode()


def _day(rng: random.Random, first_year: int, last_year: int) -> str:
    return f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(first_year, last_year)}"


def _weighted(rng: random.Random, choices: list[tuple]) -> tuple:
    return rng.choices(choices, weights=[c[1] for c in choices])[0]


def _with_repeats(rows: list[list[str]], repeats: int, rng: random.Random) -> list[list[str]]:
    """A few rows exported twice, the second time further down the file."""
    for _ in range(repeats):
        at = rng.randrange(len(rows))
        rows.insert(rng.randint(at + 1, len(rows)), list(rows[at]))
    return rows


def badges(people: int, rng: random.Random) -> list[str]:
    return [str(n) for n in rng.sample(range(10_000, 10_000 + 3 * people), people)]


def roster_csv(ids: list[str], rng: random.Random, repeats: int) -> bytes:
    """A records system's personnel export."""
    header = ["Badge #", "Last Name", "First Name", "Rank", "Assignment", "Hire Date",
              "Status", "Sworn?"]  # fmt: skip
    rows = []
    for n, badge in enumerate(ids):
        sworn = n % 9 != 0
        rank, _weight, assignments = _weighted(rng, SWORN if sworn else NON_SWORN)
        # One row in fifty leaves Sworn? blank: the rank proposes it in the values step.
        flag = "" if rng.random() < 0.02 else ("Y" if sworn else "N")
        status = rng.choices(["Active", "LOA", "Retired"], weights=[93, 3, 4])[0]
        rows.append([badge, rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES), rank,
                     rng.choice(assignments), _day(rng, 1985, 2025), status, flag])  # fmt: skip
    title = ["Bench City Police Department - Personnel Roster"] + [""] * (len(header) - 1)
    return _csv([title, header, *_with_repeats(rows, repeats, rng)])


def training_csv(
    ids: list[str], records: int, others: int, rng: random.Random, repeats: int
) -> bytes:
    """A learning system's completions report: `records` of the pledge's courses (no two of
    one course for one person on one day, whatever the title) among `others` (each once;
    the repeats are added)."""
    header = ["Student ID", "Learner Name", "Course Title", "Completion Date", "Credit Hours",
              "Certificate #"]  # fmt: skip
    names = {badge: f"{rng.choice(LAST_NAMES)}, {rng.choice(FIRST_NAMES)}" for badge in ids}
    rows, seen = [], set()
    while len(seen) < records:
        badge, kind = rng.choice(ids), rng.choice(["cit", "mhfa"])
        completed = _day(rng, 2019, 2025)
        if (badge, kind, completed) in seen:
            continue
        seen.add((badge, kind, completed))
        title, hours = rng.choice(PLEDGE_TITLES[kind])
        certificate = f"{kind.upper()}-{completed[-4:]}-{len(seen):05d}" if len(seen) % 3 else ""
        rows.append([badge, names[badge], title, completed, str(hours), certificate])
    while len(seen) < records + others:
        badge, (title, hours) = rng.choice(ids), rng.choice(OTHER_TITLES)
        completed = _day(rng, 2019, 2025)
        if (badge, title, completed) not in seen:
            seen.add((badge, title, completed))
            rows.append([badge, names[badge], title, completed, str(hours), ""])
    rng.shuffle(rows)
    title = ["Course Completions Report - All Learners"] + [""] * (len(header) - 1)
    return _csv([title, header, *_with_repeats(rows, repeats, rng)])


def roster_page_timings(agency, user, repeats: int = 15) -> dict[str, dict[str, float]]:
    """Median time of the roster page of this agency, first page and filtered views, and
    of a trivial view (`/livez`) through the same stack: the floor they stand on. Beside
    each, the median time its SQL took (as the database driver saw it)."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from agencies.models import Membership

    Membership.all_agencies.create(agency=agency, user=user, role="viewer")
    client = Client()
    client.force_login(user)
    timings, sql = {}, {}
    for label, path in [
        ("trivial_view", "/livez"),
        ("first_page", ""),
        ("untrained", "?training=untrained"),
        ("search", "?q=Kowalski"),
        ("last_page_by_id", "?sort=-employee_id&page=last"),
    ]:
        samples, sql_samples = [], []
        url = path if path.startswith("/") else f"/a/{agency.slug}/people/{path}"
        for _ in range(repeats):
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        for _ in range(repeats):  # apart: capturing the queries costs a little itself
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            sql_samples.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        timings[label] = round(statistics.median(samples), 1)
        sql[label] = round(statistics.median(sql_samples), 1)
    return {"whole_request": timings, "sql": sql}


def typed_copy_floor(connection, agency) -> tuple[float, int]:
    """The honest floor: the rows the imports wrote (people, records, what touched whom),
    typed, COPY'd in one transaction into copies of the real tables with their indexes
    and defaults (`LIKE ... INCLUDING ALL`), the columns the import sends and no others.
    Returns the seconds and how many indexes the copies hold."""
    from django.db import transaction

    from training.models import ImportTouch, Person, TrainingRecord

    quote = connection.ops.quote_name
    tables = []
    with connection.cursor() as cursor:
        for model in (Person, TrainingRecord, ImportTouch):
            table = model._meta.db_table
            sent = ", ".join(
                quote(f.column)
                for f in model._meta.concrete_fields
                if not f.primary_key and not f.has_db_default()
            )
            rows = io.BytesIO()
            cursor.cursor.copy_expert(
                f"COPY (SELECT {sent} FROM {quote(table)} WHERE agency_id = {agency.pk}) TO STDOUT",
                rows,
            )
            rows.seek(0)
            cursor.execute(f"CREATE TABLE {quote('floor_' + table)} "
                           f"(LIKE {quote(table)} INCLUDING ALL)")  # fmt: skip
            tables.append((f"floor_{table}", sent, rows))
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = ANY(%s)", [[t for t, *_ in tables]]
        )
        indexes = cursor.fetchone()[0]
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, sent, rows in tables:
            cursor.cursor.copy_expert(f"COPY {quote(table)} ({sent}) FROM STDIN", rows)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE " + ", ".join(quote(t) for t, *_ in tables))
    return seconds, indexes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=36_000)
    parser.add_argument("--records", type=int, default=60_000, help="of the pledge's courses")
    parser.add_argument(
        "--other-records", type=int, help="of unrelated courses (default: 2/3 of --records)"
    )
    parser.add_argument("--page-repeats", type=int, default=15, help="requests per roster view")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    others = args.records * 2 // 3 if args.other_records is None else args.other_records
    repeats = max(1, args.people // 2000)  # rows exported twice, in each file

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
    ids = badges(args.people, rng)
    roster = roster_csv(ids, rng, repeats)
    training = training_csv(ids, args.records, others, rng, repeats)
    actor = User.objects.create_user("bench@example.org", "bench-password-123")
    agency = Agency.objects.create(name="Bench City Police", slug="bench-pd", region="NY",
                                   agency_type="municipal")  # fmt: skip

    def run(kind: str, data: bytes, name: str) -> tuple[dict[str, float], dict]:
        times = {}
        start = time.perf_counter()
        batch = import_services.import_upload(
            agency=agency, actor=actor, kind=kind, filename=name, data=data
        )
        times["upload"] = time.perf_counter() - start
        mark = time.perf_counter()
        batch = import_services.import_check(agency=agency, actor=actor, batch=batch)
        times["check"] = time.perf_counter() - mark
        assert batch.preview["counts"]["errors"] == 0, batch.preview["errors"][:5]
        assert batch.preview["effect"]["in_scope"] > 0
        mark = time.perf_counter()
        ImportBatch.all_agencies.filter(pk=batch.pk).update(state="queued")
        import_runs.import_run(batch_id=batch.pk)
        times["run"] = time.perf_counter() - mark
        times["total"] = time.perf_counter() - start
        times = {stage: round(seconds, 3) for stage, seconds in times.items()}
        assert ImportBatch.all_agencies.get(pk=batch.pk).state == "done"
        return times, batch.preview

    roster_times, roster_preview = run("roster", roster, "personnel_roster.csv")
    training_times, training_preview = run("training", training, "course_completions.csv")
    assert Person.all_agencies.count() == args.people
    assert TrainingRecord.all_agencies.count() == args.records
    # The new steps were taken: values proposed (sworn from the rank too), titles matched,
    # unrelated courses skipped, repeated rows read once.
    fields = {line["field"] for line in roster_preview["values"]}
    assert {"category", "status", "rank_category"} <= fields, fields
    assert all(line["meaning"] for line in roster_preview["values"]), roster_preview["values"]
    assert roster_preview["counts"]["repeats"] > 0
    assert training_preview["counts"]["not_for_the_pledge"] == others
    again, _preview = run("roster", roster, "personnel_roster.csv")  # nothing to write

    if os.environ.get("BENCH_STOP_AFTER_IMPORT"):
        return
    page_ms = roster_page_timings(agency, actor, args.page_repeats)

    floor_seconds, floor_indexes = typed_copy_floor(connection, agency)

    rows = roster_preview["counts"]["rows"] + training_preview["counts"]["rows"]
    total = roster_times["total"] + training_times["total"]
    figures = {
        "people": args.people,
        "records": args.records,
        "other_records": others,
        "roster_rows": roster_preview["counts"]["rows"],
        "training_rows": training_preview["counts"]["rows"],
        "roster_seconds": roster_times,
        "training_seconds": training_times,
        "reimport_roster_seconds": again["total"],
        "end_to_end_seconds": round(total, 2),
        "rows_per_second": round(rows / total),
        "floor_seconds": round(floor_seconds, 3),
        "floor_indexes": floor_indexes,
        "ratio_to_floor": round(total / floor_seconds, 1),
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
