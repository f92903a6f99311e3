"""The preview's plan, kept for the run: a confirmed import writes it without reading the
file again, unless something it was planned from changed meanwhile."""

from datetime import date

import pytest

from tests.factories import PersonFactory, TrainingRecordFactory, course
from tests.files import ROSTER_CSV
from training.imports import kept_plans, runs
from training.imports.services import import_retry
from training.models import CourseKind, ImportState, Person, TrainingRecord
from training.services import person_update

TRAINING_CSV = (
    b"Employee ID,Course,Completed,Hours\n1001,CIT,2024-05-10,40\n1002,CIT,2024-05-10,40\n"
)


@pytest.fixture
def planned(monkeypatch):
    """Every file read and planned, by preview or run: the batches' ids, in order."""
    plans, reads = [], []
    plan_of, read_checked = runs.plan_of, runs.read_checked

    def planning(batch, table):
        plans.append(batch.pk)
        return plan_of(batch, table)

    def reading(data, filename, kind):
        reads.append(filename)
        return read_checked(data, filename, kind)

    monkeypatch.setattr(runs, "plan_of", planning)
    monkeypatch.setattr(runs, "read_checked", reading)
    return plans, reads


def test_a_confirmed_import_writes_the_plan_its_preview_kept(importer, agency_a, planned):
    plans, reads = planned
    batch = importer.check(importer.upload(ROSTER_CSV))
    assert batch.kept_plan and len(plans) == 1
    reads.clear()
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE
    assert len(plans) == 1 and reads == [], "the run neither read nor planned the file again"
    assert batch.result["create"] == 3
    people = Person.all_agencies.filter(agency=agency_a)
    assert sorted(people.values_list("employee_id", flat=True)) == ["1001", "1002", "1003"]
    assert len({p.public_id for p in people}) == 3 and all(p.created_at for p in people)
    assert not batch.kept_plan, "the plan goes once it was written"


def test_someone_added_to_the_roster_before_the_confirmation_is_planned_again(
    importer, agency_a, planned
):
    plans, _reads = planned
    batch = importer.check(importer.upload(ROSTER_CSV))
    assert batch.preview["counts"]["create"] == 3
    PersonFactory(agency=agency_a, employee_id="1002", last_name="Obrien", category="sworn")
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and len(plans) == 2
    assert (batch.result["create"], batch.result["update"]) == (2, 1)
    assert Person.all_agencies.get(agency=agency_a, employee_id="1002").last_name == "O'Brien"


def test_a_person_edited_before_the_confirmation_is_planned_again(importer, agency_a, planned):
    plans, _reads = planned
    importer.run(ROSTER_CSV)
    promoted = ROSTER_CSV.replace(
        b'1001,"Delgado, Maria",Officer', b'1001,"Delgado, Maria",Sergeant'
    )
    batch = importer.check(importer.upload(promoted))
    assert batch.preview["counts"]["update"] == 1
    plans.clear()
    # Someone records the promotion by hand meanwhile: the roster's count stays the same.
    person = Person.all_agencies.get(agency=agency_a, employee_id="1001")
    person_update(agency=agency_a, actor=batch.uploaded_by, person=person, rank="Sergeant")
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and plans == [batch.pk]
    assert (batch.result["update"], batch.result["unchanged"]) == (0, 3)


def test_an_edit_stamped_earlier_than_the_latest_write_is_still_noticed(
    importer, agency_a, planned
):
    """A host whose clock is behind writes a person: the latest `updated_at` is unchanged,
    and the count too, yet the plan is made again."""
    plans, _reads = planned
    importer.run(ROSTER_CSV)
    batch = importer.check(importer.upload(ROSTER_CSV))
    plans.clear()
    first, second = Person.all_agencies.filter(agency=agency_a).order_by("pk")[:2]
    Person.all_agencies.filter(pk=first.pk).update(employee_id="swap", updated_at=first.updated_at)
    Person.all_agencies.filter(pk=second.pk).update(
        employee_id=first.employee_id, updated_at=second.updated_at
    )
    Person.all_agencies.filter(pk=first.pk).update(employee_id=second.employee_id)
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and plans == [batch.pk]


