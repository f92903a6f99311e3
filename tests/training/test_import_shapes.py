"""Real exports import as delivered: each shape agencies' records and learning systems
produce, built here, goes through the import pages without editing the file."""

from datetime import date

import pytest
import time_machine

from pledges.models import CitBase, CoverageMode, Pledge, ProgramRules
from tests.factories import PersonFactory, course
from tests.files import xlsx
from tests.training.conftest import url
from training.imports import effect
from training.models import CourseKind, ImportState, Person, TrainingRecord


@pytest.fixture(autouse=True)
def a_fixed_day():
    """Validity and the pledge's figures depend on the day: these run on one of their own."""
    with time_machine.travel("2026-11-16 15:00Z"):
        yield


def test_windows_1252_with_semicolons_and_padded_cells(importer):
    data = (
        "Badge #;Last Name;First Name;Rank;Sworn?\r\n"
        "  1042 ; Müller ;  José ;Officer ;  Y \r\n"
        "1043;Peña;Zoë;Dispatcher;N\r\n"
    ).encode("cp1252")
    batch = importer.run(data, name="hr.csv")
    assert batch.state == ImportState.DONE
    people = {p.employee_id: p for p in Person.all_agencies.all()}
    assert (people["1042"].first_name, people["1042"].last_name) == ("José", "Müller")
    assert (people["1042"].category, people["1043"].category) == ("sworn", "non_sworn")
    assert people["1043"].first_name == "Zoë"


def test_utf8_with_a_bom_last_first_names_and_short_us_dates(importer):
    data = (
        "\ufeffEmployee #,Name,Sworn Status,Hire Date\r\n"
        '7,"Nguyen, Thi Mai",Sworn,3/4/19\r\n'
        '8,"O\'Neil Jr., Pat",Civilian,12/31/99\r\n'
    ).encode()
    importer.run(data)
    thi, pat = Person.all_agencies.order_by("employee_id")
    assert (thi.first_name, thi.last_name, thi.hire_date) == ("Thi Mai", "Nguyen", date(2019, 3, 4))
    assert (pat.last_name, pat.hire_date, pat.category) == ("O'Neil Jr.", date(1999, 12, 31),
                                                            "non_sworn")  # fmt: skip


def test_excel_serial_dates_and_a_repeated_row_read_once(client, importer, agency_a):
    data = xlsx(
        ["Emp ID", "Last Name", "First Name", "Sworn", "Hire Date"],
        [2001, "Okafor", "Chidi", "Y", 42005],  # 2015-01-01
        [2002, "Walsh", "Erin", "Y", 43466.0],  # 2019-01-01
        [2001, "Okafor", "Chidi", "Y", 42005],  # the same row, exported twice
    )
    batch = importer.check(importer.upload(data, name="export.xlsx"))
    assert batch.preview["notes"] == [[2, "", "rows 2 and 4 are the same; read once"]]
    assert batch.preview["counts"]["rows_with_errors"] == 0
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "rows 2 and 4 are the same; read once" in page and "Import 3 rows" in page
    importer.confirm(batch)
    hired = dict(Person.all_agencies.values_list("employee_id", "hire_date"))
    assert hired == {"2001": date(2015, 1, 1), "2002": date(2019, 1, 1)}


def test_rows_that_repeat_an_id_with_other_values_are_one_error_naming_both(importer):
    data = b"Badge,Last Name,Sworn\n5,Ito,Y\n6,Ames,Y\n5,Itoh,Y\n"
    batch = importer.check(importer.upload(data))
    assert batch.preview["errors"] == [
        [2, "Employee ID", "rows 2 and 4 are for the same employee ID with different values; "
         "keep the right one, or fix them and upload again"],
    ]  # fmt: skip
    assert batch.preview["skipped"] == {"2": batch.preview["errors"][0][1] + ": "
                                        + batch.preview["errors"][0][2],
                                        "4": batch.preview["errors"][0][1] + ": "
                                        + batch.preview["errors"][0][2]}  # fmt: skip
    importer.confirm(batch)
    assert list(Person.all_agencies.values_list("employee_id", flat=True)) == ["6"]


