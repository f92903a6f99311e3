"""Benchmark: the agency progress report (figures and PDF) for the largest agency, 36,000
people, most untrained, and for a median agency of 10; and how many median reports one
worker renders a minute.

Builds both agencies in a fresh PostgreSQL database of its own, <name>_reports, and drops it
afterwards.

    DATABASE_URL=postgres://root@%2Fvar%2Frun%2Fpostgresql/onemind \\
        .venv/bin/python benchmarks/progress_report.py
    ... benchmarks/progress_report.py --people 500 --renders 2   # a smoke run
"""

from __future__ import annotations

import argparse
import io
import json
import random
import socket
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.own_database import use_own_database  # noqa: E402

# Besides the national dataset's names, some long enough to be cut short in the listings.
MORE_LAST = ["O'Connor", "Abernathy-Whitfield", "Castellanos-Montenegro", "Okafor"]
MORE_FIRST = ["Christopher", "Alexandria", "José", "Priya"]


def build_agency(name: str, people: int, today: date, rng: random.Random, weeks: int = 52):
    """An agency with a signed pledge, a complete policy, an MOU ending in 45 days, a roster
    of `people` (about 15% trained, a few with MHFA lapsing within 90 days) and a year of
    weekly progress snapshots."""
    from django.db import connection

    from agencies.models import Agency, Document, DocumentKind, User
    from onemind.lib.bulk import insert_rows
    from onemind.lib.dates import add_months
    from partnerships.models import MentalHealthOrganization, Partnership, PartnershipVersion
    from pledges.engine import progress
    from pledges.management.commands.national_dataset import FIRST, LAST
    from pledges.models import CrisisPolicy, Pledge, PledgeStatus, ProgramRules
    from training.models import Course, CourseKind, Person, TrainingRecord

    agency = Agency.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        agency_type="municipal",
        region="TX",
        locality=name.split(" Police")[0],
    )
    actor, _ = User.objects.get_or_create(email="bench-coordinator@example.org")
    pledged_on = today - timedelta(days=300)
    Pledge.all_agencies.create(
        agency=agency,
        rules=ProgramRules.objects.in_force(pledged_on),
        status=PledgeStatus.PLEDGED,
        pledged_on=pledged_on,
        target_date=add_months(pledged_on, 24),
        chief_name="Ana Rivera",
        chief_title="Chief of Police",
        signature="Dana Whitfield",
    )
    documents = {
        kind: Document.all_agencies.create(
            agency=agency,
            kind=kind,
            file=f"documents/bench/{kind}.pdf",
            filename=f"{kind}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=actor,
        )
        for kind in (DocumentKind.PARTNERSHIP, DocumentKind.POLICY)
    }
    organization = MentalHealthOrganization.all_agencies.create(
        agency=agency, name="County Crisis Center", organization_type="crisis_center"
    )
    partnership = Partnership.all_agencies.create(
        agency=agency, organization=organization, title="Crisis MOU", created_by=actor
    )
    PartnershipVersion.all_agencies.create(
        agency=agency,
        partnership=partnership,
        kind="original",
        signed_on=today - timedelta(days=700),
        effective_on=today - timedelta(days=700),
        expires_on=today + timedelta(days=45),
        alternative="24/7 crisis drop-off instead of arrest or an emergency hold.",
        document=documents[DocumentKind.PARTNERSHIP],
        created_by=actor,
    )
    CrisisPolicy.all_agencies.create(
        agency=agency,
        title="Response to persons in crisis",
        adopted_on=today - timedelta(days=400),
        effective_on=today - timedelta(days=400),
        definitions_at="1",
        signs_and_symptoms_at="2",
        risk_assessment_at="3",
        referrals_at="4",
        care_providers_at="5",
        training_at="6",
        document=documents[DocumentKind.POLICY],
        created_by=actor,
    )

    first_names, last_names = [*FIRST, *MORE_FIRST], [*LAST, *MORE_LAST]
    insert_rows(
        Person,
        [
            {
                "agency_id": agency.pk,
                "employee_id": str(10000 + n),
                "first_name": rng.choice(first_names),
                "last_name": rng.choice(last_names),
                "category": "sworn" if rng.random() < 0.9 else "non_sworn",
                "selected": rng.random() < 0.8,
                "status": "active" if rng.random() < 0.96 else "leave",
            }
            for n in range(people)
        ],
    )
    courses = {c.kind: c for c in Course.objects.filter(agency=None, kind__in=["cit", "mhfa"])}
    records = []
    for person_id in Person.all_agencies.filter(agency=agency).values_list("pk", flat=True):
        draw = rng.random()
        if draw < 0.05:
            kind, completed = CourseKind.CIT, today - timedelta(days=rng.randint(1, 900))
        elif draw < 0.15:  # MHFA over the last three years: some of it lapses soon
            kind, completed = CourseKind.MHFA, today - timedelta(days=rng.randint(1, 1090))
        elif draw < 0.18:  # lapsed long ago: untrained again
            kind, completed = CourseKind.MHFA, today - timedelta(days=rng.randint(1200, 1500))
        else:
            continue
        records.append(
            {
                "agency_id": agency.pk,
                "person_id": person_id,
                "course_id": courses[kind].pk,
                "completed_on": completed,
                **courses[kind].derived_dates(completed),
                "source": "imported",
            }
        )
    insert_rows(TrainingRecord, records)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # without statistics the planner picks nested loops
    for back in range(weeks, 0, -1):
        progress.recompute([agency.pk], on=today - timedelta(weeks=back))
    return agency


