"""Load test: the production-like stack on this machine under a mix of real users.

gunicorn (two workers) serves the product on loopback, with PostgreSQL, Redis and a Celery
worker, over a copy of the national dataset (18,000 agencies, ~770,000 people, ~1,000,000
records). Locust, headless, plays coordinators (dashboard, roster search, person page,
record a class), reviewers signed in with TOTP (agency list, review queue, review page) and
public visitors (certificate verification, directory), bounded in time. In the same run,
the same load generator measures what the same gunicorn serves for a trivial view (`/livez`,
through every middleware): the same number of Locust users, without pauses, requesting only
that, for as long. That is the floor the saturated mix's throughput is compared with (goal:
GOAL_RATIO of it); wrk's figure for the same view is kept beside it. Locust is Python sharing
the cores with gunicorn, wrk is C: each phase reports the CPU the load generator, gunicorn's
processes and the whole machine used while it was measured, so the reader sees who used them.

    DATABASE_URL=postgres://root@%2Fvar%2Frun%2Fpostgresql/onemind \\
    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python benchmarks/load.py
    ... benchmarks/load.py --agencies 200 --duration 10 --users 10   # a smoke run

The national dataset is loaded once into <name>_national (as benchmarks/recompute.py does);
each run copies it to <name>_national_load, adds the actors, and drops the copy afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil  # installed with Locust (benchmarks/requirements.lock)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.own_database import use_own_database  # noqa: E402

PASSWORD = "load-test-password-2026"
# Goals: every page's p95 with users pausing at most this many milliseconds, no errors,
# and the saturated mix at least GOAL_RATIO of the trivial view driven by the same generator.
P95_GOAL_MS = 100
GOAL_RATIO = 0.08


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_national(agencies: int) -> None:
    """The national dataset, with today's snapshots, in the database DATABASE_URL names."""
    from django.core.management import call_command
    from django.db import connection

    from agencies.models import Agency

    call_command("migrate", verbosity=0)
    if not Agency.objects.filter(slug__startswith="national-").exists():
        call_command("national_dataset", agencies=agencies)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()


def copy_database(admin, template: str, name: str) -> None:
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def use_database(name: str) -> None:
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


