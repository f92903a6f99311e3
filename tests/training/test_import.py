"""Roster and training imports, end to end through the pages a coordinator uses."""

import io
from datetime import date
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import AuditEvent
from onemind.lib import tables
from tests.conftest import login
from tests.factories import PersonFactory, TrainingRecordFactory, course
from tests.files import ROSTER_CSV, blank_rows, unpacked_bytes, with_rows, xlsx
from tests.training.conftest import url
from training.imports import planning
from training.imports import runs as import_runs
from training.imports import services as import_services
from training.models import (
    CourseKind,
    ImportBatch,
    ImportMapping,
    ImportState,
    ImportTouch,
    Person,
    TrainingRecord,
)


def test_a_roster_csv_is_guessed_previewed_and_imported(client, importer, agency_a):
    batch = importer.upload(ROSTER_CSV)
    assert batch.mapping == {
        "employee_id": "Employee ID", "full_name": "Name", "rank": "Rank",
        "category": "Sworn", "status": "Status", "hire_date": "Hire Date",
    }  # fmt: skip
    batch = importer.check(batch)
    assert batch.preview["counts"] == {
        "rows": 3, "create": 3, "update": 0, "unchanged": 0, "errors": 0,
        "rows_with_errors": 0, "not_for_the_pledge": 0, "skipped": 0, "imported_rows": 3,
        "repeats": 0,
    }  # fmt: skip
    assert not Person.all_agencies.exists(), "the preview changes nothing"
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE
    people = {p.employee_id: p for p in Person.all_agencies.filter(agency=agency_a)}
    assert (people["1001"].first_name, people["1001"].last_name) == ("Maria", "Delgado")
    assert people["1001"].hire_date == date(2019, 6, 3)
    assert (people["1003"].category, people["1003"].status) == ("non_sworn", "leave")
    assert people["1003"].hire_date == date(2021, 3, 1)
    event = AuditEvent.objects.get(action="import.committed")
    assert event.changes["create"] == [None, 3] and event.object_id == str(batch.public_id)
    assert ImportTouch.all_agencies.filter(batch=batch).count() == 3
    page = client.get(url("person_detail", agency_a, person_id=people["1002"].public_id))
    assert "roster.csv" in page.content.decode()


def test_importing_the_same_file_twice_changes_nothing(importer, agency_a):
    importer.run(ROSTER_CSV)
    before = list(Person.all_agencies.values_list("pk", "updated_at", "status_changed_on"))
    second = importer.run(ROSTER_CSV)
    assert second.preview["counts"]["unchanged"] == 3
    assert second.result["create"] == second.result["update"] == 0
    after = list(Person.all_agencies.values_list("pk", "updated_at", "status_changed_on"))
    assert after == before
    assert ImportTouch.all_agencies.filter(batch=second).count() == 0


def test_a_changed_row_updates_only_that_person(client, importer, agency_a):
    importer.run(ROSTER_CSV)
    promoted = ROSTER_CSV.replace(
        b'1001,"Delgado, Maria",Officer', b'1001,"Delgado, Maria",Sergeant'
    )
    batch = importer.check(importer.upload(promoted))
    assert batch.preview["sample"][0]["changed"] == ["rank"]
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "Updated: Rank or title" in page
    batch = importer.confirm(batch)
    assert batch.result["update"] == 1 and batch.result["unchanged"] == 2
    assert Person.all_agencies.get(employee_id="1001").rank == "Sergeant"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            "Employee ID;Last name;First name;Sworn\r\n7;Müller;José;S\r\n".encode("cp1252"),
            "hr.csv",
        ),
        (
            "Employee ID\tLast name\tFirst name\tSworn\n7\tMüller\tJosé\tS\n".encode("latin-1"),
            "hr.txt",
        ),
        ("Employee ID,Last name,First name,Sworn\n7,Müller,José,S\n".encode(), "hr.csv"),
    ],
    ids=["windows-1252-semicolon", "latin-1-tab", "utf-8-comma"],
)
def test_encodings_and_delimiters_from_real_systems(importer, data, name):
    importer.run(data, name=name)
    person = Person.all_agencies.get(employee_id="7")
    assert (person.first_name, person.last_name) == ("José", "Müller")


