"""The training status stored on each person (`training.status`) is the one their records
give, after every kind of write and as days pass; the roster's filters read it."""

import importlib
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from agencies.documents import EVIDENCE_TYPES, check_upload
from agencies.models import Sharing
from agencies.tenancy import agency_scope
from tests import files
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    PersonFactory,
    RegionFactory,
    TrainingRecordFactory,
    UserFactory,
    course,
)
from training import services, upserts
from training.models import (
    CIT_KINDS,
    MHFA_KINDS,
    ClassAttendee,
    Course,
    CourseKind,
    CourseStatus,
    Person,
)
from training.models import TrainingRecord as Record
from training.queries import (
    EXPIRY_HORIZON_DAYS,
    TRAINING_FILTERS,
    RosterFilters,
    roster,
    roster_page,
    valid_records,
    with_training_status,
)
from training.regional.services import Attendee, attendee_confirm, regional_class_record
from training.status import (
    FOREVER,
    refresh_agencies_training_status,
    refresh_training_status,
)

STATUS = ("has_cit", "has_mhfa", "expiring_soon", "refresher_due")


def truth(agency, on: date) -> dict[str, tuple]:
    """Each person's status on `on` computed from their records, as the roster once did on
    every request: by employee ID, (has_cit, has_mhfa, expiring_soon, refresher_due).
    Expiring: CIT or MHFA held on `on` of which no record still counts after the horizon."""
    horizon = on + timedelta(days=EXPIRY_HORIZON_DAYS)
    with agency_scope(agency):
        mine = valid_records(on).filter(person=OuterRef("pk"))

        def lapsing(kinds):
            held = mine.filter(course__kind__in=kinds)
            lasting = held.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=horizon))
            return Exists(held) & ~Exists(lasting)

        refreshable = Record.objects.filter(
            person=OuterRef("pk"), completed_on__lte=on, refresher_due_on__isnull=False
        )
        rows = Person.objects.annotate(
            has_cit=Exists(mine.filter(course__kind__in=CIT_KINDS)),
            has_mhfa=Exists(mine.filter(course__kind__in=MHFA_KINDS)),
            expiring_soon=ExpressionWrapper(
                lapsing(CIT_KINDS) | lapsing(MHFA_KINDS), output_field=BooleanField()
            ),
            refresher_due=ExpressionWrapper(
                Exists(refreshable) & ~Exists(refreshable.filter(refresher_due_on__gt=on)),
                output_field=BooleanField(),
            ),
        ).values_list("employee_id", *STATUS)
        return {employee_id: tuple(status) for employee_id, *status in rows}


def stored(agency, on: date) -> dict[str, tuple]:
    """Each person's status on `on` as the roster reads it, stored."""
    with agency_scope(agency):
        rows = with_training_status(Person.objects.all(), on).values_list("employee_id", *STATUS)
        return {employee_id: tuple(status) for employee_id, *status in rows}


def assert_stored_is_true(*agencies, on: date | None = None) -> dict[str, tuple]:
    """The stored status of every agency's people is the one their records give; returns
    the first agency's, by employee ID."""
    found = []
    for agency in agencies:
        day = on or agency.today()
        found.append(stored(agency, day))
        assert found[-1] == truth(agency, day), agency
    return found[0]


CIT, MHFA, NONE = (True, False, False, False), (False, True, False, False), (False,) * 4


@pytest.fixture
def people(agency_a):
    return {n: PersonFactory(agency=agency_a, employee_id=n) for n in ("1", "2", "3")}


def test_a_record_entered_on_its_page(agency_a, agency_b, editor, people):
    PersonFactory(agency=agency_b, employee_id="1")  # another agency's namesake is left alone
    services.record_add(
        agency=agency_a,
        actor=editor,
        person=people["1"],
        course=course(CourseKind.CIT),
        completed_on=agency_a.today() - timedelta(days=10),
    )
    assert assert_stored_is_true(agency_a, agency_b) == {"1": CIT, "2": NONE, "3": NONE}
    assert stored(agency_b, agency_b.today()) == {"1": NONE}


