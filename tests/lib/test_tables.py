"""Reading the roster and training files that agencies upload, as their staff made them."""

import datetime
import io
import zipfile
from unittest import mock

import pytest
from openpyxl import Workbook

from onemind.lib import tables as tabular
from onemind.lib import workbooks
from onemind.lib.tables import (
    Row,
    TableError,
    guess_mapping,
    parse_date,
    read_table,
    split_name,
)
from tests.files import blank_rows, unpacked_bytes, with_rows, xlsx

# Encodings


def test_utf8_with_bom_does_not_leak_the_mark_into_the_first_header():
    table = read_table(b"\xef\xbb\xbfEmployee ID,Name\r\n1042,Ann Lee\r\n", "roster.csv")
    assert table.headers == ["Employee ID", "Name"]
    assert table.rows == [Row(number=2, cells=["1042", "Ann Lee"])]


def test_utf8_without_bom_keeps_accented_names():
    table = read_table("Name,Badge\nJosé Núñez,17\n".encode(), "roster.csv")
    assert table.rows[0].cells == ["José Núñez", "17"]


def test_windows_1252_export_keeps_accents_and_curly_apostrophes():
    table = read_table(b"Name;Badge\r\nRen\xe9e O\x92Brien;17\r\n", "roster.csv")
    assert table.rows[0].cells == ["Renée O’Brien", "17"]


def test_latin1_file_with_bytes_windows_1252_lacks_is_still_read():
    # 0x81 is undefined in Windows-1252, so only Latin-1 can decode this file.
    table = read_table(b"Name,Unit\r\nM\xfcller,Patrol\x81\r\n", "roster.csv")
    assert table.rows[0].cells == ["Müller", "Patrol\x81"]


# Delimiters and quoting


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_found_from_the_header_line(delimiter):
    header = delimiter.join(["Employee ID", "Name", "Hired"])
    row = delimiter.join(["1042", '"Lee, Ann"', "01/05/2024"])
    table = read_table(f"{header}\r\n{row}\r\n".encode(), "roster.csv")
    assert table.headers == ["Employee ID", "Name", "Hired"]
    assert table.rows[0].cells == ["1042", "Lee, Ann", "01/05/2024"]


def test_delimiters_inside_quoted_headers_do_not_count():
    table = read_table(b'"Last, First, Middle";Badge\r\n"Lee, Ann";17\r\n', "roster.csv")
    assert table.headers == ["Last, First, Middle", "Badge"]
    assert table.rows[0].cells == ["Lee, Ann", "17"]


def test_quoted_fields_keep_delimiters_and_line_breaks_and_count_as_one_row():
    data = b'Name,Notes,Badge\r\n"Lee, Ann","Line one\r\nLine two",17\r\nBo Diaz,,18\r\n'
    table = read_table(data, "roster.csv")
    assert table.rows == [
        Row(number=2, cells=["Lee, Ann", "Line one\r\nLine two", "17"]),
        Row(number=3, cells=["Bo Diaz", "", "18"]),
    ]


def test_unclosed_quote_is_reported_as_a_problem_with_the_file():
    data = b'Name,Notes\r\nAnn,"' + b"x" * 200_000 + b"\r\n"
    with pytest.raises(TableError, match="quotation mark"):
        read_table(data, "roster.csv")


# Blank lines, spaces and ragged rows


def test_blank_lines_anywhere_are_skipped_but_keep_their_row_numbers():
    data = b"\r\n,,\r\nName,Badge\r\nAnn,1\r\n\r\n  ,  \r\nBo,2\r\n\r\n\r\n"
    table = read_table(data, "roster.csv")
    assert table.headers == ["Name", "Badge"]
    assert table.rows == [Row(number=4, cells=["Ann", "1"]), Row(number=7, cells=["Bo", "2"])]


def test_stray_and_non_breaking_spaces_are_stripped():
    data = " Name\u00a0 , Badge \n\u00a0Ann Lee\u00a0 ,  17 \n".encode()
    table = read_table(data, "roster.csv")
    assert table.headers == ["Name", "Badge"]
    assert table.rows[0].cells == ["Ann Lee", "17"]


def test_windows_1252_non_breaking_spaces_are_stripped():
    table = read_table(b"Name,Badge\r\n\xa0Ann\xa0,17\r\n", "roster.csv")
    assert table.rows[0].cells == ["Ann", "17"]