def prepare(plan_path: Path, *, coordinators: int, reviewers: int) -> dict:
    """Today's snapshots, the actors Locust signs in as, submissions to review and
    certificates to verify. Writes the plan Locust reads and returns it."""
    import random

    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection

    from agencies.models import Agency, Membership, Role, User
    from agencies.services import agency_set_verified
    from agencies.staff import REVIEWER_GROUP
    from agencies.tenancy import agency_scope
    from pledges import services
    from pledges.certification import services as certification
    from pledges.engine import progress
    from pledges.models import Certificate, Pledge, PledgeStatus, ProgressSnapshot
    from training.models import Course, CourseKind, Person, Status

    rng = random.Random(2026)  # noqa: S311 - the same actors every run
    national = list(Agency.objects.filter(slug__startswith="national-").order_by("slug"))
    today = national[0].today()
    if not ProgressSnapshot.all_agencies.filter(day=today).exists():
        progress.recompute([a.pk for a in national], today)

    password = make_password(PASSWORD)  # hashed once: every actor has the same password

    def user(email: str) -> User:
        account = User.objects.create(email=email, password=password)
        EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
        return account

    # Coordinators: the three largest agencies, then agencies drawn at random (most small).
    verified = [a for a in national if a.verified]
    chosen = national[:3] + rng.sample(verified[3:], max(coordinators - 3, 0))
    plan: dict = {"coordinators": [], "reviewers": [], "submissions": [], "certificates": []}
    courses = Course.objects.filter(agency=None, kind__in=[CourseKind.CIT, CourseKind.MHFA])
    course_ids = [str(pk) for pk in courses.values_list("pk", flat=True)]
    _a_year_of_snapshots(chosen[:coordinators], today)
    for n, agency in enumerate(chosen[:coordinators]):
        account = user(f"coordinator-{n:03d}@load.example.org")
        Membership.all_agencies.create(agency=agency, user=account, role=Role.COORDINATOR)
        with agency_scope(agency):
            people = list(
                Person.objects.filter(status=Status.ACTIVE)
                .order_by("public_id")  # random ids, but the same people for the same copy
                .values_list("public_id", "employee_id", "last_name")[:20]
            )
        plan["coordinators"].append(
            {
                "email": account.email,
                "agency": agency.slug,
                "people": [str(pk) for pk, _, _ in people],
                "employee_ids": [employee_id for _, employee_id, _ in people],
                "names": sorted({name for _, _, name in people}),
                "courses": course_ids,
            }
        )

    group = Group.objects.get(name=REVIEWER_GROUP)
    reviewer_accounts = []
    for n in range(reviewers):
        account = user(f"reviewer-{n:03d}@load.example.org")
        account.groups.add(group)
        secret = generate_totp_secret()
        TOTP.activate(account, secret)
        reviewer_accounts.append(account)
        plan["reviewers"].append({"email": account.email, "secret": secret})

    # Submissions from agencies that met every requirement; a third of them approved.
    met = ProgressSnapshot.all_agencies.filter(day=today, all_met=True).values("agency_id")
    pledges = Pledge.all_agencies.filter(
        status=PledgeStatus.PLEDGED, agency_id__in=met, target_date__gte=today
    )
    submitter = user("submitter@load.example.org")
    for n, pledge in enumerate(pledges.select_related("agency").order_by("agency__slug")[:60]):
        Membership.all_agencies.create(agency=pledge.agency, user=submitter, role=Role.COORDINATOR)
        submission = services.pledge_submit(agency=pledge.agency, actor=submitter, pledge=pledge)
        plan["submissions"].append(str(submission.public_id))
        if n % 3 == 0:
            # Only an agency that staff verified can be certified.
            agency_set_verified(agency=pledge.agency, actor=reviewer_accounts[0], verified=True)
            certification.review_approve(reviewer=reviewer_accounts[0], submission=submission)
    for number, token in Certificate.all_agencies.values_list("number", "token"):
        plan["certificates"].append({"number": number, "token": token})
    plan["states"] = sorted(set(Agency.objects.values_list("region", flat=True)))
    plan_path.write_text(json.dumps(plan, indent=2))
    connection.close()
    return plan


def _a_year_of_snapshots(agencies, today) -> None:
    """The dashboard charts up to three years before today: an agency a year into its pledge
    has a snapshot a day, rising to today's figures (the dataset itself has only today's)."""
    from datetime import timedelta

    from pledges.models import ProgressSnapshot

    snapshots = []
    for current in ProgressSnapshot.all_agencies.filter(agency__in=agencies, day=today):
        for back in range(1, 366):
            share = 1 - back / 400
            snapshots.append(
                ProgressSnapshot(
                    agency_id=current.agency_id,
                    day=today - timedelta(days=back),
                    rules_id=current.rules_id,
                    pledge_id=current.pledge_id,
                    in_scope=current.in_scope,
                    cit_count=int(current.cit_count * share),
                    cit_total=current.cit_total,
                    cit_required=current.cit_required,
                    covered_count=int(current.covered_count * share),
                    covered_required=current.covered_required,
                    partnership_met=current.partnership_met,
                    policy_met=current.policy_met,
                )
            )
    ProgressSnapshot.all_agencies.bulk_create(snapshots, batch_size=5000, ignore_conflicts=True)


