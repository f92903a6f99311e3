"""Exports that open in Excel as plain data, never as formulas (OWASP CSV injection)."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from onemind.lib.spreadsheets import safe_cell, write_csv, write_xlsx

DANGEROUS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "  @SUM(A1)",
    "\u00a0+1",
    "\n-1",
]
HARMLESS = ["Ann Lee", "O'Brien", "", "a=b", "1042", "Patrol - Day shift", "#N/A"]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_start_a_formula_is_made_literal(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "value",
    [-5, -2.5, 0, Decimal("-1.5"), datetime.date(2024, 1, 5), None],
    ids=["int", "float", "zero", "decimal", "date", "none"],
)
def test_numbers_dates_and_blanks_are_kept_as_they_are(value):
    assert safe_cell(value) is value


def test_csv_has_a_bom_commas_and_windows_line_endings():
    data = write_csv(["Name", "Unit"], [["José Núñez", "Patrol"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:] == "Name,Unit\r\nJosé Núñez,Patrol\r\n".encode()


def test_csv_neutralises_every_formula_start_and_keeps_the_rest():
    rows = [[text, 7] for text in DANGEROUS + HARMLESS]
    parsed = read_csv(write_csv(["=Name", "Hours"], iter(rows)))
    assert parsed[0] == ["'=Name", "Hours"]
    assert [row[0] for row in parsed[1:]] == ["'" + t for t in DANGEROUS] + HARMLESS
    assert all(row[1] == "7" for row in parsed[1:])


def test_csv_writes_dates_as_iso_text_and_blanks_as_empty():
    rows = [
        [datetime.date(2024, 1, 5), None, -5, "Lee, Ann\r\nnotes"],
        [datetime.datetime(2024, 1, 5, 14, 30), "", 2.5, "x"],
    ]
    parsed = read_csv(write_csv(["Completed", "Expires", "Hours", "Name"], rows))
    assert parsed[1:] == [
        ["2024-01-05", "", "-5", "Lee, Ann\r\nnotes"],
        ["2024-01-05 14:30:00", "", "2.5", "x"],
    ]


def test_xlsx_keeps_formula_like_text_exactly_as_text_with_the_quote_prefix():
    rows = [[text] for text in DANGEROUS + HARMLESS]
    sheet = read_xlsx(write_xlsx(["=Name"], iter(rows), sheet_title="Roster"))
    cells = [row[0] for row in sheet.iter_rows()]
    expected = ["=Name", *DANGEROUS] + [t or None for t in HARMLESS]
    # XML reads a carriage return inside text back as a line feed.
    assert [cell.value for cell in cells] == [t and t.replace("\r", "\n") for t in expected]
    assert [cell.quotePrefix for cell in cells] == [True] * (1 + len(DANGEROUS)) + [False] * len(
        HARMLESS
    )
    assert all(cell.data_type == "s" for cell in cells if cell.value is not None)
    assert cells[-1].value == "#N/A"  # text, not an error value


def test_an_xlsx_cell_shows_the_value_without_an_apostrophe():
    sheet = read_xlsx(write_xlsx(["Name"], [["=E2"]], sheet_title="Roster"))
    cell = sheet["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=E2", "s", True)


def test_xlsx_file_contains_no_formula_at_all():
    data = write_xlsx(["Name"], [[text] for text in DANGEROUS], sheet_title="Roster")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    assert b"<f " not in sheet_xml


def test_xlsx_keeps_numbers_numeric_and_dates_as_dates():
    rows = [
        [-5, -2.5, Decimal("1.5"), datetime.date(2024, 1, 5)],
        [0, None, None, datetime.datetime(2024, 1, 5, 14, 30, tzinfo=datetime.UTC)],
    ]
    sheet = read_xlsx(write_xlsx(["A", "B", "C", "D"], rows, sheet_title="Hours"))
    negative, fraction, decimal, completed = sheet[2]
    assert (negative.value, negative.data_type) == (-5, "n")
    assert (fraction.value, fraction.data_type) == (-2.5, "n")
    assert (decimal.value, decimal.data_type) == (1.5, "n")
    assert completed.value == datetime.datetime(2024, 1, 5)
    assert completed.is_date
    assert completed.number_format == "yyyy-mm-dd"
    assert sheet["D3"].value == datetime.datetime(2024, 1, 5, 14, 30)
    assert sheet["B3"].value is None


def test_xlsx_header_row_is_bold():
    sheet = read_xlsx(write_xlsx(["Name"], [["Ann"]], sheet_title="Roster"))
    assert sheet["A1"].font.bold
    assert not sheet["A2"].font.bold


def test_xlsx_drops_control_characters_excel_cannot_store_without_unmasking_formulas():
    sheet = read_xlsx(write_xlsx(["Name"], [["Ann\x0bLee"], ["\x01=1+1"]], sheet_title="Roster"))
    assert sheet["A2"].value == "AnnLee"
    assert (sheet["A3"].value, sheet["A3"].quotePrefix) == ("=1+1", True)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Training: 2024/25 [Patrol]*?\\", "Training 202425 Patrol"),
        ("Annual in-service training for sworn staff", "Annual in-service training for"),
        ("'Roster'", "Roster"),
        ("[]:*?/\\", "Sheet1"),
    ],
)
def test_xlsx_sheet_title_is_one_excel_accepts(title, expected):
    sheet = read_xlsx(write_xlsx(["Name"], [], sheet_title=title))
    assert sheet.title == expected