def test_a_workbook_with_a_title_line_above_the_column_names(client, importer, agency_a):
    data = xlsx(
        ["Anytown Police Department — Personnel roster"],
        ["Exported 11/02/2026 by records"],
        [],
        ["Emp ID", "Last", "First", "Sworn?", "Status"],
        ["301", "Baker", "Ann", "Yes", "Active"],
    )
    batch = importer.upload(data, name="roster.xlsx")
    assert batch.preview["header_row"] == 4
    assert batch.mapping == {"employee_id": "Emp ID", "last_name": "Last", "first_name": "First",
                             "category": "Sworn?", "status": "Status"}  # fmt: skip
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "The column names are on row 4; the rows above them were left out." in page
    assert "We matched 5 of your file's 5 columns" in page
    importer.confirm(importer.check(batch))
    assert Person.all_agencies.get().last_name == "Baker"


def test_a_file_whose_columns_match_nothing_says_so(client, importer, agency_a):
    batch = importer.upload(b"Col A,Col B\nx,y\n")
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "None of your file's column names is one the import knows" in page
    assert "We matched" not in page


RECORDS_EXPORT = (
    "Badge #,Last Name,First Name,Rank,Assignment,Hire Date,Status,Sworn?\r\n"
    "1001,Delgado,Maria,Officer,Patrol - B Shift,06/03/2019,Active,Y\r\n"
    "1002,O'Brien,Sean,Sergeant,SRO,09/14/2011,Active,Y\r\n"
    "1003,Ng,Lily,Telecommunicator,Communications,03/01/2021,Active,N\r\n"
    "1004,Adeyemi,Tunde,Officer,Traffic,01/10/2016,LOA,Y\r\n"
    "1005,Kowalski,Ed,Lieutenant,Admin,05/05/2001,Retired,Y\r\n"
    "1006,Reyes,Carla,Records Clerk,Admin,07/07/2018,Active,N\r\n"
)


def test_a_records_export_with_free_text_assignments_and_y_n_sworn(client, importer, agency_a):
    batch = importer.upload(RECORDS_EXPORT.encode())
    assert batch.mapping["position"] == "Assignment" and batch.mapping["category"] == "Sworn?"
    batch = importer.check(batch)
    lines = {(line["field"], line["shown"]): line for line in batch.preview["values"]}
    assert (lines["category", "Y"]["meaning"], lines["category", "Y"]["count"]) == ("sworn", 4)
    assert lines["category", "N"]["meaning"] == "non_sworn"
    assert lines["status", "LOA"]["meaning"] == "leave"
    assert lines["status", "Retired"]["meaning"] == "separated"
    assert batch.preview["counts"]["errors"] == 0
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "Patrol - B Shift" in page  # the first rows as they will be stored
    assert "After this import, 2 people are in the pledge&#x27;s scope." in page
    assert "CIT: 0 trained of the 1 person needed." in page
    effect = batch.preview["effect"]
    assert effect["split"] == {"sworn_in_scope": 2, "selected_non_sworn": 0, "leave": 1,
                               "separated": 1, "not_selected": 2}  # fmt: skip
    importer.confirm(batch)
    people = {p.employee_id: p for p in Person.all_agencies.all()}
    assert people["1002"].position == "SRO" and people["1006"].category == "non_sworn"
    assert (people["1004"].status, people["1005"].status) == ("leave", "separated")


def test_with_no_rules_engine_registered_the_preview_has_the_scope_alone(
    client, importer, agency_a, monkeypatch
):
    """Training judges no requirement itself: the pledge's rules engine registers how."""
    monkeypatch.setattr(effect, "_pledge_effect", None)
    batch = importer.check(importer.upload(RECORDS_EXPORT.encode()))
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "After this import, 2 people are in the pledge&#x27;s scope." in page
    assert "trained of the" not in page
    assert set(batch.preview["effect"]) == {"split", "in_scope"}