def start_stack(
    port: int, environment: dict, logs: Path, workers: int, threads: int
) -> list[subprocess.Popen]:
    python = str(ROOT / ".venv/bin/python")
    commands = {
        "web": [python, "-m", "gunicorn", "onemind.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
        "worker": [python, "-m", "celery", "-A", "onemind", "worker", "--loglevel=WARNING",
                   "--concurrency=1", "--without-gossip", "--without-mingle"],
    }  # fmt: skip
    processes = {}
    for name, command in commands.items():
        with open(logs / f"{name}.log", "w") as log:  # the child keeps its own descriptor
            processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
    web, worker = processes["web"], processes["worker"]
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as reply:
                if reply.status == 200:
                    return [web, worker]
        except OSError:
            if time.monotonic() > deadline or web.poll() is not None:
                stop([web, worker])
                sys.exit(f"gunicorn did not start:\n{(logs / 'web.log').read_text()[-3000:]}")
            time.sleep(0.25)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used, with its children's: the live ones and
    those it has reaped (a gunicorn worker restarted during the run still counts)."""

    def used(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system + times.children_user + times.children_system

    process = psutil.Process(pid)
    total = used(process)
    for child in process.children(recursive=True):
        # One reaped since listed has its time in its parent's children_* now.
        with contextlib.suppress(psutil.NoSuchProcess):
            total += used(child)
    return total


def machine_busy_seconds() -> float:
    """CPU time every core of the machine spent busy, whoever used it."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq


@dataclass(frozen=True)
class Reading:
    at: float
    generator: float
    server: float
    machine: float

    @classmethod
    def take(cls, *, generator: float, server_pid: int) -> Reading:
        return cls(time.monotonic(), generator, cpu_seconds(server_pid), machine_busy_seconds())


def cores_used(before: Reading, after: Reading) -> dict:
    """Cores (CPU seconds a second) the load generator, gunicorn (its master and workers) and
    the whole machine (PostgreSQL, Redis, the Celery worker and anything else included) used
    between two readings."""
    seconds = after.at - before.at
    return {
        "seconds": round(seconds, 1),
        "generator_cores": round((after.generator - before.generator) / seconds, 2),
        "server_cores": round((after.server - before.server) / seconds, 2),
        "machine_busy_cores": round((after.machine - before.machine) / seconds, 2),
    }


def floor(port: int, seconds: int, server_pid: int) -> dict:
    """Requests a second the same gunicorn serves for /livez driven by wrk (-t2 -c16), and
    the cores used meanwhile."""
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is needed for the framework floor: apt-get install -y wrk")

    def reading() -> Reading:  # wrk is the only child reaped meanwhile: its CPU is exact
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return Reading.take(generator=children.ru_utime + children.ru_stime, server_pid=server_pid)

    before = reading()
    output = subprocess.run(
        [wrk, "-t2", "-c16", f"-d{seconds}s", f"http://127.0.0.1:{port}/livez"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    after = reading()
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        sys.exit(f"the floor run got errors:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "cpu": cores_used(before, after),
    }


def milliseconds(value: str) -> float:
    """A percentile from Locust's CSV ("N/A" where nothing was requested)."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def run_locust(
    port: int,
    plan_path: Path,
    args,
    out: Path,
    environment: dict,
    *,
    phase: str,
    wait: str,
    server_pid: int,
    pages: str = "mix",
) -> dict:
    prefix = out / phase
    # The locustfile writes a line here as the measured window opens and as it closes: the
    # cores used are read at those moments, so sign-in and start-up are left out of them.
    marks, marks_for_locust = os.pipe()
    locust = subprocess.Popen(
        [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "benchmarks/locustfile.py"),
         "--headless", "--only-summary", "--host", f"http://127.0.0.1:{port}",
         "--users", str(args.users), "--spawn-rate", str(args.users),
         # Signing in is not part of the measured mix: the locustfile resets the figures
         # once every user is in, then stops after --duration seconds; this is a bound.
         "--run-time", f"{args.duration + 120}s", "--stop-timeout", "10",
         "--csv", str(prefix), "--loglevel", "WARNING"],
        cwd=ROOT, env={**environment, "LOAD_PLAN": str(plan_path),
                       "LOAD_DURATION": str(args.duration), "LOAD_USERS": str(args.users),
                       "LOAD_WAIT": wait, "LOAD_SIGN_IN": str(out / f"{phase}_sign_in.json"),
                       "LOAD_PAGES": pages, "LOAD_MARKS_FD": str(marks_for_locust)},
        pass_fds=(marks_for_locust,),
    )  # fmt: skip
    os.close(marks_for_locust)  # Locust holds the only writer: its exit ends the reading
    readings = []
    with os.fdopen(marks) as lines:
        for _ in lines:
            readings.append(Reading.take(generator=cpu_seconds(locust.pid), server_pid=server_pid))
    locust.wait()
    cpu = cores_used(*readings[:2]) if len(readings) >= 2 else {}
    figures = {}
    with open(f"{prefix}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            figures[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": milliseconds(row["50%"]),
                "p95_ms": milliseconds(row["95%"]),
                "p99_ms": milliseconds(row["99%"]),
            }
    with open(f"{prefix}_failures.csv") as rows:
        failures = [
            f"{row['Name']}: {row['Error']} ({row['Occurrences']}x)" for row in csv.DictReader(rows)
        ]
    sign_in_file = out / f"{phase}_sign_in.json"
    sign_in = json.loads(sign_in_file.read_text()) if sign_in_file.exists() else {}
    return {"pages": figures, "failures": failures, "sign_in": sign_in, "cpu": cpu}


def pages_of(result: dict) -> dict:
    return {name: page for name, page in result["pages"].items() if name != "Aggregated"}


def summary(result: dict) -> dict:
    pages = pages_of(result)
    mix = result["pages"].get("Aggregated", {"rps": 0.0})
    return {
        "rps": mix["rps"],
        "errors": sum(page["errors"] for page in pages.values()),
        "slowest_p95_ms": max((page["p95_ms"] for page in pages.values()), default=0),
        **result,
    }


def goals_missed(*, paced: dict, phases: dict, ratio: float) -> list[str]:
    """Which goal each miss is: a page's paced p95, errors in a phase, the saturated ratio."""
    missed = [
        f"{name}: p95 {page['p95_ms']:.0f} ms (goal {P95_GOAL_MS} ms)"
        for name, page in pages_of(paced).items()
        if page["p95_ms"] > P95_GOAL_MS
    ]
    missed += [
        f"{phase}: {result['errors']} errors"
        for phase, result in phases.items()
        if result["errors"]
    ]
    if ratio < GOAL_RATIO:
        missed.append(f"saturated ÷ the trivial view: {ratio} (goal {GOAL_RATIO})")
    return missed


def cpu_line(cpu: dict, generator: str) -> str:
    if not cpu:
        return "cores used: not measured (the window never opened)"
    cores = os.cpu_count()
    return (
        f"over {cpu['seconds']} s, of {cores} cores: {generator} "
        f"{cpu['generator_cores'] / cores:.0%}, gunicorn {cpu['server_cores'] / cores:.0%}, "
        f"the whole machine busy {cpu['machine_busy_cores'] / cores:.0%}"
    )


def table(figures: dict) -> str:
    lines = ["| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
             "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, page in figures["pages"].items():
        if not page["requests"]:
            continue  # sign-in, before the figures were reset
        label = f"**{name}**" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {page['requests']:,} | {page['rps']:,} | {page['p50_ms']:.0f} | "
            f"{page['p95_ms']:.0f} | {page['p99_ms']:.0f} | {page['errors']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=18_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of measured load")
    parser.add_argument("--pause", default="1,3", help="seconds between a user's requests")
    parser.add_argument("--floor-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--coordinators", type=int, default=30)
    parser.add_argument("--reviewers", type=int, default=12)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: sessions, the cache and the Celery broker live in Redis.")

    # Emails the set-up writes (certificates issued) are not printed, nor its tasks logged.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    suffix = "national" if args.agencies == 18_000 else f"national_{args.agencies}"
    national_name, admin = use_own_database(suffix, fresh=False)
    import django

    django.setup()
    ensure_national(args.agencies)
    load_name = f"{national_name}_load"
    copy_database(admin, national_name, load_name)
    use_database(load_name)
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].replace(national_name, load_name)

    out = Path(tempfile.mkdtemp(prefix="onemind-load-"))
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = True  # certificates rendered here, before the load
    from onemind.celery import app

    app.conf.task_always_eager = True
    plan = prepare(out / "plan.json", coordinators=args.coordinators, reviewers=args.reviewers)

    environment = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TRUSTED_PROXY_COUNT": "1",  # each simulated person has an address of its own
        # A visitor pausing 1-3 s verifies about 18 certificates a minute, under the
        # product's 30 per client; without pauses about 70, as only a script would. The
        # limit is raised for the run so that saturation measures pages, not refusals (the
        # limiter still counts every lookup); the tests hold the limit itself.
        "VERIFY_LOOKUPS_PER_MINUTE": "1000",
    }
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    port = free_port()
    stack = start_stack(port, environment, out, args.workers, args.threads)
    server_pid = stack[0].pid
    common = {"port": port, "plan_path": out / "plan.json", "args": args, "out": out,
             "environment": environment, "server_pid": server_pid}  # fmt: skip
    try:
        # The floors first, on a stack the mix has not yet given background work to.
        wrk = floor(port, args.floor_seconds, server_pid)
        trivial = summary(run_locust(**common, phase="trivial", wait="0", pages="trivial"))
        paced = summary(run_locust(**common, phase="paced", wait=args.pause))
        saturated = summary(run_locust(**common, phase="saturated", wait="0"))
    finally:
        stop(stack)
    ratio = round(saturated["rps"] / trivial["rps"], 3) if trivial["rps"] else 0.0
    figures = {
        "users": args.users,
        "gunicorn": f"{args.workers} workers x {args.threads} threads",
        "pause_seconds": args.pause,
        "duration_seconds": args.duration,
        "agencies": args.agencies,
        "actors": {
            "coordinators": len(plan["coordinators"]),
            "reviewers": len(plan["reviewers"]),
            "submissions": len(plan["submissions"]),
            "certificates": len(plan["certificates"]),
        },
        "cores": os.cpu_count(),
        "saturated_rps": saturated["rps"],
        # The trivial view driven by the same load generator (Locust) as the mix...
        "floor_locust_rps": trivial["rps"],
        "ratio_to_locust_floor": ratio,
        # ...and by wrk.
        "floor_rps": round(wrk["rps"]),
        "ratio_to_floor": round(saturated["rps"] / wrk["rps"], 3),
        "goal_ratio": GOAL_RATIO,
        "p95_goal_ms": P95_GOAL_MS,
        # Cores the load generator, gunicorn and the whole machine used in each phase.
        "cpu": {
            "floor_wrk": wrk["cpu"],
            "floor_locust": trivial["cpu"],
            "paced": paced["cpu"],
            "saturated": saturated["cpu"],
        },
        "floor_locust": trivial,
        "paced": paced,
        "saturated": saturated,
    }
    missed = goals_missed(
        paced=paced,
        phases={"trivial view": trivial, "paced": paced, "saturated": saturated},
        ratio=ratio,
    )
    figures["goals_met"] = not missed
    figures["goals_missed"] = missed
    print(f"wrk, /livez: {wrk['rps']:,.0f} req/s; {cpu_line(wrk['cpu'], 'wrk')}")
    print(f"\nWith {args.users} users requesting /livez without pauses (the same generator):")
    print(table(trivial))
    print(cpu_line(trivial["cpu"], "Locust"))
    print(f"\nWith {args.users} users pausing {args.pause} s between requests:")
    print(table(paced))
    print(cpu_line(paced["cpu"], "Locust"))
    print(f"\nWith {args.users} users and no pause (saturation):")
    print(table(saturated))
    print(cpu_line(saturated["cpu"], "Locust"))
    headline = {k: v for k, v in figures.items() if k not in ("floor_locust", "paced", "saturated")}
    print(json.dumps(headline, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))

    use_database(national_name)
    from django.db import connections

    connections.close_all()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{load_name}" WITH (FORCE)')
    for result in (trivial, paced, saturated):
        if result["failures"]:
            print("\n".join(result["failures"][:20]), file=sys.stderr)


if __name__ == "__main__":
    main()