def test_an_excel_roster_with_date_cells_and_numeric_ids(importer):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Emp #", "Last Name", "First Name", "Employee Type", "Date Hired"])
    sheet.append([2001.0, "Okafor", "Chidi", "Sworn", date(2015, 4, 20)])
    sheet.append([2002, "Walsh", "Erin", "Sworn", 42005])  # an Excel serial: 2015-01-01
    stream = io.BytesIO()
    workbook.save(stream)
    batch = importer.run(stream.getvalue(), name="Roster Export.xlsx")
    assert batch.state == ImportState.DONE
    people = {p.employee_id: p for p in Person.all_agencies.all()}
    assert people["2001"].hire_date == date(2015, 4, 20)
    assert people["2002"].hire_date == date(2015, 1, 1)


def test_row_errors_name_the_row_and_column_and_the_good_rows_import(client, importer, agency_a):
    data = (
        b"Employee ID,Last name,Sworn,Hire date\n"
        b"1,Adams,Sworn,13/45/2020\n"
        b"2,,Sworn,01/02/2020\n"
        b"1,Baker,Sworn,01/02/2020\n"
        b"3,Chen,Maybe,01/02/2020\n"
        b"4,Diaz,Sworn,01/02/2999\n"
    )
    batch = importer.check(importer.upload(data), values={"Maybe": "non_sworn"})
    errors = {(row, column) for row, column, _ in batch.preview["errors"]}
    assert errors == {
        (2, "Hire date"), (2, "Employee ID"), (3, "Last name"), (6, "Hire date"),
    }  # fmt: skip
    assert batch.preview["counts"]["rows_with_errors"] == 4
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "Import 1 row and skip 4" in page
    batch = importer.confirm(batch)
    assert batch.state == ImportState.DONE
    assert list(Person.all_agencies.values_list("employee_id", "category")) == [("3", "non_sworn")]
    download = client.get(url("import_errors", agency_a, batch_id=batch.public_id))
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Why it is skipped,Employee ID,Last name,Sworn,Hire date"
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "3", "4", "6"]
    assert "13/45/2020" in lines[1] and "rows 2 and 4 are for the same employee ID" in lines[1]


def test_a_failure_while_writing_rolls_back_the_whole_import(importer, agency_a):
    PersonFactory(agency=agency_a, employee_id="1001", rank="Officer", last_name="Delgado")
    batch = importer.check(importer.upload(ROSTER_CSV))
    with mock.patch.object(Person.objects, "bulk_update", side_effect=RuntimeError("disk full")):
        batch = importer.confirm(batch)
    assert batch.state == ImportState.FAILED and "nothing was imported" in batch.error
    assert Person.all_agencies.count() == 1
    assert not AuditEvent.objects.filter(action="import.committed").exists()


def test_dates_at_the_ends_of_the_calendar_are_row_errors_in_words(importer, agency_a):
    roster = (
        b"Employee ID,Last name,Sworn,Hire date\n"
        b"1,Adams,Sworn,12/31/9999\n"
        b"2,Baker,Sworn,0001-01-01\n"
        b"3,Chen,Sworn,2958465\n"
    )
    batch = importer.check(importer.upload(roster))
    assert batch.preview["errors"] == [
        [2, "Hire date", "The date cannot be in the future (Dec 31, 9999)"],
        [3, "Hire date", "The date cannot be before Jan 1, 1950 (Jan 1, 0001); check the year"],
        [4, "Hire date", "The date cannot be in the future (Dec 31, 9999)"],
    ]
    PersonFactory(agency=agency_a, employee_id="1001")
    training = b"Employee ID,Course,Completed\n1001,CIT,9999-12-31\n1001,MHFA,1/1/0001\n"
    batch = importer.check(importer.upload(training, name="lms.csv", kind="training"))
    assert [message for _, _, message in batch.preview["errors"]] == [
        "The date cannot be in the future (Dec 31, 9999)",
        "The date cannot be before Jan 1, 1970 (Jan 1, 0001); check the year",
    ]


def test_new_people_need_a_category_from_a_column_or_their_title(importer):
    batch = importer.check(importer.upload(b"Employee ID,Last name\n9,Ito\n"))
    assert batch.preview["errors"] == [
        [2, "Sworn or non-sworn", "is needed for someone new to the roster"]
    ]
    assert batch.preview["counts"]["create"] == 0


def test_the_column_mapping_is_remembered_for_the_next_file(importer, agency_a):
    data = b"Badge,Surname,Type\n5,Ng,Sworn\n"
    batch = importer.upload(data)
    mapping = {"employee_id": "Badge", "last_name": "Surname", "category": "Type"}
    importer.confirm(importer.check(batch, mapping=mapping))
    assert ImportMapping.all_agencies.get(agency=agency_a).columns == mapping
    assert importer.upload(b"Badge,Surname,Type\n6,Li,Sworn\n").mapping == mapping