def test_a_record_added_before_the_confirmation_is_planned_again(importer, agency_a, planned):
    plans, _reads = planned
    PersonFactory(agency=agency_a, employee_id="1001")
    PersonFactory(agency=agency_a, employee_id="1002")
    batch = importer.check(importer.upload(TRAINING_CSV, name="lms.csv", kind="training"))
    assert batch.preview["counts"]["create"] == 2
    TrainingRecordFactory(
        person=Person.all_agencies.get(agency=agency_a, employee_id="1001"),
        course=course(CourseKind.CIT), completed_on=date(2024, 5, 10), hours=40,
    )  # fmt: skip
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and len(plans) == 2
    assert (batch.result["create"], batch.result["unchanged"]) == (1, 1)
    assert TrainingRecord.all_agencies.filter(agency=agency_a).count() == 2


def test_a_training_import_writes_its_kept_plan(importer, agency_a, planned):
    plans, reads = planned
    PersonFactory(agency=agency_a, employee_id="1001")
    PersonFactory(agency=agency_a, employee_id="1002")
    batch = importer.check(importer.upload(TRAINING_CSV, name="lms.csv", kind="training"))
    reads.clear()
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and len(plans) == 1 and reads == []
    records = TrainingRecord.all_agencies.filter(agency=agency_a)
    assert records.count() == 2
    assert {(r.source, r.import_batch_id, r.entered_by_id) for r in records} == {
        ("imported", batch.pk, batch.uploaded_by_id)
    }


def test_answers_changed_after_the_preview_are_planned_again(importer, agency_a, planned):
    plans, reads = planned
    batch = importer.check(importer.upload(ROSTER_CSV))
    assert batch.preview["counts"]["imported_rows"] == 3
    batch = importer.choose(batch, {"LOA": "skip"})  # the values step taken again
    assert batch.preview["counts"]["imported_rows"] == 2 and len(plans) == 2
    reads.clear()
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and len(plans) == 2 and reads == []
    assert batch.result["create"] == 2
    assert not Person.all_agencies.filter(agency=agency_a, employee_id="1003").exists()


def test_a_stored_file_that_changed_is_planned_again(importer, agency_a, planned):
    plans, _reads = planned
    batch = importer.check(importer.upload(ROSTER_CSV))
    with batch.file.storage.open(batch.file.name, "wb") as stored:
        stored.write(ROSTER_CSV.replace(b"Delgado", b"Delgada"))
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and len(plans) == 2
    assert Person.all_agencies.get(agency=agency_a, employee_id="1001").last_name == "Delgada"


def test_a_kept_plan_that_is_not_the_one_kept_is_planned_again(importer, agency_a, planned):
    plans, _reads = planned
    batch = importer.check(importer.upload(ROSTER_CSV))
    with batch.kept_plan.storage.open(batch.kept_plan.name, "wb") as stored:
        stored.write(b"\0" * 32 + b"not a plan this import kept")
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and len(plans) == 2
    assert batch.result["create"] == 3


def test_a_failed_run_plans_afresh_when_run_again(importer, agency_a, planned, monkeypatch):
    plans, _reads = planned
    batch = importer.check(importer.upload(ROSTER_CSV))

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(runs, "apply_plan", broken)
        batch = importer.confirm(batch)
    assert batch.state == ImportState.FAILED and not batch.kept_plan
    import_retry(agency=agency_a, actor=batch.uploaded_by, batch=batch)
    runs.import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and len(plans) == 2


def test_a_plan_kept_by_another_version_of_the_code_is_planned_again(
    importer, planned, monkeypatch
):
    plans, _reads = planned
    batch = importer.check(importer.upload(ROSTER_CSV))
    monkeypatch.setattr(kept_plans, "PLAN_FORMAT", kept_plans.PLAN_FORMAT + 1)
    monkeypatch.setattr(kept_plans, "_FORMAT", b"plan-format-next\n")
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE and len(plans) == 2
    assert batch.result["create"] == 3
