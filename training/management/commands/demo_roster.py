"""Believable rosters and training for the demo agencies; run after demo_data, repeatable."""

import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import ngettext

from agencies.models import Agency
from training.models import (
    Category,
    Course,
    CourseKind,
    Person,
    Source,
    Status,
    TrainingRecord,
)
from training.status import refresh_agencies_training_status

FIRST = [
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "Carlos",
    "Aisha",
    "Wei",
    "Priya",
    "Tom",
    "Grace",
    "Luis",
    "Hannah",
    "Omar",
    "Chloe",
    "Andre",
    "Nora",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Nguyen",
    "Patel",
    "Kim",
    "Okafor",
    "Walsh",
]
RANKS = ["Officer", "Officer", "Officer", "Corporal", "Sergeant", "Lieutenant", "Captain"]
# (agency slug, sworn officers, selected dispatchers, share with CIT, share with MHFA)
ROSTERS = [
    ("millbrook-pd", 142, 12, 0.24, 0.61),
    ("harlan-county-so", 38, 4, 0.13, 0.45),
    ("lakeshore-state-university-pd", 24, 3, 0.33, 0.70),
    ("cedar-valley-transit-police", 11, 2, 0.0, 0.18),
]


class Command(BaseCommand):
    help = "Fill the demo agencies' rosters with people and training records (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if settings.HTTPS:
            raise CommandError("Demo data is not loaded where HTTPS=true.")
        courses = {c.kind: c for c in Course.objects.filter(agency=None).exclude(kind="other")}
        for slug, sworn, dispatchers, cit_share, mhfa_share in ROSTERS:
            agency = Agency.objects.filter(slug=slug).first()
            if agency is None or Person.all_agencies.filter(agency=agency).exists():
                continue
            self._fill(agency, sworn, dispatchers, cit_share, mhfa_share, courses)
            size = sworn + dispatchers
            self.stdout.write(
                ngettext(
                    "  roster of %(agency)s: %(count)d person",
                    "  roster of %(agency)s: %(count)d people",
                    size,
                )
                % {"agency": agency.name, "count": size}
            )

    def _fill(self, agency, sworn, dispatchers, cit_share, mhfa_share, courses) -> None:
        rng = random.Random(agency.slug)  # noqa: S311 - the same demo every time
        today = agency.today()
        people = []
        for n in range(sworn + dispatchers):
            is_sworn = n < sworn
            people.append(
                Person(
                    agency=agency,
                    employee_id=f"{1000 + n}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    rank=rng.choice(RANKS) if is_sworn else "Telecommunicator",
                    category=Category.SWORN if is_sworn else Category.NON_SWORN,
                    position=rng.choice(["Patrol", "Patrol - B Shift", "Investigations"])
                    if is_sworn
                    else "Communications",
                    selected=not is_sworn,
                    status=Status.LEAVE if rng.random() < 0.03 else Status.ACTIVE,
                    status_changed_on=today - timedelta(days=rng.randint(30, 900)),
                    hire_date=today - timedelta(days=rng.randint(200, 9000)),
                )
            )
        Person.all_agencies.bulk_create(people)
        records = []
        for person in people:
            draw = rng.random()
            kind = (
                CourseKind.CIT
                if draw < cit_share
                else CourseKind.MHFA
                if draw < cit_share + mhfa_share
                else None
            )
            if kind is None:
                continue
            course = courses[kind]
            completed = today - timedelta(days=rng.randint(20, 1150))
            records.append(
                TrainingRecord(
                    agency=agency,
                    person=person,
                    course=course,
                    completed_on=completed,
                    **course.derived_dates(completed),
                    hours=course.hours,
                    source=Source.IMPORTED,
                )
            )
        TrainingRecord.all_agencies.bulk_create(records)
        refresh_agencies_training_status([agency.pk])
