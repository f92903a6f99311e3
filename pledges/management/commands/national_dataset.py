"""A national dataset for benchmarks and load tests, generated deterministically.

18,000 agencies with a lognormal roster size (median 10; the three largest 36,000, 12,000 and
9,000), about 770,000 people and 1,000,000 training records; most agencies pledged, many with
an MOU and a policy. Bulk-loaded (COPY on PostgreSQL) in a few minutes. Document rows point
at no stored file: the dataset is for measuring, not for downloading.
"""

from __future__ import annotations

import math
import random
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency, Document, DocumentKind, User
from onemind.lib.bulk import insert_rows
from onemind.lib.dates import add_months
from partnerships.models import MentalHealthOrganization, Partnership, PartnershipVersion
from pledges.engine import standing
from pledges.models import CrisisPolicy, Pledge, PledgeStatus, ProgramRules
from training.models import Course, CourseKind, Person, TrainingRecord
from training.status import refresh_agencies_training_status

LARGEST = [36_000, 12_000, 9_000]
SIGMA = 1.655  # with a median of 10, about 770,000 people over 18,000 agencies
CAP = 7_000
STATES = ["NY", "CA", "TX", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "KY", "WA", "AZ", "CO"]
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Lopez"]
FIRST = ["James", "Maria", "Robert", "Linda", "Michael", "Ana", "David", "Keisha", "Wei", "Sam"]
CHUNK_PEOPLE = 40_000


def roster_sizes(agencies: int, rng: random.Random) -> list[int]:
    sizes = [
        max(1, min(CAP, round(rng.lognormvariate(math.log(10), SIGMA))))
        for _ in range(max(agencies - len(LARGEST), 0))
    ]
    return LARGEST[: min(agencies, len(LARGEST))] + sizes