def test_a_class_recorded_for_its_attendees(agency_a, editor, people):
    services.class_record(
        agency=agency_a,
        actor=editor,
        course=course(CourseKind.MHFA),
        completed_on=agency_a.today(),
        people=[people["1"], people["2"]],
    )
    assert assert_stored_is_true(agency_a) == {"1": MHFA, "2": MHFA, "3": NONE}


def test_records_added_updated_and_moved_by_the_api(agency_a, editor, people):
    today = agency_a.today()
    cit, mhfa = course(CourseKind.CIT), course(CourseKind.MHFA)

    def upsert(**item):
        upserts.records_upsert(agency=agency_a, actor=editor, items=[item])

    upsert(employee_id="1", course_id=cit.public_id, completed_on=today, external_id="lms-7")
    assert assert_stored_is_true(agency_a)["1"] == CIT
    # The same record, moved to another person and another course: both people change.
    upsert(employee_id="2", course_id=mhfa.public_id, completed_on=today, external_id="lms-7")
    assert assert_stored_is_true(agency_a) == {"1": NONE, "2": MHFA, "3": NONE}
    # Moved back a long way: the MHFA it now is lapsed long ago.
    long_ago = today - timedelta(days=6 * 365)
    upsert(employee_id="2", course_id=mhfa.public_id, completed_on=long_ago, external_id="lms-7")
    assert assert_stored_is_true(agency_a)["2"] == NONE
    assert Person.all_agencies.get(pk=people["2"].pk).mhfa_until < today


@time_machine.travel("2026-06-01 12:00Z")
def test_a_roster_then_a_training_import(agency_a, importer):
    importer.run(files.ROSTER_CSV)
    assert set(assert_stored_is_true(agency_a).values()) == {NONE}
    training = (
        b"Employee ID,Course,Completed\n"
        b"1001,CIT,2025-05-10\n"
        b"1002,Mental Health First Aid for Public Safety,05/10/2025\n"
    )
    batch = importer.run(training, name="lms.csv", kind="training")
    assert batch.result["create"] == 2
    assert assert_stored_is_true(agency_a) == {"1001": CIT, "1002": MHFA, "1003": NONE}


def test_a_regional_class_and_an_attendee_confirmed_later(
    agency_a, agency_b, coordinator, private_files
):
    region = RegionFactory()
    MemberAgencyFactory(region=region, agency=agency_a, sharing=Sharing.ROSTER)
    MemberAgencyFactory(region=region, agency=agency_b, sharing=Sharing.PROGRESS)
    PersonFactory(agency=agency_a, employee_id="A-1", last_name="Okafor")
    later = PersonFactory(agency=agency_b, employee_id="B-7", last_name="Novak")
    regional_class_record(
        region=region,
        actor=coordinator,
        course=course(CourseKind.CIT),
        completed_on=agency_a.today() - timedelta(days=2),
        instructor="Sgt. Maria Alvarez",
        sheet=check_upload(files.pdf("Attendance.pdf"), EVIDENCE_TYPES),
        attendees=[
            Attendee(agency=agency_a, employee_id="A-1", last_name="Okafor"),
            Attendee(agency=agency_b, employee_id="B-x", last_name="Novak"),
        ],
    )
    assert assert_stored_is_true(agency_a, agency_b) == {"A-1": CIT}
    assert stored(agency_b, agency_b.today()) == {"B-7": NONE}  # waiting for the agency

    attendee_confirm(
        agency=agency_b,
        actor=coordinator,
        attendee=ClassAttendee.all_agencies.get(employee_id="B-x"),
        person=later,
    )
    assert stored(agency_b, agency_b.today()) == {"B-7": CIT}
    assert_stored_is_true(agency_a, agency_b)


