"""Every benchmark of the project, one after another, into one JSON file and one table.

    bin/bench                 # the full run (about 20 minutes here; the README shows its table)
    bin/bench --smoke         # a small run of each, as CI does
    bin/bench --only load     # one of them again, kept with the others' earlier figures

Each benchmark is its own script (and process) under benchmarks/, run with `--json`; this
collects their figures with the machine they ran on, writes them to --out (default
var/benchmarks.json) and prints the summary table the README carries.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")

# name: (script, full-run arguments, smoke-run arguments)
BENCHMARKS = {
    "import": (
        "import_roster.py",
        [],
        ["--people", "500", "--records", "800", "--page-repeats", "3"],
    ),
    "recompute": ("recompute.py", [], ["--agencies", "60", "--fresh", "--repeats", "1"]),
    # After recompute: the smoke run reuses the small dataset recompute's smoke run loaded.
    "region": (
        "region_dashboard.py",
        [],
        ["--agencies", "60", "--region-size", "40", "--repeats", "1"],
    ),
    # After region: the lists' pages use its region (and the dataset recompute loaded).
    "rendering": (
        "rendering.py",
        [],
        ["--agencies", "60", "--region-size", "40", "--repeats", "3"],
    ),
    "certificate_pdf": ("pdfs.py", [], ["--renders", "2"]),
    "progress_report": (
        "progress_report.py",
        [],
        ["--people", "300", "--renders", "2", "--large-runs", "1", "--emails", "2"],
    ),
    "load": (
        "load.py",
        [],
        [
            "--agencies",
            "200",
            "--users",
            "10",
            "--duration",
            "5",
            "--floor-seconds",
            "2",
            "--coordinators",
            "6",
            "--reviewers",
            "3",
        ],
    ),  # fmt: skip
}
# Roster and training kept current through the API's bulk writes, against the import path.
BENCHMARKS["api_bulk_upsert"] = (
    "api_bulk_upsert.py",
    [],
    ["--people", "200", "--records", "200", "--repeats", "1"],
)


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    psql = shutil.which("psql")
    postgres = (
        subprocess.run(
            [psql, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if psql
        else ""
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20),
        "python": platform.python_version(),
        "postgresql": match.group(1)
        if (match := re.search(r"\) (\d+(?:\.\d+)?)", postgres))
        else "unknown",
        "system": f"{platform.system()} {platform.release()}",
    }


def run(name: str, smoke: bool) -> dict:
    script, full, small = BENCHMARKS[name]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        started = time.perf_counter()
        subprocess.run(
            [PYTHON, str(ROOT / "benchmarks" / script), *(small if smoke else full),
             "--json", out.name],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        figures = json.loads(Path(out.name).read_text())
    figures["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    return figures


def rows(results: dict) -> list[tuple[str, str, str]]:
    """(what, measured, goal) for the summary table."""
    out = []
    if imp := results.get("import"):
        rows_read = imp.get("training_rows", imp["records"])
        out += [
            (f"import {imp['people']:,} people then {imp['records']:,} records (in a "
             f"{rows_read:,}-row export), end to end, with the values and courses steps",
             f"{imp['end_to_end_seconds']} s ({imp['ratio_to_floor']}× a typed `COPY` of the "
             f"same rows into copies of the tables and their indexes: {imp['floor_seconds']} s)",
             "15 s; 4× its floor"),
            ("  its peak memory", f"{imp['peak_memory_mb']} MB", "500 MB"),
        ]  # fmt: skip
        if pages := imp.get("roster_page_median_ms"):
            whole = pages["whole_request"]
            out.append(
                (f"roster of that {imp['people']:,}-person agency filtered to the untrained, "
                 "whole request", f"{whole['untrained']} ms (its SQL: {pages['sql']['untrained']} "
                 f"ms; a trivial view: {whole['trivial_view']} ms)", "15 ms")
            )  # fmt: skip
    if rec := results.get("recompute"):
        out += [
            (f"recompute {rec['agencies']:,} agencies ({rec['people']:,} people)",
             f"{rec['recompute_all_seconds']} s ({rec['recompute_all_ratio']}× the bare SQL "
             f"aggregate: {rec['bare_aggregate_all_seconds']} s)", "1.2×"),
            ("recompute the largest agency",
             f"{rec['recompute_largest_seconds'] * 1000:.0f} ms "
             f"({rec['recompute_largest_ratio']}× the bare SQL aggregate: "
             f"{rec['bare_aggregate_largest_seconds'] * 1000:.0f} ms)", "1.2×"),
            ("staff agency list, whole request (first page)",
             f"{rec['staff_agency_page_ms']['first_page']} ms", "300 ms"),
        ]  # fmt: skip
        if "at_risk" in rec["staff_agency_page_ms"]:
            page = rec["staff_agency_page_ms"]
            out.append(
                (f"staff agency list at risk (`/staff/?at_risk=yes`, of {rec['agencies']:,}), "
                 "whole request", f"{page['at_risk']} ms (a trivial view: "
                 f"{page['trivial_view']} ms)", "15 ms")
            )  # fmt: skip
    if reg := results.get("region"):
        pages = reg["pages_ms"]
        out += [
            (f"region dashboard of {reg['region_agencies']:,} member agencies, whole request "
             f"(first page of 50, {reg['first_page_queries']} queries)",
             f"{pages['first_page']} ms (its queries alone: "
             f"{reg['first_page_queries_alone_ms']} ms; a trivial view: "
             f"{reg['trivial_view_ms']} ms)", "300 ms"),
            ("  the same, at risk sorted by target date; not all trained, least first",
             f"{pages['at_risk_by_target']} ms; {pages['everyone_not_trained_least_first']} ms",
             "300 ms"),
            (f"  its CSV ({reg['csv_rows']:,} rows), whole request", f"{reg['csv_ms']} ms", ""),
            ("  its PDF report, figures and render", f"{reg['report_pdf_seconds']} s", ""),
        ]  # fmt: skip
    if ren := results.get("rendering"):
        floor = ren["trivial_view"]["whole_ms"]
        for label, name in [
            ("the staff agency list", "staff_agency_list"),
            (f"the region dashboard ({ren['region_agencies']:,} members)", "region_dashboard"),
            (f"the roster of {ren['roster_people']:,} people", "roster"),
        ]:
            page = ren[name]
            out.append(
                (f"{label}, first page of 50, whole request ({page['queries']} queries)",
                 f"{page['whole_ms']} ms (its templates: {page['template_ms']} ms; a trivial "
                 f"view: {floor} ms)", "300 ms")
            )  # fmt: skip
    if pdf := results.get("certificate_pdf"):
        out.append(("certificate PDF, warm median", f"{pdf['warm_median_seconds']} s", "1 s"))
    if rep := results.get("progress_report"):
        large = rep["large"]
        out += [
            (f"progress report of a {large['people']:,}-person agency ({large['pages']} pages)",
             f"{min(large['total_seconds'])} s", "20 s"),
            ("progress report of a median agency", f"{rep['median']['median_seconds']} s", "1 s"),
            ("progress reports sent a minute by one worker",
             f"{rep['dispatched']['reports_per_minute_one_worker']}", ""),
        ]  # fmt: skip
    if load := results.get("load"):
        out += load_rows(load)
    if api := results.get("api_bulk_upsert"):
        out += [
            (f"API bulk upsert of {api['people']:,} people, then {api['records']:,} training "
             "records (one request each), whole request",
             f"{api['api_people_per_second']:,} people/s, {api['api_records_per_second']:,} "
             f"records/s ({api['people_ratio']}× and {api['records_ratio']}× the import path: "
             f"{api['import_people_per_second']:,} and {api['import_records_per_second']:,}/s)",
             ""),
            ("  the same people again, all unchanged (a nightly sync)",
             f"{api['api_people_unchanged_seconds']} s", ""),
        ]  # fmt: skip
    return out


def load_rows(load: dict) -> list[tuple[str, str, str]]:
    """The load test's rows: the paced pages, errors, the saturated mix and its ratio to the
    trivial view driven by the same generator (Locust) and by wrk, with the cores each
    generator and gunicorn used meanwhile."""
    paced, saturated = load["paced"], load["saturated"]
    trivial = load.get("floor_locust")  # absent from figures measured before it was
    users = load["users"]

    def cores(cpu: dict | None, generator: str) -> str:
        if not cpu:
            return ""
        count = load.get("cores") or os.cpu_count()
        return (f"; {generator} {cpu['generator_cores'] / count:.0%}, gunicorn "
                f"{cpu['server_cores'] / count:.0%} of the {count} cores, all "
                f"{cpu['machine_busy_cores'] / count:.0%} busy")  # fmt: skip

    goal_ms = load.get("p95_goal_ms", 250)
    misses = [
        f"{name} {page['p95_ms']:.0f} ms"
        for name, page in paced["pages"].items()
        if name != "Aggregated" and page["p95_ms"] > goal_ms
    ]
    slowest = f"{paced['slowest_p95_ms']:.0f} ms" + (
        f" (over {goal_ms} ms: {'; '.join(misses)})" if misses else ""
    )
    errors = sum(phase["errors"] for phase in (paced, saturated, trivial) if phase)
    rows = [
        (f"load: {users} users pausing {load['pause_seconds'].replace(',', '–')} s, slowest "
         "page p95", slowest, f"{goal_ms} ms, every page"),
        ("load: errors (every phase)", f"{errors}", "0"),
        (f"load: {users} users without pauses, throughput",
         f"{saturated['rps']} req/s" + cores(saturated.get("cpu"), "Locust"), ""),
    ]  # fmt: skip
    if trivial:
        rows.append(
            (f"load: that ÷ the same {users} users requesting a trivial view without pauses "
             "(the same generator, Locust)",
             f"{load['ratio_to_locust_floor']} ({trivial['rps']:,.0f} req/s"
             + cores(trivial.get("cpu"), "Locust") + ")",
             f"{load['goal_ratio']}"),
        )  # fmt: skip
    rows.append(
        ("load: that ÷ a trivial view driven by wrk (C)",
         f"{load['ratio_to_floor']} ({load['floor_rps']:,} req/s"
         + cores(load.get("cpu", {}).get("floor_wrk"), "wrk") + ")",
         "" if trivial else "0.15"),
    )  # fmt: skip
    return rows


def table(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Run {report['run_at']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Python {m['python']}, PostgreSQL {m['postgresql']}"
        + (" — smoke run" if report["smoke"] else "")
        + ":",
        "",
        "| benchmark | measured | goal |",
        "| --- | --- | --- |",
    ]
    for what, measured, goal in rows(report["results"]):
        lines.append(f"| {what} | {measured} | {goal} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a small run of each")
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS))
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmarks run on both.")
    report = {
        "run_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "smoke": args.smoke,
        "machine": machine(),
        "results": {},
    }
    out = Path(args.out)
    if args.only and out.exists():  # run again some of an earlier report's benchmarks
        earlier = json.loads(out.read_text())
        if earlier.get("smoke") == args.smoke and earlier.get("machine") == report["machine"]:
            report["results"] = earlier["results"]
    for name in args.only or BENCHMARKS:
        print(f"== {name}", flush=True)
        report["results"][name] = run(name, args.smoke)
        report["results"][name]["run_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nAll figures: {args.out}")


if __name__ == "__main__":
    main()