class Command(BaseCommand):
    help = "Load the national benchmark dataset (deterministic; refuses where HTTPS=true)."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=18_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, agencies: int, seed: int, **options) -> None:
        if settings.HTTPS:
            raise CommandError("The national dataset is not loaded where HTTPS=true.")
        if Agency.objects.filter(slug__startswith="national-").exists():
            raise CommandError("The national dataset is loaded already.")
        rng = random.Random(seed)  # noqa: S311 - the same dataset every time
        started = time.perf_counter()
        today = date.today()
        with transaction.atomic():
            ids = self._agencies(roster_sizes(agencies, rng), rng)
            people, records = self._rosters(ids, rng, today)
            refresh_agencies_training_status(Agency.objects.filter(pk__in=list(ids)))
            self._agreements(ids, rng, today)
        self.stdout.write(
            _("%(agencies)s, %(people)s, %(records)s in %(seconds).0f s")
            % {
                "agencies": ngettext("%(count)d agency", "%(count)d agencies", len(ids))
                % {"count": len(ids)},
                "people": ngettext("%(count)d person", "%(count)d people", people)
                % {"count": people},
                "records": ngettext(
                    "%(count)d training record", "%(count)d training records", records
                )
                % {"count": records},
                "seconds": time.perf_counter() - started,
            }
        )

    def _agencies(self, sizes: list[int], rng: random.Random) -> dict[int, int]:
        """{agency id: roster size}."""
        rows = [
            Agency(
                name=f"National Test Agency {n:05d}",
                slug=f"national-{n:05d}",
                agency_type="municipal" if n % 7 else "sheriff",
                region=STATES[n % len(STATES)],
                time_zone=ZONES[n % len(ZONES)],
                sworn_strength=size,
                directory_opt_in=rng.random() < 0.6,
                verified=rng.random() < 0.8,
            )
            for n, size in enumerate(sizes)
        ]
        created = Agency.objects.bulk_create(rows, batch_size=2000)
        return {agency.pk: size for agency, size in zip(created, sizes, strict=True)}

    def _rosters(self, sizes: dict[int, int], rng, today) -> tuple[int, int]:
        courses = {c.kind: c for c in Course.objects.filter(agency=None).exclude(kind="other")}
        people_total = records_total = 0
        chunk: list[int] = []
        chunk_people = 0
        for agency_id, size in sizes.items():
            chunk.append(agency_id)
            chunk_people += size
            if chunk_people >= CHUNK_PEOPLE:
                p, r = self._roster_chunk(chunk, sizes, courses, rng, today)
                people_total, records_total = people_total + p, records_total + r
                chunk, chunk_people = [], 0
        if chunk:
            p, r = self._roster_chunk(chunk, sizes, courses, rng, today)
            people_total, records_total = people_total + p, records_total + r
        return people_total, records_total

    def _roster_chunk(self, agency_ids, sizes, courses, rng, today) -> tuple[int, int]:
        people = []
        for agency_id in agency_ids:
            for n in range(sizes[agency_id]):
                sworn = rng.random() < 0.9
                draw = rng.random()
                people.append(
                    {
                        "agency_id": agency_id,
                        "employee_id": str(1000 + n),
                        "first_name": rng.choice(FIRST),
                        "last_name": rng.choice(LAST),
                        "category": "sworn" if sworn else "non_sworn",
                        "position": "Patrol" if sworn else "Communications",
                        "selected": not sworn and rng.random() < 0.8,
                        "status": "active"
                        if draw < 0.95
                        else "leave"
                        if draw < 0.98
                        else "separated",
                        "status_changed_on": today - timedelta(days=rng.randint(30, 3000)),
                        "hire_date": today - timedelta(days=rng.randint(100, 9000)),
                    }
                )
        insert_rows(Person, people)
        person_ids = Person.all_agencies.filter(agency_id__in=agency_ids).values_list(
            "pk", "agency_id"
        )
        records = []
        for person_id, agency_id in person_ids.iterator(chunk_size=10_000):
            for course, completed in self._training(courses, rng, today):
                records.append(
                    {
                        "agency_id": agency_id,
                        "person_id": person_id,
                        "course_id": course.pk,
                        "completed_on": completed,
                        **course.derived_dates(completed),
                        "hours": course.hours,
                        "source": "imported",
                    }
                )
        insert_rows(TrainingRecord, records)
        return len(people), len(records)

    @staticmethod
    def _training(courses, rng, today):
        """A person's completions: CIT (or CRIT) for a quarter, MHFA (often twice) for most."""
        if rng.random() < 0.25:
            kind = CourseKind.CIT_EQUIVALENT if rng.random() < 0.15 else CourseKind.CIT
            yield courses[kind], today - timedelta(days=rng.randint(1, 2500))
        if rng.random() < 0.7:
            latest = today - timedelta(days=rng.randint(1, 1300))
            yield courses[CourseKind.MHFA], latest
            if rng.random() < 0.5:
                yield courses[CourseKind.MHFA], latest - timedelta(days=rng.randint(1100, 1200))

    def _agreements(self, sizes: dict[int, int], rng, today) -> None:
        """Pledges for most agencies; an MOU and a policy for many."""
        actor, _ = User.objects.get_or_create(email="national-dataset@example.org")
        current = ProgramRules.objects.in_force(today)
        pledges, documents, organizations, policies = [], [], [], []
        for agency_id in sizes:
            pledged_on = today - timedelta(days=rng.randint(0, 700))
            if rng.random() < 0.75:
                pledges.append(
                    Pledge(
                        agency_id=agency_id,
                        rules=current,
                        status=PledgeStatus.PLEDGED,
                        pledged_on=pledged_on,
                        target_date=add_months(pledged_on, rng.choice([12, 18, 24, 36])),
                        chief_name="Chief",
                        chief_title="Chief of Police",
                        signature="Coordinator",
                    )
                )
            if rng.random() < 0.45:
                for kind in (DocumentKind.PARTNERSHIP, DocumentKind.POLICY):
                    documents.append(
                        Document(
                            agency_id=agency_id,
                            kind=kind,
                            file=f"documents/national/{agency_id}-{kind}.pdf",
                            filename=f"{kind}.pdf",
                            content_type="application/pdf",
                            size=1,
                            sha256="0" * 64,
                            uploaded_by=actor,
                        )
                    )
                organizations.append(
                    MentalHealthOrganization(
                        agency_id=agency_id,
                        name="County Crisis Center",
                        organization_type="crisis_center",
                    )
                )
        Pledge.all_agencies.bulk_create(pledges, batch_size=2000)
        standing.refresh(sorted({pledge.agency_id for pledge in pledges}))
        documents = Document.all_agencies.bulk_create(documents, batch_size=2000)
        organizations = MentalHealthOrganization.all_agencies.bulk_create(
            organizations, batch_size=2000
        )
        by_agency = {}
        for document in documents:
            by_agency.setdefault(document.agency_id, {})[document.kind] = document
        partnerships = Partnership.all_agencies.bulk_create(
            [
                Partnership(
                    agency_id=o.agency_id, organization=o, title="Crisis MOU", created_by=actor
                )
                for o in organizations
            ],
            batch_size=2000,
        )
        versions = []
        for partnership in partnerships:
            signed = today - timedelta(days=rng.randint(30, 1500))
            versions.append(
                PartnershipVersion(
                    agency_id=partnership.agency_id,
                    partnership=partnership,
                    kind="original",
                    signed_on=signed,
                    effective_on=signed,
                    expires_on=signed + timedelta(days=rng.choice([730, 1095, 1460])),
                    alternative="24/7 crisis drop-off instead of arrest or an emergency hold.",
                    signatories=[{"name": "Chief", "title": "Chief", "organization": ""}],
                    document=by_agency[partnership.agency_id][DocumentKind.PARTNERSHIP],
                    created_by=actor,
                )
            )
            adopted = today - timedelta(days=rng.randint(30, 1500))
            policies.append(
                CrisisPolicy(
                    agency_id=partnership.agency_id,
                    title="Response to persons in crisis",
                    adopted_on=adopted,
                    effective_on=adopted,
                    definitions_at="1",
                    signs_and_symptoms_at="2",
                    risk_assessment_at="3",
                    referrals_at="4",
                    care_providers_at="" if rng.random() < 0.2 else "5",
                    training_at="6",
                    document=by_agency[partnership.agency_id][DocumentKind.POLICY],
                    created_by=actor,
                )
            )
        PartnershipVersion.all_agencies.bulk_create(versions, batch_size=2000)
        CrisisPolicy.all_agencies.bulk_create(policies, batch_size=2000)