def test_rows_are_fitted_to_the_headers_and_blank_trailing_headers_dropped():
    table = read_table(b"Name,Badge,,\r\nAnn\r\nBo,2,extra,more\r\n", "roster.csv")
    assert table.headers == ["Name", "Badge"]
    assert [row.cells for row in table.rows] == [["Ann", ""], ["Bo", "2"]]


# Whole-file problems


def test_duplicate_headers_are_named_in_the_error():
    with pytest.raises(TableError) as caught:
        read_table(b"Name,Badge,Unit,name,Badge\r\nAnn,1,A,Ann,1\r\n", "roster.csv")
    message = str(caught.value)
    assert "“Name”" in message
    assert "“Badge”" in message
    assert "Unit" not in message


@pytest.mark.parametrize(
    "data", [b"", b"\r\n  \r\n,,\r\n\t\r\n"], ids=["empty", "only-blank-lines"]
)
def test_file_without_a_header_row_is_rejected(data):
    with pytest.raises(TableError, match="empty"):
        read_table(data, "roster.csv")


def test_header_only_file_has_no_rows():
    table = read_table(b"Name,Badge\r\n\r\n", "roster.csv")
    assert table.headers == ["Name", "Badge"]
    assert table.rows == []


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "roster.csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "roster.png"),
    ],
    ids=["pdf", "binary"],
)
def test_files_that_are_not_tables_are_rejected_with_the_accepted_formats(data, filename):
    with pytest.raises(TableError) as caught:
        read_table(data, filename)
    assert ".csv" in str(caught.value)
    assert ".xlsx" in str(caught.value)


def test_old_excel_xls_file_is_rejected_with_how_to_save_it_again():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(TableError) as caught:
        read_table(data, "roster.xls")
    assert ".xls)" in str(caught.value)
    assert ".xlsx" in str(caught.value)


def test_too_many_rows_says_the_limit_and_stops_reading_there():
    data = b"Name\r\n" + b"".join(b"Officer %d\r\n" % i for i in range(5)) + b'"unclosed\r\n'
    with pytest.raises(TableError) as caught:
        read_table(data, "roster.csv", max_rows=3)
    assert str(caught.value).startswith("The file has more than 3 rows of data; the limit is 3.")


def test_rows_up_to_the_limit_are_accepted_and_blank_lines_do_not_count():
    data = b"Name\r\nAnn\r\n\r\n\r\nBo\r\nCy\r\n\r\n"
    assert len(read_table(data, "roster.csv", max_rows=3).rows) == 3


# Excel workbooks


def test_xlsx_dates_ids_stored_as_numbers_and_empty_rows():
    data = xlsx(
        [None],
        ["Employee ID", "Name", "Hired", "Score", "Last login"],
        [1042.0, "  José Núñez\u00a0", datetime.datetime(2023, 1, 5), 87.5, None],
        [],
        [None, "   "],
        [17, "Bo Diaz", datetime.date(2024, 2, 1), 90, datetime.datetime(2024, 3, 9, 14, 30)],
    )
    table = read_table(data, "roster.xlsx")
    assert table.headers == ["Employee ID", "Name", "Hired", "Score", "Last login"]
    assert table.rows == [
        Row(number=3, cells=["1042", "José Núñez", "2023-01-05", "87.5", ""]),
        Row(number=6, cells=["17", "Bo Diaz", "2024-02-01", "90", "2024-03-09 14:30:00"]),
    ]


def test_xlsx_is_recognised_by_content_whatever_its_name():
    table = read_table(xlsx(["Name", None, None], ["Ann"]), "roster.csv")
    assert table.headers == ["Name"]
    assert table.rows == [Row(number=2, cells=["Ann"])]


def test_xlsx_reads_the_first_worksheet_even_when_another_is_open():
    workbook = Workbook()
    workbook.active.title = "Roster"
    workbook.active.append(["Name"])
    notes = workbook.create_sheet("Notes")
    notes.append(["Remember"])
    workbook.active = notes
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(buffer.getvalue(), "roster.xlsx").headers == ["Name"]