def test_training_import_records_courses_by_name_or_short_name(importer, agency_a):
    PersonFactory(agency=agency_a, employee_id="1001")
    PersonFactory(agency=agency_a, employee_id="1002")
    data = (
        b"Employee ID,Course,Completed,Hours,Certificate\n"
        b"1001,CIT,2024-05-10,40,CIT-77\n"
        b"1002,Mental Health First Aid for Public Safety,5/10/24,,\n"
    )
    batch = importer.run(data, name="lms.csv", kind="training")
    assert batch.state == ImportState.DONE and batch.result["create"] == 2
    record = TrainingRecord.all_agencies.get(person__employee_id="1002")
    assert record.course == course(CourseKind.MHFA) and record.valid_until == date(2027, 5, 10)
    assert record.source == "imported" and record.import_batch == batch
    again = importer.run(data, name="lms.csv", kind="training")
    assert again.result == {**again.result, "create": 0, "update": 0, "unchanged": 2}


@pytest.mark.parametrize("few_people", [1000, 0], ids=["by-person", "whole-agency"])
def test_a_training_file_is_compared_with_the_records_kept_however_many_people_it_names(
    importer, agency_a, monkeypatch, few_people
):
    """Past FEW_PEOPLE people the plan reads the agency's records whole: either way a record
    kept already is updated or left alone, never added again."""
    monkeypatch.setattr(planning, "FEW_PEOPLE", few_people)
    cit = course(CourseKind.CIT)
    kept = TrainingRecordFactory(
        person=PersonFactory(agency=agency_a, employee_id="1001"),
        course=cit, completed_on=date(2024, 5, 10), hours=40,
    )  # fmt: skip
    PersonFactory(agency=agency_a, employee_id="1002")
    data = b"Employee ID,Course,Completed,Hours\n1001,CIT,2024-05-10,32\n1002,CIT,2024-05-10,40\n"
    batch = importer.run(data, name="lms.csv", kind="training")
    assert (batch.result["create"], batch.result["update"], batch.result["unchanged"]) == (1, 1, 0)
    kept.refresh_from_db()
    assert kept.hours == 32
    assert TrainingRecord.all_agencies.filter(agency=agency_a).count() == 2
    again = importer.run(data, name="lms.csv", kind="training")
    assert (again.result["create"], again.result["update"], again.result["unchanged"]) == (0, 0, 2)


def test_training_import_skips_unknown_people_other_courses_and_reads_repeats_once(
    importer, agency_a, agency_b
):
    PersonFactory(agency=agency_a, employee_id="1001")
    PersonFactory(agency=agency_b, employee_id="B-9")  # another agency's officer
    data = (
        b"Employee ID,Course,Completed\n"
        b"B-9,CIT,2024-05-10\n"
        b"1001,Basket weaving,2024-05-10\n"
        b"1001,CIT,2024-05-10\n"
        b"1001,cit,2024-05-10\n"
    )
    batch = importer.check(importer.upload(data, name="lms.csv", kind="training"))
    messages = {row: message for row, _, message in batch.preview["errors"]}
    assert messages == {2: "B-9 is not on the roster: import the roster first"}
    counts = batch.preview["counts"]
    assert (counts["not_for_the_pledge"], counts["create"], counts["repeats"]) == (1, 1, 1)
    assert batch.preview["notes"] == [[4, "", "rows 4 and 5 are the same; read once"]]
    assert not TrainingRecord.all_agencies.exists()


def test_caps_on_size_and_rows_are_explained(importer, settings):
    big = b"Employee ID,Last name\n" + b"1,Ng\n" * 10
    with mock.patch.object(import_services, "MAX_FILE_BYTES", 50):
        response = importer.upload(big)
    text = response.content.decode()
    assert "The file is 0.0 MB; the limit is 0 MB" in text and "Split it" in text
    with mock.patch.object(tables, "MAX_ROWS", 5):
        response = importer.upload(big)
    assert "the limit is 5" in response.content.decode()
    assert not ImportBatch.all_agencies.exists()


def test_a_workbook_of_a_million_blank_rows_is_refused_at_once(importer):
    header_only = with_rows(xlsx(["Employee ID", "Last name"]), blank_rows(2, 1_000_000))
    with unpacked_bytes() as unpacked:
        response = importer.upload(header_only, name="roster.xlsx")
    assert "The file has a header row but no data rows." in response.content.decode()
    assert unpacked["bytes"] < 200_000
    assert not ImportBatch.all_agencies.exists()