def test_the_requirements_have_one_judge(monkeypatch):
    def judge(agency, today, people):
        return {}

    monkeypatch.setattr(effect, "_pledge_effect", None)
    effect.register_pledge_effect(judge)
    effect.register_pledge_effect(judge)  # the same app, loaded again
    with pytest.raises(ValueError, match="registered already"):
        effect.register_pledge_effect(lambda *figures: {})


def test_without_a_sworn_column_the_rank_proposes_and_the_coordinator_confirms(importer):
    data = (
        b"Badge #,Last Name,Rank\r\n"
        b"1,Ames,Officer\r\n2,Bose,Sgt.\r\n3,Cruz,Dispatcher\r\n4,Diaz,Records Clerk\r\n"
        b"5,Eze,Chaplain\r\n6,Fox,Dispatcher\r\n"
    )
    batch = importer.upload(data)
    importer.check(batch, values={"Chaplain": ""})  # nothing chosen for what nothing proposes
    batch.refresh_from_db()
    assert batch.state == ImportState.UPLOADED, "no preview before every title has a meaning"
    lines = {line["shown"]: line for line in batch.preview["values"]}
    assert lines["Officer"]["meaning"] == "sworn" and lines["Officer"]["source"] == "title"
    assert lines["Sgt."]["meaning"] == "sworn"
    assert (lines["Dispatcher"]["meaning"], lines["Dispatcher"]["count"]) == ("non_sworn", 2)
    assert lines["Records Clerk"]["meaning"] == "non_sworn"
    assert lines["Chaplain"]["meaning"] == ""
    importer.confirm(importer.choose(batch, {"Chaplain": "non_sworn"}))
    categories = dict(Person.all_agencies.values_list("employee_id", "category"))
    assert categories == {"1": "sworn", "2": "sworn", "3": "non_sworn", "4": "non_sworn",
                          "5": "non_sworn", "6": "non_sworn"}  # fmt: skip


def test_choices_are_remembered_and_shown_as_remembered(client, importer, agency_a):
    first = b"Badge,Last Name,Type\n1,Ames,Prof\n"
    importer.run(first, values={"Prof": "non_sworn"})
    batch = importer.check(importer.upload(b"Badge,Last Name,Type\n2,Bose,PROF\n"))
    line = batch.preview["values"][0]
    assert (line["meaning"], line["source"]) == ("non_sworn", "remembered")
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "Remembered" in page


def test_a_value_chosen_to_be_skipped_leaves_its_rows_out(importer):
    data = b"Badge,Last Name,Sworn,Status\n1,Ames,Y,Active\n2,Bose,Y,Deceased\n"
    batch = importer.check(importer.upload(data), values={"Deceased": "skip"})
    assert batch.preview["errors"] == [[3, "", "Status: skipped, as chosen for “Deceased”"]]
    importer.confirm(batch)
    assert list(Person.all_agencies.values_list("employee_id", flat=True)) == ["1"]


LMS_EXPORT = (
    "Student ID,Course Title,Completion Date,Credit Hours\r\n"
    "1001,Crisis Intervention Team (CIT),05/10/2026,40\r\n"
    "1002,CIT 40-Hour Basic Course,5/12/26,40\r\n"
    "1001,Mental Health First Aid - Public Safety,2026-06-01,8\r\n"
    "1002,Defensive Tactics,2026-06-02,4\r\n"
    "1001,Firearms Qualification,2026-06-03,2\r\n"
)