def test_a_course_approved_then_rejected(agency_a, editor, administrator, people):
    proposed = services.course_propose(
        agency=agency_a,
        actor=editor,
        name="County crisis course",
        kind=CourseKind.CIT_EQUIVALENT,
        hours=24,
    )
    TrainingRecordFactory(person=people["1"], course=proposed)
    TrainingRecordFactory(person=people["2"], course=course(CourseKind.MHFA))
    TrainingRecordFactory(person=people["2"], course=proposed)
    assert assert_stored_is_true(agency_a) == {"1": NONE, "2": MHFA, "3": NONE}

    services.course_decide(course=proposed, actor=administrator, approve=True)
    both = (True, True, False, False)
    assert assert_stored_is_true(agency_a) == {"1": CIT, "2": both, "3": NONE}

    proposed = Course.objects.get(pk=proposed.pk)
    services.course_decide(course=proposed, actor=administrator, approve=False, reason="Short.")
    assert assert_stored_is_true(agency_a) == {"1": NONE, "2": MHFA, "3": NONE}


def test_training_lapses_and_refreshers_fall_due_as_days_pass_with_nothing_written(
    agency_a, editor, people
):
    """MHFA for three years, CIT for good with a refresher two years on: the stored dates
    hold still while the days they are read on pass."""

    def add(number, kind, on):
        services.record_add(
            agency=agency_a, actor=editor, person=people[number], course=course(kind),
            completed_on=on,
        )  # fmt: skip

    start = date(2026, 1, 15)
    with time_machine.travel("2026-01-20 12:00Z"):
        add("1", CourseKind.CIT, start)
        add("2", CourseKind.MHFA, start)
        add("3", CourseKind.MHFA, start)
    first = Person.all_agencies.get(pk=people["1"].pk)
    assert (first.cit_until, first.refresher_due_on) == (FOREVER, date(2028, 1, 15))
    expectations = {
        "2026-02-01": {"1": CIT, "2": MHFA, "3": MHFA},
        "2027-12-01": {"1": CIT, "2": MHFA, "3": MHFA},
        # Three weeks before MHFA lapses both people are told; 3 renews, 2 does not.
        "2028-12-25": {"1": (True, False, False, True)}
        | dict.fromkeys("23", (False, True, True, False)),
        "2028-12-26": "renew 3",
        # Two years on CIT's refresher is due; MHFA lapses for 2, not for 3 (renewed).
        "2028-12-27": {"1": (True, False, False, True), "2": (False, True, True, False), "3": MHFA},
        "2029-01-16": {"1": (True, False, False, True), "2": NONE, "3": MHFA},
    }
    for day, expected in expectations.items():
        with time_machine.travel(f"{day} 12:00Z"):
            if expected == "renew 3":
                add("3", CourseKind.MHFA, agency_a.today())
            else:
                assert assert_stored_is_true(agency_a) == expected, day


def test_the_roster_filters_agree_with_the_records_on_every_day(agency_a, administrator):
    """A roster of every mix of training (lapsed, renewed, refreshed, of courses approved or
    not), filtered on days across years: each filter lists whom the records say."""
    today = date(2026, 6, 1)
    kinds = [
        course(CourseKind.CIT),
        course(CourseKind.MHFA),
        course(CourseKind.OTHER),
        Course.objects.create(
            name="Valley CRIT", kind=CourseKind.CIT_EQUIVALENT, hours=40, agency=agency_a,
            validity_months=24, status=CourseStatus.APPROVED,
        ),
        Course.objects.create(
            name="Valley MHFA", kind=CourseKind.MHFA_EQUIVALENT, hours=8, agency=agency_a,
            status=CourseStatus.PROPOSED,
        ),
    ]  # fmt: skip
    for n in range(40):
        person = PersonFactory(agency=agency_a, employee_id=f"P{n:02d}")
        for k in range(n % 4):
            TrainingRecordFactory(
                person=person,
                course=kinds[(n + k * 3) % len(kinds)],
                completed_on=today - timedelta(days=(n * 97 + k * 401) % 2400),
            )
    # And training that lapses within 90 days of one of the days: MHFA and the CRIT.
    for number, kind, days_ago in (("X1", 1, 1060), ("X2", 3, 700), ("X3", 1, 1060)):
        person = PersonFactory(agency=agency_a, employee_id=number)
        TrainingRecordFactory(
            person=person, course=kinds[kind], completed_on=today - timedelta(days=days_ago)
        )
    TrainingRecordFactory(person=person, course=kinds[1], completed_on=today)  # X3 renewed
    seen = set()
    for offset in (0, 45, 400, 800, 1500):
        on = today + timedelta(days=offset)
        true = truth(agency_a, on)
        assert stored(agency_a, on) == true, on
        for name in TRAINING_FILTERS:
            listed = roster(agency_a, RosterFilters(training=name, sort="employee_id"), on)
            expected = sorted(e for e, status in true.items() if _matches(name, status))
            assert [p.employee_id for p in listed] == expected, (on, name)
            seen |= {name} if expected else set()
    assert seen == set(TRAINING_FILTERS)  # the mix holds every case


