"""The roster page: search, filters by scope and training status, sort, pages, export."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import PersonFactory, TrainingRecordFactory, course
from tests.pages import check_page
from training import services
from training.models import CourseKind, CourseStatus, Status


def roster_url(agency):
    return reverse("roster", kwargs={"agency_slug": agency.slug})


@pytest.fixture
def squad(agency_a):
    """Five people whose training a coordinator would tell apart at a glance."""
    today = timezone.localdate()
    people = {
        "cit": PersonFactory(agency=agency_a, last_name="Adams", employee_id="100"),
        "mhfa": PersonFactory(agency=agency_a, last_name="Baker", employee_id="200"),
        "expiring": PersonFactory(agency=agency_a, last_name="Chen", employee_id="300"),
        "expired": PersonFactory(agency=agency_a, last_name="Diaz", employee_id="400"),
        "none": PersonFactory(agency=agency_a, last_name="Evans", employee_id="500"),
    }
    TrainingRecordFactory(person=people["cit"], course=course(CourseKind.CIT))
    TrainingRecordFactory(person=people["mhfa"], course=course(CourseKind.MHFA))
    # MHFA lasts 36 months: done 35 months ago, it expires within 90 days.
    TrainingRecordFactory(
        person=people["expiring"],
        course=course(CourseKind.MHFA),
        completed_on=today - timedelta(days=35 * 30 + 20),
    )
    TrainingRecordFactory(
        person=people["expired"],
        course=course(CourseKind.MHFA),
        completed_on=today - timedelta(days=4 * 365),
    )
    return people


def names(response):
    return [p["last_name"] for p in response.context["page"]]


@pytest.mark.parametrize(
    ("training", "expected"),
    [
        ("cit", ["Adams"]),
        ("mhfa_only", ["Baker", "Chen"]),
        ("untrained", ["Diaz", "Evans"]),
        ("expiring", ["Chen"]),
    ],
)
def test_filter_by_training_status(client, agency_a, viewer, squad, training, expected):
    login(client, viewer)
    assert names(client.get(roster_url(agency_a), {"training": training})) == expected


def test_an_unapproved_equivalent_does_not_count(client, agency_a, viewer, squad, administrator):
    from training.models import Course

    own = Course.objects.create(
        name="County crisis course",
        kind=CourseKind.CIT_EQUIVALENT,
        hours=24,
        agency=agency_a,
        status=CourseStatus.PROPOSED,
    )
    TrainingRecordFactory(person=squad["none"], course=own)
    login(client, viewer)
    assert names(client.get(roster_url(agency_a), {"training": "cit"})) == ["Adams"]
    services.course_decide(course=own, actor=administrator, approve=True)
    assert names(client.get(roster_url(agency_a), {"training": "cit"})) == ["Adams", "Evans"]


def test_search_by_name_or_employee_id(client, agency_a, viewer, squad):
    login(client, viewer)
    assert names(client.get(roster_url(agency_a), {"q": "chen"})) == ["Chen"]
    assert names(client.get(roster_url(agency_a), {"q": "400"})) == ["Diaz"]


def test_scope_and_status_filters(client, agency_a, viewer, squad):
    squad["none"].status = Status.SEPARATED
    squad["none"].save()
    PersonFactory(agency=agency_a, last_name="Fox", category="non_sworn", selected=False)
    login(client, viewer)
    out = names(client.get(roster_url(agency_a), {"scope": "out"}))
    assert out == ["Evans", "Fox"]
    assert names(client.get(roster_url(agency_a), {"status": "separated"})) == ["Evans"]


def test_the_left_out_filter_lists_the_people_left_out_for_that_reason(
    client, agency_a, viewer, squad
):
    squad["none"].status = Status.SEPARATED
    squad["none"].save()
    squad["cit"].status = Status.LEAVE
    squad["cit"].save()
    PersonFactory(agency=agency_a, last_name="Fox", category="non_sworn", selected=False)
    PersonFactory(agency=agency_a, last_name="Gray", category="non_sworn", status=Status.LEAVE)
    PersonFactory(agency=agency_a, last_name="Hill", category="non_sworn", selected=True)
    login(client, viewer)
    for reason, expected in (
        ("leave", ["Adams", "Gray"]),
        ("separated", ["Evans"]),
        ("not_selected", ["Fox"]),
        ("anything-else", ["Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Gray", "Hill"]),
    ):
        assert names(client.get(roster_url(agency_a), {"left_out": reason})) == expected, reason
    export = client.get(
        reverse("roster_csv", kwargs={"agency_slug": agency_a.slug}), {"left_out": "leave"}
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Adams", "Gray"]


def test_sorting_and_paging_keep_the_filters(client, agency_a, viewer):
    PersonFactory.create_batch(60, agency=agency_a)
    login(client, viewer)
    first = client.get(roster_url(agency_a), {"sort": "-employee_id", "scope": "in"})
    ids = [p["employee_id"] for p in first.context["page"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 50
    assert 'href="?sort=-employee_id&amp;scope=in&amp;page=2"' in first.content.decode()


def test_another_agencys_people_never_appear(client, agency_a, agency_b, viewer, squad):
    PersonFactory(agency=agency_b, last_name="Outsider")
    login(client, viewer)
    assert "Outsider" not in names(client.get(roster_url(agency_a)))


def test_roster_queries_do_not_grow_with_the_roster(
    client, agency_a, viewer, django_assert_max_num_queries
):
    login(client, viewer)
    PersonFactory.create_batch(3, agency=agency_a)
    with django_assert_max_num_queries(20) as few:
        client.get(roster_url(agency_a), {"training": "untrained"})
    for person in PersonFactory.create_batch(120, agency=agency_a):
        TrainingRecordFactory(person=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(roster_url(agency_a), {"training": "untrained"})


def test_csv_export_has_training_status_and_neutralises_formulas(client, agency_a, viewer, squad):
    PersonFactory(agency=agency_a, last_name='=HYPERLINK("http://evil")', employee_id="-5")
    login(client, viewer)
    response = client.get(reverse("roster_csv", kwargs={"agency_slug": agency_a.slug}))
    assert response["Content-Disposition"].startswith('attachment; filename="millbrook-pd-roster-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert by_id["100"]["CIT or equivalent"] == "yes"
    assert by_id["300"]["Expires within 90 days"] == "yes"
    assert by_id["'-5"]["Last name"].startswith("'=")


def test_xlsx_export_holds_no_formulas(client, agency_a, viewer):
    PersonFactory(agency=agency_a, last_name="@SUM(A1)", rank="+1")
    login(client, viewer)
    response = client.get(reverse("roster_xlsx", kwargs={"agency_slug": agency_a.slug}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    [formula_like] = [cell for cell in cells if cell.value == "@SUM(A1)"]
    assert (formula_like.data_type, formula_like.quotePrefix) == ("s", True)
    [rank] = [cell for cell in cells if cell.value == "+1"]
    assert rank.quotePrefix


def test_cit_refresher_due_two_years_after_cit_until_a_refresher(client, agency_a, viewer):
    today = timezone.localdate()
    two_years_ago = today.replace(year=today.year - 2) - timedelta(days=1)
    recent = PersonFactory(agency=agency_a, last_name="Recent")
    due = PersonFactory(agency=agency_a, last_name="Due")
    refreshed = PersonFactory(agency=agency_a, last_name="Refreshed")
    mhfa_only = PersonFactory(agency=agency_a, last_name="Mhfa")
    TrainingRecordFactory(person=recent, course=course(CourseKind.CIT))
    TrainingRecordFactory(person=due, course=course(CourseKind.CIT), completed_on=two_years_ago)
    TrainingRecordFactory(
        person=refreshed, course=course(CourseKind.CIT), completed_on=two_years_ago
    )
    TrainingRecordFactory(person=refreshed, course=course(CourseKind.OTHER))  # the refresher
    TrainingRecordFactory(
        person=mhfa_only, course=course(CourseKind.MHFA), completed_on=two_years_ago
    )
    login(client, viewer)

    response = client.get(roster_url(agency_a), {"training": "refresher_due"})

    assert names(response) == ["Due"]
    assert "CIT refresher due" in response.content.decode()
    page = client.get(
        reverse("person_detail", kwargs={"agency_slug": agency_a.slug, "person_id": due.public_id})
    )
    assert "Due</span> since" in page.content.decode()
    assert page.context["next_refresher"] == two_years_ago.replace(year=two_years_ago.year + 2)


def test_the_page_reads_its_people_and_their_status_in_two_queries(client, agency_a, viewer, squad):
    """The status is stored on each person: the page counts the roster and reads its 50
    rows with their status, and reads no training record to show it."""
    PersonFactory.create_batch(60, agency=agency_a, last_name="Zimmer")
    login(client, viewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(roster_url(agency_a))
    page = list(response.context["page"])
    assert len(page) == 50
    status = {p["last_name"]: (p["has_cit"], p["has_mhfa"], p["expiring_soon"]) for p in page}
    assert status["Adams"] == (True, False, False)
    assert status["Chen"] == (False, True, True)
    assert status["Evans"] == (False, False, False)
    roster_queries = [q["sql"] for q in queries.captured_queries if "training_person" in q["sql"]]
    assert len(roster_queries) == 2
    assert "COUNT(*)" in roster_queries[0]
    assert "has_cit" in roster_queries[1] and "LIMIT 50" in roster_queries[1]
    assert not [q for q in queries.captured_queries if "training_trainingrecord" in q["sql"]]


def buttons(page: str) -> list[tuple[str, str, str]]:
    """The page's button links, in order: (classes, href, text)."""
    return re.findall(r'<a class="(usa-button[^"]*)" href="([^"]*)">([^<]*)</a>', page)


