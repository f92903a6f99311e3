"""The upload page's help and the templates an agency can fill in and import."""

from datetime import date
from html.parser import HTMLParser

import pytest

from onemind.lib.tables import read_table
from tests.conftest import login
from tests.training.conftest import url
from training.imports import rows as import_rows
from training.imports.guide import SAMPLE_WORDS, column_guides
from training.imports.samples import EXAMPLE_ROWS, import_template, template_columns
from training.imports.vocabularies import VOCABULARIES, value_key
from training.models import Course, CourseStatus, ImportBatch

ROSTER_HEADERS = [
    "Employee ID", "Last name", "First name", "Email", "Rank or title", "Sworn or non-sworn",
    "Position or assignment", "Non-sworn in scope (yes/no)", "Status", "Status date",
    "Hire date",
]  # fmt: skip
TRAINING_HEADERS = ["Employee ID", "Course", "Completion date", "Hours", "Certificate number"]
TEMPLATES = [
    ("roster", "csv", "roster-template.csv", ROSTER_HEADERS),
    ("roster", "xlsx", "roster-template.xlsx", ROSTER_HEADERS),
    ("training", "csv", "training-records-template.csv", TRAINING_HEADERS),
    ("training", "xlsx", "training-records-template.xlsx", TRAINING_HEADERS),
]
TEMPLATE_IDS = [f"{kind}-{fmt}" for kind, fmt, *_ in TEMPLATES]


def download(client, agency, kind, fmt):
    return client.get(url("import_template", agency, kind=kind, fmt=fmt))