def test_a_training_export_with_other_titles_and_other_training(client, importer, agency_a):
    for employee_id in ("1001", "1002"):
        PersonFactory(agency=agency_a, employee_id=employee_id)
    batch = importer.check(importer.upload(LMS_EXPORT.encode(), name="lms.csv", kind="training"))
    lines = {line["shown"]: line for line in batch.preview["values"]}
    cit, mhfa = str(course(CourseKind.CIT).public_id), str(course(CourseKind.MHFA).public_id)
    assert lines["Crisis Intervention Team (CIT)"]["meaning"] == cit
    assert lines["CIT 40-Hour Basic Course"]["meaning"] == cit
    assert (
        "alike “Crisis Intervention Team (CIT) training”"
        in (lines["CIT 40-Hour Basic Course"]["reason"])
    )
    assert lines["Mental Health First Aid - Public Safety"]["meaning"] == mhfa
    assert lines["Defensive Tactics"]["meaning"] == lines["Firearms Qualification"]["meaning"]
    assert lines["Defensive Tactics"]["meaning"] == "skip"
    counts = batch.preview["counts"]
    assert (counts["create"], counts["not_for_the_pledge"], counts["errors"]) == (3, 2, 0)
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "Import 3 rows and skip 2" in page
    assert "CIT: 2 trained of the 1 person needed." in page
    importer.confirm(batch)
    kinds = sorted(TrainingRecord.all_agencies.values_list("course__kind", flat=True))
    assert kinds == ["cit", "cit", "mhfa"]


def test_a_title_proposed_as_an_equivalent_becomes_the_agency_s_proposal(importer, agency_a):
    from agencies.models import AuditEvent
    from training.models import Course

    PersonFactory(agency=agency_a, employee_id="1001")
    data = b"Student ID,Course Title,Completion Date\n1001,Crisis Response Academy,2026-03-02\n"
    batch = importer.upload(data, name="lms.csv", kind="training")
    batch = importer.check(batch, values={"Crisis Response Academy": "propose:cit_equivalent"})
    proposal = Course.objects.get(agency=agency_a, name="Crisis Response Academy")
    assert (proposal.kind, proposal.status) == ("cit_equivalent", "proposed")
    assert AuditEvent.objects.filter(action="course.proposed").count() == 1
    assert batch.values["course"] == {"crisis response academy": str(proposal.public_id)}
    importer.confirm(batch)
    assert TrainingRecord.all_agencies.get().course == proposal
    again = importer.check(importer.upload(data, name="lms.csv", kind="training"))
    assert again.preview["values"][0]["meaning"] == str(proposal.public_id)
    assert Course.objects.filter(agency=agency_a).count() == 1