def test_xlsx_with_a_wrong_sheet_size_is_read_to_the_end():
    original = zipfile.ZipFile(io.BytesIO(xlsx(["Name", "Badge"], ["Ann", 1], ["Bo", 2])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for item in original.infolist():
            content = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B3" />' in content
                content = content.replace(b'<dimension ref="A1:B3" />', b'<dimension ref="A1" />')
            damaged.writestr(item, content)
    table = read_table(buffer.getvalue(), "roster.xlsx")
    assert table.headers == ["Name", "Badge"]
    assert [row.cells for row in table.rows] == [["Ann", "1"], ["Bo", "2"]]


def test_xlsx_with_too_many_rows_says_the_limit():
    data = xlsx(["Name"], *([f"Officer {i}"] for i in range(5)))
    with pytest.raises(TableError, match="more than 3 rows of data; the limit is 3"):
        read_table(data, "roster.xlsx", max_rows=3)


def test_xlsx_duplicate_headers_are_rejected():
    with pytest.raises(TableError, match="“Name”"):
        read_table(xlsx(["Name", "name"], ["Ann", "Lee"]), "roster.xlsx")


def test_empty_xlsx_is_rejected():
    with pytest.raises(TableError, match="empty"):
        read_table(xlsx(), "roster.xlsx")


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x14\x00not really a zip" * 10,
        xlsx(["Name"], ["Ann"])[:2000],
        b"Name,Badge\r\nAnn,17\r\n",
    ],
    ids=["garbage-zip", "truncated-workbook", "csv-named-xlsx"],
)
def test_damaged_xlsx_is_reported_as_unreadable(data):
    with pytest.raises(TableError, match="could not be read as an Excel workbook"):
        read_table(data, "roster.xlsx")


# Files made to keep the reader busy: each is read only as far as a limit


def test_a_million_blank_rows_end_the_sheet_at_the_first_thousand_without_reading_on():
    header_only = with_rows(xlsx(["Name", "Badge"]), blank_rows(2, 1_000_000))
    assert (
        zipfile.ZipFile(io.BytesIO(header_only)).getinfo("xl/worksheets/sheet1.xml").file_size
        > 15_000_000
    )
    with unpacked_bytes() as unpacked:
        table = read_table(header_only, "roster.xlsx")
    assert table.rows == []
    assert unpacked["bytes"] < 200_000


def test_rows_after_a_thousand_blank_rows_are_not_read_and_the_table_says_where_it_stopped():
    data = with_rows(
        xlsx(["Name", "Badge"], ["Ann", 1]),
        blank_rows(3, 1_000)
        + b'<row r="1003"><c r="A1003" t="inlineStr"><is><t>Zed</t></is></c></row>',
    )
    table = read_table(data, "roster.xlsx")
    assert [row.cells for row in table.rows] == [["Ann", "1"]]
    assert table.ended_after_row == 2


def test_rows_after_fewer_blank_rows_are_read():
    data = with_rows(
        xlsx(["Name", "Badge"], ["Ann", 1]),
        blank_rows(3, 999)
        + b'<row r="1002"><c r="A1002" t="inlineStr"><is><t>Zed</t></is></c></row>',
    )
    table = read_table(data, "roster.xlsx")
    assert table.rows == [Row(2, ["Ann", "1"]), Row(1002, ["Zed", ""])]
    assert table.ended_after_row is None


def test_a_cell_in_the_last_row_and_column_does_not_widen_or_lengthen_the_sheet():
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    with unpacked_bytes() as unpacked:
        table = read_table(with_rows(xlsx(["Name"], ["Ann"]), far), "roster.xlsx")
    assert table.rows == [Row(2, ["Ann"])]
    assert table.ended_after_row == 2
    assert unpacked["bytes"] < 50_000


def test_another_sheet_of_a_million_rows_without_a_declared_size_is_not_read():
    workbook = Workbook()
    workbook.active.append(["Name"])
    workbook.active.append(["Ann"])
    workbook.create_sheet("Notes")
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = with_rows(
        buffer.getvalue(), blank_rows(1, 1_000_000), sheet="sheet2", declared_size=False
    )
    with unpacked_bytes() as unpacked:
        table = read_table(data, "roster.xlsx")
    assert table.rows == [Row(2, ["Ann"])]
    assert unpacked["bytes"] < 50_000


