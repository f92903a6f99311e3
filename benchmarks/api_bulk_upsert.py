"""Benchmark: a records system keeps the roster and training current through the API alone.

5,000 people, then 5,000 training records of the pledge's courses, each sent in one
POST /api/v1/people/bulk and one POST /api/v1/training-records/bulk (through Django's test
client, the whole request: token, JSON parsing and validation, the upsert, the audit events,
the stored idempotent answer), next to the import path with the same rows as the files a
coordinator uploads (upload, columns and values checked, run). Then the same people sent
again, all unchanged, as a nightly sync does. Records a second each way (the median of
--repeats rounds, taken in turn), and their ratio.
Needs DATABASE_URL pointing at PostgreSQL; it creates and drops its own database
(<name>_api_bench).

    DATABASE_URL=postgres://root@/onemind .venv/bin/python benchmarks/api_bulk_upsert.py
    ... benchmarks/api_bulk_upsert.py --people 200 --records 200 --repeats 1   # a smoke run
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.import_roster import SWORN, badges, roster_csv, training_csv  # noqa: E402
from benchmarks.own_database import use_own_database  # noqa: E402

STATUSES = {"Active": "active", "LOA": "leave", "Retired": "separated"}
SWORN_RANKS = {rank for rank, _weight, _assignments in SWORN}


def _rows(data: bytes) -> list[dict[str, str]]:
    """The file's rows below its title line, by column name."""
    return list(csv.DictReader(io.StringIO(data.decode().split("\r\n", 1)[1])))


def _iso(day: str) -> str:
    return datetime.strptime(day, "%m/%d/%Y").date().isoformat()  # noqa: DTZ007 - a date


def people_items(roster: bytes) -> list[dict]:
    """The roster file's rows as the API's items (what the values step proposes for a blank
    "Sworn?", the rank decides here too)."""
    return [
        {
            "employee_id": row["Badge #"],
            "last_name": row["Last Name"],
            "first_name": row["First Name"],
            "rank": row["Rank"],
            "position": row["Assignment"],
            "hire_date": _iso(row["Hire Date"]),
            "status": STATUSES[row["Status"]],
            "category": "sworn"
            if row["Sworn?"] == "Y" or (not row["Sworn?"] and row["Rank"] in SWORN_RANKS)
            else "non_sworn",
        }
        for row in _rows(roster)
    ]