def render(agency, on):
    """(seconds for the figures, seconds for the PDF, the PDF, the report)."""
    from pledges.report import progress_report, progress_report_pdf

    start = time.perf_counter()
    report = progress_report(agency, on)
    figures = time.perf_counter()
    pdf = progress_report_pdf(report)
    return figures - start, time.perf_counter() - figures, pdf, report


def delivered(count: int, today: date, rng: random.Random) -> dict:
    """`count` median agencies' progress reports sent by one dispatcher, as a worker sends
    them: render, build the message with its PDF, send over SMTP (a server on loopback),
    mark sent."""
    import logging

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import transaction

    from agencies.models import Membership, User
    from agencies.outbox import sending, services
    from pledges.emails import notices

    for n in range(count):
        agency = build_agency(f"Town {n} Police Department", 10, today, rng, weeks=4)
        user = User.objects.create(email=f"chief{n}@town{n}.example")
        Membership.all_agencies.create(agency=agency, user=user, role="coordinator")

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd narrates each session

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    try:
        with transaction.atomic():
            services.outbox_add(notices.progress_report_letters())
        start = time.perf_counter()
        sent = 0
        while result := sending.dispatch():
            sent += result.sent
            if result.looked_at < sending.BATCH_SIZE:
                break
        elapsed = time.perf_counter() - start
    finally:
        controller.stop()
    return {
        "reports": count,
        "sent": sent,
        "received_by_smtp": Sink.received,
        "seconds": round(elapsed, 2),
        "reports_per_minute_one_worker": round(sent / elapsed * 60),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=36_000, help="the large agency's roster")
    parser.add_argument("--renders", type=int, default=30, help="median reports in a row")
    parser.add_argument("--large-runs", type=int, default=2)
    parser.add_argument("--emails", type=int, default=40, help="median reports dispatched")
    parser.add_argument("--keep", metavar="DIR", help="write the two PDFs into DIR")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    name, admin = use_own_database("reports", fresh=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from pypdf import PdfReader
    from weasyprint.text.ffi import harfbuzz_subset

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)  # noqa: S311 - the same data every run
    start = time.perf_counter()
    today = date.today()
    large = build_agency("Metro City Police Department", args.people, today, rng)
    median = build_agency("Millbrook Police Department", 10, today, rng)
    figures: dict[str, object] = {
        "setup_seconds": round(time.perf_counter() - start, 1),
        # fontTools, the fallback, takes 0.1-0.3 s per font face on every render.
        "font_subsetting": "harfbuzz" if harfbuzz_subset else "fonttools",
    }

    render(median, today)  # warm-up: imports, fonts, templates
    runs = [render(large, today) for _ in range(args.large_runs)]
    data_s, pdf_s, pdf, report = min(runs, key=lambda r: r[0] + r[1])
    figures["large"] = {
        "people": args.people,
        "in_scope": report.evaluation["coverage"].total,
        "untrained": len(report.untrained),
        "lapsing_within_90_days": len(report.lapsing),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "figures_seconds": round(data_s, 3),
        "pdf_seconds": round(pdf_s, 3),
        "total_seconds": [round(r[0] + r[1], 2) for r in runs],
    }
    large_pdf = pdf

    samples = []
    started = time.perf_counter()
    for _ in range(args.renders):
        data_s, pdf_s, pdf, report = render(median, today)
        samples.append(data_s + pdf_s)
    elapsed = time.perf_counter() - started
    figures["median"] = {
        "people": 10,
        "untrained": len(report.untrained),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "renders": args.renders,
        "median_seconds": round(statistics.median(samples), 3),
        "max_seconds": round(max(samples), 3),
        "reports_per_minute_one_worker": round(args.renders / elapsed * 60),
    }
    figures["dispatched"] = delivered(args.emails, today, rng)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        Path(args.keep, "large.pdf").write_bytes(large_pdf)
        Path(args.keep, "median.pdf").write_bytes(pdf)
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    connection.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
