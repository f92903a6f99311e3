"""Benchmark: the hottest lists as their readers open them (the staff agency list, a
region's dashboard, the largest agency's roster: first pages of 50), each timed whole
(every middleware) beside the time its template takes to render and its queries, with a
trivial view through the same stack as the floor, in the same run.

Uses the national dataset's database and the region of region_dashboard.py (both made once
and reused).

    DATABASE_URL=postgres://root@/onemind .venv/bin/python benchmarks/rendering.py
    ... benchmarks/rendering.py --agencies 60 --region-size 40 --repeats 3   # a smoke run
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


def readers():
    """A reviewer with an authenticator, and a coordinator of the largest agency."""
    from agencies.models import Agency, Membership, Role, User

    reviewer = bench_reviewer()
    largest = Agency.objects.filter(slug__startswith="national-").order_by("pk").first()
    coordinator, _ = User.objects.get_or_create(email="bench-roster@example.org")
    Membership.all_agencies.get_or_create(
        agency=largest, user=coordinator, defaults={"role": Role.COORDINATOR}
    )
    return reviewer, coordinator, largest


class RenderTimer:
    """The time templates take to render (outermost renders only), added up per request."""

    def __init__(self):
        from django.template.backends.django import Template

        self.seconds = 0.0
        self.depth = 0
        render = Template.render
        timer = self

        def timed(template, *args, **kwargs):
            timer.depth += 1
            started = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                timer.depth -= 1
                if timer.depth == 0:
                    timer.seconds += time.perf_counter() - started

        Template.render = timed


def measure(client, url: str, timer: RenderTimer, repeats: int) -> dict:
    """Median milliseconds of the whole request and of its templates, after a warm-up
    request; and the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200, url
    whole, templates = [], []
    for _ in range(repeats):
        timer.seconds = 0.0
        started = time.perf_counter()
        response = client.get(url)
        whole.append(time.perf_counter() - started)
        templates.append(timer.seconds)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as counted:
        client.get(url)
    return {
        "whole_ms": round(statistics.median(whole) * 1000, 1),
        "template_ms": round(statistics.median(templates) * 1000, 1),
        "queries": len(counted.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=18_000)
    parser.add_argument("--region-size", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    suffix = "national" if args.agencies == 18_000 else f"national_{args.agencies}"
    use_own_database(suffix, fresh=False)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from agencies.models import Agency
    from benchmarks.region_dashboard import the_region
    from training.models import Person

    call_command("migrate", verbosity=0)
    if not Agency.objects.filter(slug__startswith="national-").exists():
        call_command("national_dataset", agencies=args.agencies)
    region, lead, size = the_region(args.region_size)
    reviewer, coordinator, largest = readers()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    timer = RenderTimer()
    pages = {
        "staff_agency_list": (signed_in(reviewer, mfa=True), reverse("staff:dashboard")),
        "region_dashboard": (
            signed_in(lead),
            reverse("region_home", kwargs={"region_slug": region.slug}),
        ),
        "roster": (signed_in(coordinator), reverse("roster", kwargs={"agency_slug": largest.slug})),
        "trivial_view": (signed_in(coordinator), "/livez"),
    }
    figures: dict[str, object] = {
        name: measure(client, url, timer, args.repeats) for name, (client, url) in pages.items()
    }
    figures.update(
        agencies=Agency.objects.count(),
        region_agencies=size,
        roster_people=Person.all_agencies.filter(agency=largest).count(),
    )
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    connection.close()


if __name__ == "__main__":
    main()