def test_an_unchosen_value_is_refused_with_its_name(client, importer, agency_a):
    batch = importer.upload(b"Badge,Last Name,Sworn\n1,Ames,Maybe\n")
    client.post(url("import_columns", agency_a, batch_id=batch.public_id), batch.mapping)
    response = client.post(url("import_values", agency_a, batch_id=batch.public_id), {"line-0": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page
    assert '<a href="#id_line-0">Maybe: Choose what “Maybe” means.</a>' in page
    batch.refresh_from_db()
    assert batch.state == ImportState.UPLOADED and "counts" not in batch.preview


def test_the_preview_reads_the_same_number_of_queries_for_any_number_of_rows(
    agency_a, editor, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from training.imports import services

    def queries_to_check(people: int) -> int:
        rows = "".join(f"{n},Last{n},{'Y' if n % 3 else 'N'},Officer\n" for n in range(people))
        batch = services.import_upload(
            agency=agency_a, actor=editor, kind="roster", filename="r.csv",
            data=f"Badge,Last Name,Sworn,Rank\n{rows}".encode(),
        )  # fmt: skip
        batch = services.import_columns(
            agency=agency_a, actor=editor, batch=batch, mapping=batch.mapping
        )
        with CaptureQueriesContext(connection) as queries:
            services.import_values(agency=agency_a, actor=editor, batch=batch, meanings={})
        return len(queries)

    for n in range(20):
        PersonFactory(agency=agency_a, employee_id=str(n))  # some updated, most created
    assert queries_to_check(5) == queries_to_check(200)


@pytest.mark.parametrize("equivalents", [True, False])
def test_the_preview_s_pledge_figures_are_those_the_pledge_then_has(
    importer, agency_a, equivalents
):
    """The preview works them out from the plan; once imported, the rules engine's SQL
    finds the same, with the catalogue's equivalents counted or not."""
    from pledges.engine.progress import agency_evaluation
    from pledges.models import ProgramRules
    from pledges.queries import pledge_and_rules

    ProgramRules.objects.update(equivalents_count=equivalents)
    importer.run(RECORDS_EXPORT.encode())
    PersonFactory(agency=agency_a, employee_id="1008")  # sworn, active, and only CRIT
    lms = LMS_EXPORT + (
        "1008,Crisis Response and Intervention Training (CRIT),2026-04-01,40\r\n"
        "1002,Mental Health First Aid for Public Safety,2019-01-05,8\r\n"  # expired
        "1004,Crisis Intervention Team (CIT),2026-02-02,40\r\n"  # on leave: out of scope
    )
    batch = importer.check(importer.upload(lms.encode(), name="lms.csv", kind="training"))
    effect = batch.preview["effect"]
    importer.confirm(batch)
    today = agency_a.today()
    evaluation = agency_evaluation(agency_a, today, pledge_and_rules(agency_a, today)[1])
    for key in ("cit", "coverage"):
        requirement = evaluation[key]
        assert (effect[key]["count"], effect[key]["required"]) == (
            requirement.count,
            requirement.required,
        ), key
    assert effect["in_scope"] == evaluation["cit"].total == 3
    assert effect["cit"]["count"] == (3 if equivalents else 2)


def test_the_preview_judges_by_the_pledge_s_own_rules(client, importer, agency_a):
    """A pledge under rules that take the CIT minimum over sworn officers and let a lapsed
    certificate count: the dispatcher's new CIT is not the minimum's, and the officer's
    lapsed MHFA still counts toward everyone trained."""
    officer = PersonFactory(agency=agency_a, employee_id="1001")
    PersonFactory(agency=agency_a, employee_id="1002", category="non_sworn", selected=True)
    mhfa = course(CourseKind.MHFA)
    TrainingRecord.all_agencies.create(
        agency=agency_a, person=officer, course=mhfa, completed_on=date(2022, 1, 10),
        valid_until=mhfa.valid_until(date(2022, 1, 10)),
    )  # fmt: skip
    lenient = ProgramRules.objects.create(
        name="Sworn minimum, lapsed certificates count", effective_on=date(2025, 1, 1),
        coverage_mode=CoverageMode.CIT_OR_MHFA, cit_base=CitBase.SWORN,
        training_must_be_current=False,
    )  # fmt: skip
    ProgramRules.objects.create(  # in force today, for agencies without a pledge
        name="Rules of June 2026", effective_on=date(2026, 6, 1),
        coverage_mode=CoverageMode.CIT_OR_MHFA,
    )  # fmt: skip
    data = (
        b"Student ID,Course Title,Completion Date\r\n1002,Crisis Intervention Team,2026-10-01\r\n"
    )
    batch = importer.check(importer.upload(data, name="lms.csv", kind="training"))
    assert batch.preview["effect"]["cit"] == {"count": 1, "required": 1}  # over everyone
    assert batch.preview["effect"]["coverage"]["count"] == 1  # the lapsed MHFA does not count

    Pledge.all_agencies.create(
        agency=agency_a, rules=lenient, status="pledged", pledged_on=date(2025, 3, 1),
        target_date=date(2027, 3, 1), chief_name="A", chief_title="Chief",
    )  # fmt: skip
    batch = importer.check(importer.upload(data, name="lms.csv", kind="training"))
    assert batch.preview["effect"]["cit"] == {"count": 0, "required": 1}
    assert batch.preview["effect"]["coverage"]["count"] == 2
    page = client.get(url("import_detail", agency_a, batch_id=batch.public_id)).content.decode()
    assert "CIT: 0 trained of the 1 person needed." in page