def test_more_rows_than_the_limit_are_refused_after_reading_just_past_it():
    filled = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(2, 200_002)
    )
    data = with_rows(xlsx(["Badge"]), filled)
    with unpacked_bytes() as unpacked, pytest.raises(TableError) as caught:
        read_table(data, "roster.xlsx", max_rows=1_000)
    assert "more than 1,000 rows of data; the limit is 1,000" in str(caught.value)
    assert unpacked["bytes"] < 200_000


def test_a_sheet_past_the_cell_limit_is_refused_counting_formatted_blank_cells():
    formatted = b"".join(
        b'<row r="%d">' % n + b'<c r="A%d" s="0"/>' % n * 20 + b"</row>" for n in range(2, 502)
    )
    data = with_rows(xlsx(["Name"], ["Ann"]), formatted)
    with mock.patch.object(tabular, "MAX_CELLS", 5_000), pytest.raises(TableError) as caught:
        read_table(data, "roster.xlsx")
    assert "more than 5,000 cells, the most one import reads" in str(caught.value)


def test_a_table_of_more_rows_times_columns_than_the_cell_limit_is_refused():
    data = b"A,B,C,D\r\n" + b"1,2,3,4\r\n" * 30
    with mock.patch.object(tabular, "MAX_CELLS", 100), pytest.raises(TableError) as caught:
        read_table(data, "roster.csv")
    assert "4 columns of more than 25 rows is more than the 100 cells" in str(caught.value)


def test_one_row_of_a_million_cells_is_refused_without_being_kept_whole():
    data = with_rows(xlsx(["Name"]), b'<row r="2">' + b"<c><v>1</v></c>" * 1_000_000 + b"</row>")
    with unpacked_bytes() as unpacked, pytest.raises(TableError, match="too large or too complex"):
        read_table(data, "roster.xlsx")
    assert unpacked["bytes"] < 2_000_000


def test_a_part_that_unpacks_past_its_limit_is_refused_before_it_is_read():
    data = with_rows(xlsx(["Name"], ["Ann"]), blank_rows(3, 5_000))
    with (
        mock.patch.object(workbooks, "MAX_SHEET_BYTES", 50_000),
        unpacked_bytes() as unpacked,
        pytest.raises(TableError, match="unpacks to 0 MB"),
    ):
        read_table(data, "roster.xlsx")
    assert unpacked["bytes"] < 20_000


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_header_wider_than_the_column_limit_is_refused(extension):
    names = [f"Column {n}" for n in range(1, 300)]
    data = xlsx(names, ["x"]) if extension == "xlsx" else (",".join(names) + "\nx\n").encode()
    with pytest.raises(TableError, match="more than 250 columns, the most one import reads"):
        read_table(data, f"roster.{extension}")


def test_csv_blank_lines_end_the_table_after_a_thousand():
    data = b"Name,Badge\nAnn,1\n" + b"\n" * 1_000 + b",,\n" * 1_000_000 + b"Zed,2\n"
    table = read_table(data, "roster.csv")
    assert table.rows == [Row(2, ["Ann", "1"])]
    assert table.ended_after_row == 2


def test_csv_header_of_millions_of_delimiters_is_refused_as_too_wide():
    data = b"Name" + b",x" * 3_000_000 + b"\nAnn\n"
    with pytest.raises(TableError, match="more than 250 columns"):
        read_table(data, "roster.csv")


def test_csv_first_thousand_blank_lines_read_as_empty_with_why():
    with pytest.raises(TableError, match="first 1,000 rows of the file are blank"):
        read_table(b"\r\n" * 1_001 + b"Name\r\nAnn\r\n", "roster.csv")


# Dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-05", datetime.date(2024, 1, 5)),
        ("01/05/2024", datetime.date(2024, 1, 5)),
        ("1/5/2024", datetime.date(2024, 1, 5)),
        (" 02/29/2024 ", datetime.date(2024, 2, 29)),
        ("1/5/24", datetime.date(2024, 1, 5)),
        ("1/1/00", datetime.date(2000, 1, 1)),
        ("12/31/69", datetime.date(2069, 12, 31)),
        ("1/1/70", datetime.date(1970, 1, 1)),
        ("12/31/99", datetime.date(1999, 12, 31)),
        ("1/5/2024 2:30 PM", datetime.date(2024, 1, 5)),
        ("2024-01-05 14:30:00", datetime.date(2024, 1, 5)),
        ("2024-01-05T23:30:00.123-05:00", datetime.date(2024, 1, 5)),
        ("2024-01-05T14:30:00Z", datetime.date(2024, 1, 5)),
        ("01-05-2024", datetime.date(2024, 1, 5)),
        ("45231", datetime.date(2023, 11, 1)),
        ("45231.0", datetime.date(2023, 11, 1)),
        ("45231.75", datetime.date(2023, 11, 1)),
        ("1", datetime.date(1900, 1, 1)),
        ("59", datetime.date(1900, 2, 28)),
        ("61", datetime.date(1900, 3, 1)),
        ("2958465", datetime.date(9999, 12, 31)),
    ],
)
def test_dates_in_the_formats_agencies_export(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/12/2024",
        "13/01/2024",
        "02/30/2024",
        "02/29/2023",
        "2024-13-01",
        "next Tuesday",
        "2024-01-05 25:00",
        "1/5/2024 25:00",
        "0",
        "60",
        "2958466",
        "01-05-24",
    ],
)
def test_what_is_not_a_date_is_refused_with_the_formats_to_use(text):
    with pytest.raises(ValueError, match="is not a date; use MM/DD/YYYY or YYYY-MM-DD"):
        parse_date(text)


def test_refusal_quotes_what_the_user_typed():
    with pytest.raises(ValueError) as caught:
        parse_date("31/12/2024")
    assert str(caught.value) == "“31/12/2024” is not a date; use MM/DD/YYYY or YYYY-MM-DD"


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_date_is_refused(text):
    with pytest.raises(ValueError, match="A date is required"):
        parse_date(text)


# Names


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Lee, Ann", ("Ann", "Lee")),
        ("  Núñez ,  José   Luis ", ("José Luis", "Núñez")),
        ("Ann Lee", ("Ann", "Lee")),
        ("Ann  Marie\tLee", ("Ann Marie", "Lee")),
        ("John Smith Jr.", ("John", "Smith Jr.")),
        ("Cher", ("", "Cher")),
        ("", ("", "")),
    ],
)
def test_split_name(full_name, expected):
    assert split_name(full_name) == expected


# Column mapping

SYNONYMS = {
    "employee_id": ["Employee ID", "EmpID", "Emp #", "Badge number"],
    "last_name": ["Surname"],
    "first_name": ["Given name"],
    "completed_on": ["Date completed", "Completion date", "Date"],
    "hours": ["Credit hours"],
}


def test_guess_mapping_matches_messy_headers():
    headers = ["Emp #", "Last_Name", " FIRST NAME ", "Completion-Date", "Course"]
    assert guess_mapping(headers, SYNONYMS) == {
        "employee_id": 0,
        "last_name": 1,
        "first_name": 2,
        "completed_on": 3,
    }


def test_guess_mapping_prefers_earlier_synonyms_over_earlier_columns():
    headers = ["Date", "Date Completed"]
    assert guess_mapping(headers, SYNONYMS) == {"completed_on": 1}


def test_guess_mapping_uses_each_column_once():
    synonyms = {"full_name": ["Name"], "last_name": ["Name", "Surname"]}
    assert guess_mapping(["Name", "Badge"], synonyms) == {"full_name": 0}


def test_guess_mapping_never_matches_blank_headers():
    assert guess_mapping(["", "#", "Notes"], {"remarks": ["", "#"]}) == {}


def test_a_space_before_a_quoted_field_is_not_part_of_it():
    table = read_table(b'ID, Name, Rank\n7, "Ng, Lily", Officer\n', "roster.csv")
    assert table.rows[0].cells == ["7", "Ng, Lily", "Officer"]


def test_a_padded_workbook_part_openpyxl_reads_whole_is_refused_before_it_is_read():
    """The workbook part itself (not a sheet) padded with a comment: openpyxl would read all
    of it at once."""
    original = zipfile.ZipFile(io.BytesIO(xlsx(["Name"], ["Ann"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as padded:
        for item in original.infolist():
            content = original.read(item)
            if item.filename == "xl/workbook.xml":
                content = b"<!--" + b" " * 9 * 2**20 + b"-->" + content
            padded.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    with unpacked_bytes() as unpacked, pytest.raises(TableError, match="unpacks to 9 MB"):
        read_table(buffer.getvalue(), "roster.xlsx")
    assert unpacked["bytes"] < 200_000
