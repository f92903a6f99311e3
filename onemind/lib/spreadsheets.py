"""CSV and Excel exports that a spreadsheet can never run as formulas (OWASP CSV injection).

In a CSV file, text that would start a formula gets a leading apostrophe, as OWASP advises:
the file has no other way to say "text". An Excel workbook stores such text as text, with
the cell style Excel itself gives a typed leading apostrophe (the quote prefix), so the cell
shows exactly the value and still never becomes a formula, even when someone edits it.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

type Cell = str | int | float | Decimal | datetime.date | None
_NOT_TEXT = int | float | Decimal | datetime.date

# Spreadsheets skip leading spaces before deciding that a cell holds a formula.
_FORMULA_START = re.compile(r"[^\S\t\r]*[=+\-@\t\r]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31
_HEADER_FONT = Font(bold=True)


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA_START.match(text))


def safe_cell(value: object) -> Cell:
    """The value for a CSV file, with text that a spreadsheet would read as a formula made
    literal text by a leading apostrophe."""
    if value is None or isinstance(value, _NOT_TEXT):
        return value
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def write_csv(headers: list[str], rows: Iterable[Sequence]) -> bytes:
    """A UTF-8 CSV file, with the byte-order mark that Excel needs to show accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _with_headers(headers, rows):
        writer.writerow(_csv_text(safe_cell(value)) for value in row)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def write_xlsx(headers: list[str], rows: Iterable[Sequence], *, sheet_title: str) -> bytes:
    """An Excel workbook of one sheet in which every text cell is stored as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    sheet.append([_xlsx_cell(sheet, header, font=_HEADER_FONT) for header in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(
    sheet: WriteOnlyWorksheet, value: object, *, font: Font | None = None
) -> WriteOnlyCell:
    if value is not None and not isinstance(value, _NOT_TEXT):
        # openpyxl refuses control characters that Excel cannot store; they carry no meaning.
        # They go before the formula check, so none can hide a formula behind it.
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell = WriteOnlyCell(sheet, value=value)
        # Text, never a formula, nor an error value such as "#N/A".
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        # Excel has no time zones; the time is kept as the caller localised it.
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    return cell


def _sheet_title(title: str) -> str:
    # Excel also rejects a title that starts or ends with an apostrophe, or is empty.
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("", title)[:_SHEET_TITLE_MAX].strip("'").strip()
    return cleaned or "Sheet1"


def _with_headers(headers: list[str], rows: Iterable[Sequence]) -> Iterable[Sequence]:
    yield headers
    yield from rows
