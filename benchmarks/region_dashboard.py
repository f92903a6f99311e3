"""Benchmark: a region of 2,000 member agencies of the national dataset, as its coordinator
opens the region's dashboard and downloads its CSV — the whole request, through every
middleware — next to its queries alone and a trivial view through the same stack, timed in
the same run; then the region's PDF report, as the worker renders it.

Uses the national dataset's database (<name>_national[_<agencies>], loaded once as
recompute.py loads it); the region, its member agencies and their progress are added to it
once and reused.

    DATABASE_URL=postgres://root@/onemind .venv/bin/python benchmarks/region_dashboard.py
    ... benchmarks/region_dashboard.py --agencies 60 --region-size 40 --fresh   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.own_database import use_own_database  # noqa: E402

REGION_SLUG = "bench-capital-area"


def median_ms(function, repeats: int) -> float:
    """Median milliseconds of `repeats` runs after one warm-up run."""
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1000, 1)


def the_region(size: int):
    """The benchmark's region: `size` agencies of the dataset drawn at random (the same ones
    every run), members now, a tenth of them sharing their roster, each with today's progress
    snapshot; and its coordinator."""
    from django.utils import timezone

    from agencies.models import (
        Agency,
        MemberAgency,
        MemberAgencyStatus,
        Region,
        RegionKind,
        RegionMembership,
        RegionRole,
        Sharing,
        User,
    )
    from pledges.engine import progress

    region = Region.objects.filter(slug=REGION_SLUG).first()
    if region is None:
        region = Region.objects.create(
            name="Capital Area Crisis Collaborative",
            slug=REGION_SLUG,
            kind=RegionKind.STATE_ASSOCIATION,
            state="VA",
            verified=True,
        )
        ids = sorted(
            Agency.objects.filter(slug__startswith="national-").values_list("pk", flat=True)
        )
        chosen = sorted(random.Random(19).sample(ids, min(size, len(ids))))  # noqa: S311 - a fixed draw, not a secret
        now = timezone.now()
        MemberAgency.all_regions.bulk_create(
            MemberAgency(
                region=region,
                agency_id=agency_id,
                status=MemberAgencyStatus.MEMBER,
                sharing=Sharing.ROSTER if n % 10 == 0 else Sharing.PROGRESS,
                answered_at=now,
            )
            for n, agency_id in enumerate(chosen)
        )
    coordinator, _ = User.objects.get_or_create(email="bench-region-lead@example.org")
    RegionMembership.all_regions.get_or_create(
        region=region, user=coordinator, defaults={"role": RegionRole.COORDINATOR}
    )
    members = list(
        MemberAgency.all_regions.filter(region=region, status=MemberAgencyStatus.MEMBER)
        .order_by("agency_id")
        .values_list("agency_id", flat=True)
    )
    progress.recompute(members)  # today's snapshots, as the nightly run leaves them
    return region, coordinator, len(members)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=18_000)
    parser.add_argument("--region-size", type=int, default=2_000)
    parser.add_argument("--fresh", action="store_true", help="reload the dataset")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    suffix = "national" if args.agencies == 18_000 else f"national_{args.agencies}"
    use_own_database(suffix, fresh=args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from agencies.models import Agency
    from pledges.regions import queries
    from pledges.regions.report import region_report_pdf

    call_command("migrate", verbosity=0)
    figures: dict[str, object] = {}
    if not Agency.objects.filter(slug__startswith="national-").exists():
        start = time.perf_counter()
        call_command("national_dataset", agencies=args.agencies)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        figures["dataset_load_seconds"] = round(time.perf_counter() - start, 1)

    region, coordinator, size = the_region(args.region_size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(coordinator)
    home = reverse("region_home", kwargs={"region_slug": region.slug})

    def page(query: dict):
        def run():
            response = client.get(home, query)
            assert response.status_code == 200, response.status_code
            return response

        return run

    requests = {
        "first_page": {},
        "at_risk_by_target": {"at_risk": "yes", "sort": "target"},
        "everyone_not_trained_least_first": {"unmet": "coverage", "sort": "trained"},
        "last_page": {"page": str(max(1, -(-size // queries.PAGE_SIZE)))},
    }
    figures["pages_ms"] = {
        label: median_ms(page(query), args.repeats) for label, query in requests.items()
    }
    with CaptureQueriesContext(connection) as counted:
        page({})()
    figures["first_page_queries"] = len(counted.captured_queries)

    def queries_alone():
        rows = queries.members(region)
        listed = Paginator(rows, queries.PAGE_SIZE).get_page(1)
        queries.member_rows(listed.object_list)
        queries.totals(region)
        queries.member_states(region)

    figures["first_page_queries_alone_ms"] = median_ms(queries_alone, args.repeats)
    figures["trivial_view_ms"] = median_ms(lambda: client.get("/livez"), args.repeats)

    def csv():
        response = client.get(home, {"format": "csv"})
        assert response.status_code == 200
        return response

    figures["csv_ms"] = median_ms(csv, max(3, args.repeats // 3))
    figures["csv_rows"] = csv().content.count(b"\r\n") - 1

    start = time.perf_counter()
    report = queries.region_report(region, queries.region_today())
    pdf = region_report_pdf(report)
    figures["report_pdf_seconds"] = round(time.perf_counter() - start, 2)
    figures["report_pdf_kb"] = round(len(pdf) / 1024)

    figures.update(region_agencies=size, agencies=Agency.objects.count())
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    connection.close()


if __name__ == "__main__":
    main()
