"""`manage.py import_file`: program staff import an agency's files from the command line."""

import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from agencies.models import AuditEvent
from tests.factories import PersonFactory
from training.models import ImportBatch, ImportMapping, Person, TrainingRecord

EXPORT = (
    b"Personnel roster\r\n"
    b"Badge #,Last Name,First Name,Rank,Assignment,Sworn?,Status\r\n"
    b"1001,Delgado,Maria,Officer,Patrol - B Shift,Y,Active\r\n"
    b"1002,Ng,Lily,Dispatcher,Communications,Prof,Active\r\n"
    b"1003,,Sean,Sergeant,SRO,Y,Active\r\n"
)


@pytest.fixture(autouse=True)
def a_fixed_day():
    with time_machine.travel("2026-11-16 15:00Z"):
        yield


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(EXPORT)
    return path


def import_file(*args) -> str:
    out = io.StringIO()
    call_command("import_file", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_preview_and_leaves_nothing_behind(agency_a, reviewer, export):
    out = import_file(export, "--agency", agency_a.slug, "--kind", "roster", "--by", reviewer.email)
    assert "roster.csv: 3 rows read" in out
    assert "to create: 1, to update: 0, unchanged: 0, skipped: 2" in out
    assert "row 4, Sworn or non-sworn: “Prof” has no meaning chosen" in out
    assert "row 5, Last name: is empty" in out
    assert "Dry run: nothing was imported." in out
    assert not ImportBatch.all_agencies.exists() and not Person.all_agencies.exists()
    assert not ImportMapping.all_agencies.exists() and not AuditEvent.objects.exists()


def test_json_summarises_counts_errors_values_and_scope(agency_a, reviewer, export):
    out = import_file(
        export, "--agency", agency_a.slug, "--kind", "roster", "--by", reviewer.email, "--json"
    )
    summary = json.loads(out)
    assert summary["committed"] is False
    assert {k: summary["counts"][k] for k in ("rows", "create", "update", "skipped")} == {
        "rows": 3, "create": 1, "update": 0, "skipped": 2,
    }  # fmt: skip
    assert {"row": 5, "column": "Last name", "reason": "is empty"} in summary["errors"]
    values = {v["value"]: v["meaning"] for v in summary["values"]}
    assert values == {"Y": "sworn", "Prof": None, "Active": "active"}
    assert summary["in_scope"] == 1
    assert summary["scope"]["Sworn, active: in scope"] == 1


def test_commit_imports_the_rows_it_keeps_with_the_agency_s_remembered_choices(
    agency_a, reviewer, export
):
    ImportMapping.all_agencies.create(
        agency=agency_a, kind="roster", values={"category": {"prof": "non_sworn"}}
    )
    out = import_file(
        export, "--agency", agency_a.slug, "--kind", "roster", "--by", reviewer.email, "--commit"
    )
    assert "Imported." in out
    categories = dict(Person.all_agencies.values_list("employee_id", "category"))
    assert categories == {"1001": "sworn", "1002": "non_sworn"}
    batch = ImportBatch.all_agencies.get()
    assert batch.state == "done" and batch.uploaded_by == reviewer
    assert AuditEvent.objects.filter(action="import.committed", actor=reviewer).exists()


def test_a_training_file_skips_training_not_for_the_pledge(agency_a, reviewer, tmp_path):
    PersonFactory(agency=agency_a, employee_id="1001")
    path = tmp_path / "lms.csv"
    path.write_bytes(
        b"Student ID,Course Title,Completion Date\n"
        b"1001,Crisis Intervention Team (CIT),2026-05-10\n1001,Defensive Tactics,2026-05-11\n"
    )
    summary = json.loads(
        import_file(
            path,
            "--agency",
            agency_a.slug,
            "--kind",
            "training",
            "--by",
            reviewer.email,
            "--json",
            "--commit",
        )  # fmt: skip
    )
    assert summary["committed"] is True
    assert (summary["counts"]["create"], summary["counts"]["not_for_the_pledge"]) == (1, 1)
    assert TrainingRecord.all_agencies.get().course.kind == "cit"


def test_only_program_staff_and_a_known_agency(agency_a, editor, reviewer, export):
    with pytest.raises(CommandError, match="is not a program staff account"):
        import_file(export, "--agency", agency_a.slug, "--kind", "roster", "--by", editor.email)
    with pytest.raises(CommandError, match="No agency has the slug"):
        import_file(export, "--agency", "nowhere", "--kind", "roster", "--by", reviewer.email)
    with pytest.raises(CommandError, match="No such file"):
        import_file(
            export.with_name("missing.csv"), "--agency", agency_a.slug, "--kind", "roster",
            "--by", reviewer.email,
        )  # fmt: skip