def record_items(training: bytes, courses: dict[str, str]) -> list[dict]:
    """The completions report's rows as the API's items: each title's course by its id."""
    items = []
    for row in _rows(training):
        title = row["Course Title"]
        kind = "cit" if "CIT" in title or "Crisis" in title else "mhfa"
        items.append({
            "employee_id": row["Student ID"], "course_id": courses[kind],
            "completed_on": _iso(row["Completion Date"]), "hours": row["Credit Hours"],
            "credential_number": row["Certificate #"],
        })  # fmt: skip
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3, help="rounds; medians reported")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    bench_name, admin = use_own_database("api_bench", fresh=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from agencies.models import Agency, AuditEvent, User
    from agencies.tokens.services import token_create
    from training.imports import runs as import_runs
    from training.imports import services as import_services
    from training.models import Course, ImportBatch, Person, TrainingRecord

    rng = random.Random(11)  # noqa: S311 - the same rows every run
    ids = badges(args.people, rng)
    roster = roster_csv(ids, rng, 0)
    training = training_csv(ids, args.records, 0, rng, 0)
    courses = {
        kind: str(Course.objects.get(agency=None, kind=kind).public_id) for kind in ("cit", "mhfa")
    }
    people, records = people_items(roster), record_items(training, courses)
    actor = User.objects.create_user("bench@example.org", "bench-password-123")

    def agency(slug: str) -> Agency:
        return Agency.objects.create(
            name=f"Bench {slug}", slug=slug, region="NY", agency_type="municipal"
        )

    def through_the_api(slug: str) -> dict[str, float]:
        by_api = agency(slug)
        _token, text = token_create(
            agency=by_api, actor=actor, name="RMS nightly sync",
            scopes=["read", "write_people", "write_training"], valid_days=365,
        )  # fmt: skip
        client = Client()
        # The first request of the process loads what every later one finds loaded.
        client.get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {text}")

        def send(url: str, items: list[dict], key: str) -> tuple[float, dict]:
            body = json.dumps({"items": items})
            start = time.perf_counter()
            response = client.post(
                url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {text}",
                HTTP_IDEMPOTENCY_KEY=key,
            )  # fmt: skip
            seconds = time.perf_counter() - start
            assert response.status_code == 200, response.content[:2000]
            return seconds, response.json()

        times = {}
        times["people"], answer = send("/api/v1/people/bulk", people, "people-1")
        assert answer["created"] == args.people, answer["created"]
        times["records"], answer = send("/api/v1/training-records/bulk", records, "records-1")
        assert answer["created"] == args.records, answer["created"]
        times["people_unchanged"], answer = send("/api/v1/people/bulk", people, "people-2")
        assert answer["unchanged"] == args.people
        times["replay"], _answer = send("/api/v1/people/bulk", people, "people-1")
        assert Person.all_agencies.filter(agency=by_api).count() == args.people
        assert TrainingRecord.all_agencies.filter(agency=by_api).count() == args.records
        assert AuditEvent.objects.filter(agency=by_api).count() >= args.people + args.records
        return times

    def through_the_import(slug: str) -> dict[str, float]:
        """The same rows in the files a coordinator uploads: upload and check, then run."""
        by_import = agency(slug)

        def run(kind: str, data: bytes, name: str) -> float:
            start = time.perf_counter()
            batch = import_services.import_upload(
                agency=by_import, actor=actor, kind=kind, filename=name, data=data
            )
            batch = import_services.import_check(agency=by_import, actor=actor, batch=batch)
            assert batch.preview["counts"]["errors"] == 0, batch.preview["errors"][:5]
            ImportBatch.all_agencies.filter(pk=batch.pk).update(state="queued")
            import_runs.import_run(batch_id=batch.pk)
            assert ImportBatch.all_agencies.get(pk=batch.pk).state == "done"
            return time.perf_counter() - start

        times = {
            "people": run("roster", roster, "personnel_roster.csv"),
            "records": run("training", training, "course_completions.csv"),
        }
        assert Person.all_agencies.filter(agency=by_import).count() == args.people
        assert TrainingRecord.all_agencies.filter(agency=by_import).count() == args.records
        return times

    # Rounds taken in turn, each into new agencies; the median of each figure is reported,
    # so that a moment of other load on the machine weighs on neither side alone.
    api_rounds, import_rounds = [], []
    for n in range(args.repeats):
        api_rounds.append(through_the_api(f"api-pd-{n}"))
        import_rounds.append(through_the_import(f"import-pd-{n}"))

    def median(rounds: list[dict[str, float]], name: str) -> float:
        return statistics.median(r[name] for r in rounds)

    def rate(rows: int, seconds: float) -> int:
        return round(rows / seconds)

    api_people = rate(args.people, median(api_rounds, "people"))
    api_records = rate(args.records, median(api_rounds, "records"))
    import_people = rate(args.people, median(import_rounds, "people"))
    import_records = rate(args.records, median(import_rounds, "records"))
    figures = {
        "people": args.people,
        "records": args.records,
        "repeats": args.repeats,
        "people_request_mb": round(len(json.dumps({"items": people})) / 2**20, 2),
        "api_people_seconds": round(median(api_rounds, "people"), 3),
        "api_records_seconds": round(median(api_rounds, "records"), 3),
        "api_people_per_second": api_people,
        "api_records_per_second": api_records,
        "api_people_unchanged_seconds": round(median(api_rounds, "people_unchanged"), 3),
        "api_replay_seconds": round(median(api_rounds, "replay"), 3),
        "import_roster_seconds": round(median(import_rounds, "people"), 3),
        "import_training_seconds": round(median(import_rounds, "records"), 3),
        "import_people_per_second": import_people,
        "import_records_per_second": import_records,
        "people_ratio": round(api_people / import_people, 2),
        "records_ratio": round(api_records / import_records, 2),
    }
    connection.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