@pytest.mark.parametrize(("kind", "fmt", "filename", "headers"), TEMPLATES, ids=TEMPLATE_IDS)
def test_a_viewer_downloads_each_template_with_the_import_columns(
    client, agency_a, viewer, kind, fmt, filename, headers
):
    login(client, viewer)
    response = download(client, agency_a, kind, fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    table = read_table(response.content, filename)
    assert table.headers == headers
    assert table.header_row == 1
    assert [row.cells[0] for row in table.rows] == ["1042", "2317"]


def test_dates_and_hours_read_back_as_written(client, agency_a, viewer):
    login(client, viewer)
    for fmt in ("csv", "xlsx"):
        roster = read_table(download(client, agency_a, "roster", fmt).content, f"r.{fmt}")
        assert roster.rows[0].cells[roster.headers.index("Hire date")] == "2015-06-01"
        training = read_table(download(client, agency_a, "training", fmt).content, f"t.{fmt}")
        first = dict(zip(training.headers, training.rows[0].cells, strict=True))
        assert first["Completion date"] == "2024-10-24" and first["Hours"] == "40"
        assert first["Course"] == "Crisis Intervention Team (CIT) training"


@pytest.mark.parametrize(("kind", "fmt", "filename", "headers"), TEMPLATES, ids=TEMPLATE_IDS)
def test_each_template_uploads_and_every_column_is_recognised(
    client, importer, agency_a, kind, fmt, filename, headers
):
    content = download(client, agency_a, kind, fmt).content
    batch = importer.upload(content, name=filename, kind=kind)
    assert isinstance(batch, ImportBatch), batch.content.decode()
    assert batch.kind == kind and batch.preview["rows"] == 2
    assert batch.mapping == {c.field: str(c.label) for c in template_columns(kind)}


@pytest.mark.parametrize(("kind", "fmt", "filename", "headers"), TEMPLATES, ids=TEMPLATE_IDS)
def test_every_example_row_reads_cleanly_with_the_built_in_words(db, kind, fmt, filename, headers):
    """Each example row, read back from the file, has no problem in any cell; its sworn,
    status and in-scope words mean something without asking, and its courses are the
    catalogue's own."""
    table = read_table(import_template(kind, fmt).content, filename)
    columns = template_columns(kind)
    mapping = {c.field: table.headers.index(str(c.label)) for c in columns}
    choices = {
        c.field: {value_key(v): c.vocabulary.builtin(v) for row in table.rows
                  if (v := row.cells[mapping[c.field]])}
        for c in columns if c.vocabulary
    }  # fmt: skip
    assert all(all(meanings.values()) for meanings in choices.values()), choices
    parse = import_rows.RowParser(kind, mapping, date(2026, 1, 15), choices)
    for row in table.rows:
        parsed, errors = parse(row.number, row.cells)
        assert errors == [] and parsed.skipped == ""
    for example in EXAMPLE_ROWS[kind]:
        assert set(example) <= set(mapping), "an example fills a column the template lacks"
    if kind == "training":
        catalogue = Course.objects.filter(agency=None, status=CourseStatus.APPROVED)
        courses = {row.cells[mapping["course"]] for row in table.rows}
        assert courses <= set(catalogue.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("kind", "fmt"), [("people", "csv"), ("roster", "xls"), ("training", "pdf"), ("ROSTER", "csv")]
)
def test_an_unknown_kind_or_format_is_not_found(client, agency_a, viewer, kind, fmt):
    login(client, viewer)
    assert download(client, agency_a, kind, fmt).status_code == 404


def test_someone_from_another_agency_gets_404(client, agency_a, coordinator_b):
    login(client, coordinator_b)
    assert download(client, agency_a, "roster", "xlsx").status_code == 404


def test_the_upload_page_lists_each_column_with_an_example_and_its_other_names(
    client, agency_a, editor
):
    login(client, editor)
    page = client.get(url("import_upload", agency_a)).content.decode()
    for text in [
        '<caption id="guide-caption-roster">Columns of a roster file</caption>',
        '<caption id="guide-caption-training">Columns of a training-records file</caption>',
        '<th scope="row">Employee ID</th>',
        '<th scope="row">Non-sworn in scope (yes/no)</th>',
        '<th scope="row">Completion date</th>',
        "arivera@example.gov",
        "CIT-2025-0193",
        "emp id, employee number, emp no, emp #</td>",
        "Required, or Full name",
        "Sworn — Y, Yes, Sworn, Officer, Deputy; Non-sworn — N, No, Non-sworn",
        "Extended leave — LOA, Leave, FMLA",
        "A title line or two above the column names is fine.",
        "Columns the import does not use are ignored.",
        "you confirm the matches in the courses step",
        "Training that is not for the pledge",
        url("import_template", agency_a, kind="roster", fmt="xlsx"),
        url("import_template", agency_a, kind="training", fmt="csv"),
    ]:
        assert text in page, text


def test_the_words_the_page_shows_are_the_ones_the_import_understands():
    for field, meanings in SAMPLE_WORDS.items():
        for meaning, words in meanings.items():
            for word in words:
                assert VOCABULARIES[field].builtin(word) == meaning, (field, word)


def test_every_sworn_status_and_in_scope_column_shows_each_meaning_but_skipping():
    shown = {g.label: [meaning for meaning, _ in g.words] for g in column_guides("roster")}
    assert shown["Sworn or non-sworn"] == ["Sworn", "Non-sworn"]
    assert shown["Status"] == ["Active", "Extended leave", "Separated"]
    assert shown["Non-sworn in scope (yes/no)"] == ["In scope", "Not in scope"]
    assert shown["Employee ID"] == []


class Radios(HTMLParser):
    """The values of the page's `kind` radios, and which is checked."""

    def __init__(self, html: str):
        super().__init__()
        self.values, self.checked = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "radio" and attrs.get("name") == "kind":
            self.values.append(attrs["value"])
            if "checked" in attrs:
                self.checked.append(attrs["value"])


@pytest.mark.parametrize(
    ("query", "checked"),
    [("", "roster"), ("?kind=training", "training"), ("?kind=roster", "roster"),
     ("?kind=payroll", "roster")],
)  # fmt: skip
def test_the_kind_comes_from_the_link_that_leads_to_the_page(
    client, agency_a, editor, query, checked
):
    login(client, editor)
    radios = Radios(client.get(url("import_upload", agency_a) + query).content.decode())
    assert radios.values == ["roster", "training"]
    assert radios.checked == [checked]
