"""Progress figures from SQL equal a plain Python count, on random small agencies."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onemind.lib.dates import add_months
from onemind.lib.findings import Finding
from pledges.engine import progress
from pledges.engine.evaluation import Figures, evaluate, tally
from pledges.models import CitBase, ProgressSnapshot
from tests.factories import AgencyFactory, PersonFactory, TrainingRecordFactory, course
from tests.rules import EVERY_RULES, counts_judged, plain_counts
from training.models import Category, Course, CourseKind, CourseStatus, Status, TrainingRecord

D = date(2026, 6, 15)


def people_held(agency, on) -> list[tuple[bool, set[str], set[str]]]:
    """The straightforward reading: every person in scope, every record, in Python: whether
    sworn, the kinds held current on `on` and the kinds completed by it."""
    records = TrainingRecord.all_agencies.filter(agency=agency).select_related("course")
    held = []
    for person in agency_people(agency):
        if not person.in_scope:
            continue
        completed = [
            r
            for r in records
            if r.person_id == person.pk
            and r.completed_on <= on
            and r.course.status == CourseStatus.APPROVED
        ]
        current = {r.course.kind for r in completed if r.valid_until is None or r.valid_until >= on}
        held.append(
            (person.category == Category.SWORN, current, {r.course.kind for r in completed})
        )
    return held


def agency_people(agency):
    from training.models import Person

    return Person.all_agencies.filter(agency=agency)


people_strategy = st.lists(
    st.tuples(
        st.sampled_from([Category.SWORN, Category.NON_SWORN]),
        st.booleans(),  # selected
        st.sampled_from([Status.ACTIVE, Status.ACTIVE, Status.LEAVE, Status.SEPARATED]),
        st.lists(  # records: (course, days before D it was completed)
            st.tuples(
                st.sampled_from(["cit", "mhfa", "crit", "own_approved", "own_proposed", "other"]),
                st.one_of(
                    st.integers(-5, 1300),
                    st.just("mhfa_expires_today"),
                    st.just("mhfa_expired_yesterday"),
                ),
            ),
            max_size=3,
        ),
    ),
    max_size=12,
)


def make_course(agency, name):
    if name == "cit":
        return course(CourseKind.CIT)
    if name == "mhfa":
        return course(CourseKind.MHFA)
    if name == "crit":
        return course(CourseKind.CIT_EQUIVALENT)
    if name == "other":
        return course(CourseKind.OTHER)
    status = CourseStatus.APPROVED if name == "own_approved" else CourseStatus.PROPOSED
    own, _ = Course.objects.get_or_create(
        agency=agency,
        name=f"County {name}",
        defaults={"kind": CourseKind.MHFA_EQUIVALENT, "hours": 8, "status": status},
    )
    return own


def completion(when):
    if when == "mhfa_expires_today":
        return add_months(D, -36)  # valid until D itself
    if when == "mhfa_expired_yesterday":
        return add_months(D - timedelta(days=1), -36)
    return D - timedelta(days=when)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people_strategy)
def test_sql_figures_equal_a_plain_count(db, people):
    agency = AgencyFactory()
    for n, (category, selected, status, records) in enumerate(people):
        person = PersonFactory(
            agency=agency,
            employee_id=str(n),
            category=category,
            selected=selected,
            status=status,
        )
        for course_name, when in records:
            done = completion(when if course_name == "mhfa" or isinstance(when, int) else 10)
            chosen = make_course(agency, course_name)
            TrainingRecord.all_agencies.get_or_create(
                agency=agency,
                person=person,
                course=chosen,
                completed_on=done,
                defaults={"valid_until": chosen.valid_until(done)},
            )
    other = AgencyFactory()  # figures never leak between agencies
    TrainingRecordFactory(person__agency=other)

    figures = progress.training_figures([agency.pk, other.pk], D)

    people = people_held(agency, D)
    assert figures[agency.pk] == tally(people)
    for rules in EVERY_RULES:  # and each combination of the rules reads its own figures
        judged = evaluate(rules, Figures(figures[agency.pk], Finding(True), Finding(True)))
        assert counts_judged(judged) == plain_counts(rules, people), rules.name


def test_one_aggregate_per_batch_of_agencies(db, django_assert_max_num_queries, monkeypatch):
    agencies = [AgencyFactory() for _ in range(5)]
    for agency in agencies:
        TrainingRecordFactory(person__agency=agency)
    monkeypatch.setattr(progress, "BATCH_SIZE", 2)
    ids = [a.pk for a in agencies]
    # Whatever the agencies' sizes: the rules (twice), partnerships and policies in force,
    # the regions' webhook endpoints (whose member agencies' changes are news too);
    # per batch the training figures, open pledges and the pace baselines (at most three);
    # one write of the snapshots (on PostgreSQL, in a savepoint: staging table, COPY, INSERT)
    # and one of the agencies' standing.
    from django.db import connection

    write = (4 if connection.vendor == "postgresql" else 1) + 1
    with django_assert_max_num_queries(5 + 3 * (2 + 3) + write):
        assert progress.recompute(ids, D) == 5


def test_a_snapshot_is_updated_in_place_during_the_day(db):
    record = TrainingRecordFactory(course=course(CourseKind.CIT), completed_on=D - timedelta(30))
    agency = record.agency
    progress.recompute([agency.pk], D)
    PersonFactory(agency=agency)
    progress.recompute([agency.pk], D)

    snapshot = ProgressSnapshot.all_agencies.get(agency=agency)
    assert (snapshot.in_scope, snapshot.cit_count, snapshot.cit_required) == (2, 1, 1)
    assert snapshot.cit_met and not snapshot.coverage_met and not snapshot.all_met
    progress.recompute([agency.pk], D + timedelta(days=1))
    assert ProgressSnapshot.all_agencies.filter(agency=agency).count() == 2


@pytest.mark.postgres
def test_sql_figures_on_postgres_match_on_a_fixed_case(db):
    record = TrainingRecordFactory(course=course(CourseKind.MHFA), completed_on=add_months(D, -36))
    PersonFactory(agency=record.agency, status=Status.LEAVE)
    figures = progress.training_figures([record.agency_id], D)[record.agency_id]
    assert figures == tally(people_held(record.agency, D))
    assert figures.current.mhfa_strict == 1 and figures.in_scope == 1


def test_the_national_dataset_loads_with_its_largest_agencies_first(db, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from agencies.models import Agency
    from pledges.management.commands import national_dataset
    from training.models import Person

    monkeypatch.setattr(national_dataset, "LARGEST", [60, 25, 12])
    call_command("national_dataset", agencies=8, stdout=StringIO())
    first = list(
        Person.all_agencies.order_by("agency__slug", "employee_id").values_list(
            "agency__slug", "employee_id", "last_name", "category", "status"
        )
    )
    sizes = list(Agency.objects.order_by("slug").values_list("sworn_strength", flat=True))
    assert sizes[:3] == [60, 25, 12] and len(first) == sum(sizes)
    import random

    same = national_dataset.roster_sizes(8, random.Random(2026))
    assert same == national_dataset.roster_sizes(8, random.Random(2026)) == sizes
    assert TrainingRecord.all_agencies.exists()
    assert progress.recompute(list(Agency.objects.values_list("pk", flat=True)), D) == 8

    with pytest.raises(Exception, match="loaded already"):
        call_command("national_dataset", agencies=8, stdout=StringIO())


def test_a_slower_run_never_overwrites_a_newer_snapshot(db):
    from onemind.lib.bulk import upsert_rows

    record = TrainingRecordFactory(course=course(CourseKind.CIT), completed_on=D - timedelta(30))
    progress.recompute([record.agency_id], D)
    newer = ProgressSnapshot.all_agencies.get(agency=record.agency)
    stale = {
        "agency_id": record.agency_id,
        "day": D,
        "rules_id": newer.rules_id,
        "in_scope": 0,
        "computed_at": newer.computed_at - timedelta(seconds=5),
    }
    fields = [f.name for f in progress.SNAPSHOT_FIELDS]
    from django.db import connection

    upsert_rows(ProgressSnapshot, [stale], ["agency", "day"], fields, newer_by="computed_at")
    newer.refresh_from_db()
    if connection.vendor == "postgresql":  # SQLite writes one process at a time
        assert newer.in_scope == 1  # the stale figures lost
    with pytest.raises(ValueError, match="each key once"):
        upsert_rows(ProgressSnapshot, [stale, stale], ["agency", "day"], fields)


def test_the_snapshot_carries_the_pace_and_flags_an_agency_at_risk(db):
    from pledges.models import Pledge, ProgramRules

    agency = AgencyFactory()
    people = PersonFactory.create_batch(10, agency=agency)
    progress.recompute([agency.pk], D - timedelta(days=90))  # nobody trained then
    TrainingRecordFactory(
        person=people[0], course=course(CourseKind.MHFA), completed_on=D - timedelta(10)
    )
    Pledge.all_agencies.create(
        agency=agency,
        rules=ProgramRules.objects.in_force(D),
        status="pledged",
        pledged_on=D - timedelta(days=100),
        target_date=D + timedelta(days=100),
        chief_name="A",
        chief_title="Chief",
    )

    progress.recompute([agency.pk], D)

    today = ProgressSnapshot.all_agencies.get(agency=agency, day=D)
    # One person in 90 days: the other nine take 810 days, well past the target.
    assert today.projected_on == D + timedelta(days=810)
    assert today.at_risk


def test_an_agency_with_nobody_in_scope_is_not_at_risk(db):
    from pledges.engine.pace import project

    pace = project((D - timedelta(days=90), 0), 0, 0, D, D + timedelta(days=10))
    assert not pace.at_risk and pace.projected_on is None


def test_a_baseline_exactly_90_days_back_is_kept_when_a_neighbour_is_younger(db):
    old, young = AgencyFactory(), AgencyFactory()
    progress.recompute([old.pk], D - timedelta(days=90))
    progress.recompute([old.pk, young.pk], D - timedelta(days=89))
    baselines = progress.pace_baselines([old.pk, young.pk], D)
    assert baselines[old.pk][0] == D - timedelta(days=90)
    assert baselines[young.pk][0] == D - timedelta(days=89)


def test_agencies_under_different_rules_are_judged_in_one_batch(db):
    """One pledge is bound to rules that take the CIT minimum over sworn officers and let a
    lapsed certificate count; its neighbour is judged by the rules in force. Each reads
    its own figures from the same aggregate."""
    from pledges.models import CoverageMode, Pledge, ProgramRules

    lenient = ProgramRules.objects.create(
        name="Sworn officers, lapsed certificates count",
        effective_on=date(2031, 1, 1),
        coverage_mode=CoverageMode.CIT_OR_MHFA,
        cit_base=CitBase.SWORN,
        training_must_be_current=False,
    )
    bound, usual = AgencyFactory(), AgencyFactory()
    for agency in (bound, usual):
        officer = PersonFactory(agency=agency, category=Category.SWORN)
        dispatcher = PersonFactory(agency=agency, category=Category.NON_SWORN, selected=True)
        TrainingRecordFactory(
            person=dispatcher, course=course(CourseKind.CIT), completed_on=D - timedelta(30)
        )
        lapsed = add_months(D, -40)  # MHFA counts for 36 months
        TrainingRecordFactory(person=officer, course=course(CourseKind.MHFA), completed_on=lapsed)
    Pledge.all_agencies.create(
        agency=bound,
        rules=lenient,
        status="pledged",
        pledged_on=D - timedelta(days=100),
        target_date=D + timedelta(days=300),
        chief_name="A",
        chief_title="Chief",
    )

    progress.recompute([bound.pk, usual.pk], D)

    def figures(agency):
        snapshot = ProgressSnapshot.all_agencies.get(agency=agency, day=D)
        return (
            snapshot.rules.name,
            (snapshot.cit_count, snapshot.cit_total, snapshot.cit_required, snapshot.cit_met),
            (snapshot.covered_count, snapshot.in_scope, snapshot.coverage_met),
        )

    # The dispatcher's CIT is not the sworn minimum's; the officer's lapsed MHFA still counts.
    assert figures(bound) == (lenient.name, (0, 1, 1, False), (2, 2, True))
    # Over everyone in scope the dispatcher's CIT meets the minimum; a lapsed MHFA does not count.
    assert figures(usual) == ("Current rules", (1, 2, 1, True), (1, 2, False))