def test_an_empty_roster_offers_an_import_first(client, agency_a, agency_b, editor):
    PersonFactory(agency=agency_b)  # another agency's people do not make this roster full
    login(client, editor)

    page = client.get(roster_url(agency_a)).content.decode()

    check_page(page)
    assert "No one is on the roster yet." in page
    upload = reverse("import_upload", kwargs={"agency_slug": agency_a.slug})
    add = reverse("person_create", kwargs={"agency_slug": agency_a.slug})
    assert buttons(page) == [
        ("usa-button", upload, "Import a roster file"),
        ("usa-button usa-button--outline", add, "Add one person"),
    ]
    assert "<table" not in page  # nothing to filter or list


def test_a_viewer_of_an_empty_roster_is_told_who_fills_it(client, agency_a, viewer):
    login(client, viewer)
    page = client.get(roster_url(agency_a)).content.decode()
    assert "An editor or coordinator of your agency can import or add the roster." in page
    assert buttons(page) == []


def test_a_roster_with_people_keeps_its_actions_and_shows_the_import(client, agency_a, editor):
    PersonFactory(agency=agency_a, status=Status.SEPARATED)  # on the roster, if not in scope
    login(client, editor)

    page = client.get(roster_url(agency_a)).content.decode()

    assert "No one is on the roster yet." not in page
    assert [text for _, _, text in buttons(page)] == [
        "Add a person",
        "Import a file",
        "Record a class",
        "Download CSV",
        "Download Excel",
    ]
    import_link = reverse("import_upload", kwargs={"agency_slug": agency_a.slug})
    assert ("usa-button usa-button--outline", import_link, "Import a file") in buttons(page)


def test_a_filter_matching_no_one_is_not_an_empty_roster(client, agency_a, editor):
    PersonFactory(agency=agency_a, last_name="Adams")
    login(client, editor)
    page = client.get(roster_url(agency_a), {"q": "Zimmer"}).content.decode()
    assert "No one matches." in page and "No one is on the roster yet." not in page
    assert "<caption>0 people</caption>" in page


@pytest.mark.parametrize(("people", "caption"), [(1, "1 person"), (2, "2 people")])
def test_the_roster_counts_people_in_words(client, agency_a, viewer, people, caption):
    PersonFactory.create_batch(people, agency=agency_a)
    login(client, viewer)
    page = client.get(roster_url(agency_a)).content.decode()
    assert f"<caption>{caption}</caption>" in page