def test_the_preview_says_where_a_run_of_blank_rows_ended_the_sheet(client, importer, agency_a):
    data = with_rows(
        xlsx(["Employee ID", "Last name", "Sworn"], [7, "Ng", "Sworn"]),
        blank_rows(3, 1_000) + b'<row r="1003"><c r="A1003"><v>8</v></c></row>',
    )
    batch = importer.upload(data, name="roster.xlsx")
    assert batch.preview["rows"] == 1
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "Reading stopped after row 2: the rows below it are blank for at least 1,000" in page


def test_a_large_workbook_with_blank_rows_short_of_the_limit_is_imported_whole(importer):
    people = [[1000 + n, f"Last{n}", "Sworn", date(2020, 1, 1)] for n in range(1_500)]
    data = with_rows(
        xlsx(["Employee ID", "Last name", "Sworn", "Hire date"], *people),
        blank_rows(1_502, 999)
        + b'<row r="2501"><c r="A2501"><v>9999</v></c><c r="B2501" t="inlineStr"><is><t>Zed'
        b'</t></is></c><c r="C2501" t="inlineStr"><is><t>Sworn</t></is></c></row>',
    )
    batch = importer.run(data, name="roster.xlsx")
    assert batch.state == ImportState.DONE and batch.result["create"] == 1_501
    assert Person.all_agencies.get(employee_id="9999").last_name == "Zed"


def test_a_file_that_is_not_a_spreadsheet_is_refused(importer):
    response = importer.upload(b"%PDF-1.7 binary", name="roster.pdf")
    assert response.status_code == 200
    assert "CSV file (.csv) or an Excel workbook (.xlsx)" in response.content.decode()


def test_a_confirmed_import_runs_once_even_if_delivered_twice(importer, agency_a):
    batch = importer.run(ROSTER_CSV)
    import_runs.import_run(batch_id=batch.pk)  # a second delivery of the same task
    assert Person.all_agencies.count() == 3
    assert AuditEvent.objects.filter(action="import.committed").count() == 1


def test_viewers_can_see_imports_but_not_upload(client, agency_a, viewer):
    login(client, viewer)
    assert client.get(url("import_list", agency_a)).status_code == 200
    file = SimpleUploadedFile("r.csv", ROSTER_CSV)
    assert (
        client.post(url("import_upload", agency_a), {"kind": "roster", "file": file}).status_code
        == 403
    )


def test_imported_names_and_the_file_s_name_are_stored_without_invisible_characters(
    client, importer, agency_a
):
    data = 'Employee ID,Name,Rank,Sworn\n7,"\u202ehtimS, Ann\u200b",Sgt\u2066,Sworn\n'.encode()
    batch = importer.run(data, name="\u202exslx.csv")
    assert batch.state == ImportState.DONE
    assert batch.filename == "xslx.csv"
    person = Person.all_agencies.get(employee_id="7")
    assert (person.last_name, person.first_name, person.rank) == ("htimS", "Ann", "Sgt")
    roster = client.get(url("roster", agency_a)).content.decode()
    assert "htimS, Ann" in roster and "\u202e" not in roster


def test_a_file_checked_before_the_values_step_is_checked_again_not_imported(
    client, editor, agency_a
):
    from tests.factories import ImportBatchFactory

    login(client, editor)
    batch = ImportBatchFactory(
        agency=agency_a, uploaded_by=editor, preview={"headers": ["Employee ID"], "rows": 1,
                                                       "counts": {"create": 1, "errors": 0}},
    )  # fmt: skip
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "choose its columns again to check it" in page
    client.post(url("import_confirm", agency_a, batch_id=batch.public_id))
    batch.refresh_from_db()
    assert batch.state == ImportState.PREVIEWED


def test_the_import_services_refuse_another_agency_s_import(agency_a, agency_b, editor):
    """Views fetch through the agency's scope; the services check again, for every caller."""
    from tests.factories import ImportBatchFactory

    theirs = ImportBatchFactory(agency=agency_b)
    for step in (import_services.import_confirm, import_services.import_retry,
                 import_services.import_cancel):  # fmt: skip
        with pytest.raises(ValidationError, match="another agency"):
            step(agency=agency_a, actor=editor, batch=theirs)
    with pytest.raises(ValidationError, match="another agency"):
        import_services.import_columns(agency=agency_a, actor=editor, batch=theirs, mapping={})
    with pytest.raises(ValidationError, match="another agency"):
        import_services.import_values(agency=agency_a, actor=editor, batch=theirs, meanings={})
    theirs.refresh_from_db()
    assert theirs.state == ImportState.PREVIEWED