def _matches(name: str, status: tuple) -> bool:
    has_cit, has_mhfa, expiring, refresher = status
    return {
        "cit": has_cit,
        "mhfa_only": has_mhfa and not has_cit,
        "untrained": not has_cit and not has_mhfa,
        "expiring": expiring,
        "refresher_due": refresher,
    }[name]


@pytest.mark.parametrize("training", ["", *TRAINING_FILTERS])
def test_a_roster_page_is_two_queries_however_large_the_roster(
    agency_a, django_assert_num_queries, training
):
    today = agency_a.today()
    for n, person in enumerate(PersonFactory.create_batch(70, agency=agency_a)):
        if n % 3 == 0:  # CIT three years ago: its refresher is due
            TrainingRecordFactory(person=person, completed_on=today - timedelta(days=3 * 365))
        elif n % 3 == 1:  # MHFA lapsing within 90 days
            TrainingRecordFactory(
                person=person,
                course=course(CourseKind.MHFA),
                completed_on=today - timedelta(days=35 * 30),
            )
    filters = RosterFilters(training=training)
    with django_assert_num_queries(2):  # the count, the page
        list(roster_page(agency_a, filters, agency_a.today(), 1, 50).object_list)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_records_written_at_once_for_one_person_both_count():
    """The second writer's refresh waits for the first to commit, then reads its record
    too: neither stores a status that misses the other's."""
    from tests.races import in_the_worst_order

    agency, editor = AgencyFactory(), UserFactory()
    person = PersonFactory(agency=agency, employee_id="1")

    def add(kind):
        return lambda: services.record_add(
            agency=agency,
            actor=editor,
            person=Person.all_agencies.get(pk=person.pk),
            course=course(kind),
            completed_on=agency.today(),
        )

    first, second = in_the_worst_order(
        add(CourseKind.MHFA), add(CourseKind.CIT), pause_before=(services, "record_event")
    )
    assert not isinstance(first, Exception) and not isinstance(second, Exception)
    assert assert_stored_is_true(agency) == {"1": (True, True, False, False)}


@pytest.mark.parametrize("count", [1, 30])
def test_a_refresh_is_two_statements_however_many_people(
    agency_a, django_assert_num_queries, count
):
    people = PersonFactory.create_batch(count, agency=agency_a)
    for person in people:
        TrainingRecordFactory(person=person)
    Person.all_agencies.update(cit_until=None)
    with django_assert_num_queries(2):  # lock the people, then the UPDATE
        refresh_training_status([person.pk for person in people])
    assert assert_stored_is_true(agency_a) == {p.employee_id: CIT for p in people}


def test_a_bulk_load_and_the_migration_fill_in_the_status(agency_a, agency_b, people):
    TrainingRecordFactory(person=people["1"], course=course(CourseKind.CIT))
    TrainingRecordFactory(person=PersonFactory(agency=agency_b), course=course(CourseKind.MHFA))
    expected = [stored(agency_a, agency_a.today()), stored(agency_b, agency_b.today())]
    blank = {"cit_until": None, "mhfa_until": None, "refresher_due_on": None}

    Person.all_agencies.update(**blank)
    refresh_agencies_training_status([agency_a.pk, agency_b.pk])
    assert [stored(agency_a, agency_a.today()), stored(agency_b, agency_b.today())] == expected

    Person.all_agencies.update(**blank)
    migration = importlib.import_module("training.migrations.0010_person_training_status")

    class Editor:
        def execute(self, sql, params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    Editor.connection = connection
    migration.fill_in(apps, Editor())
    assert [stored(agency_a, agency_a.today()), stored(agency_b, agency_b.today())] == expected
    assert expected[0]["1"] == CIT
