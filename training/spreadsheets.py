"""CSV and Excel exports that a spreadsheet can never run as formulas (OWASP CSV injection)."""

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

# Spreadsheets skip leading spaces before deciding that a cell holds a formula.
_FORMULA_START = re.compile(r"[^\S\t\r]*[=+\-@\t\r]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31
_HEADER_FONT = Font(bold=True)


def safe_cell(value: object) -> Cell:
    """The value with text that a spreadsheet would read as a formula made literal text."""
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    text = str(value)
    return "'" + text if _FORMULA_START.match(text) else text


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
    if isinstance(value, str):
        # openpyxl refuses control characters that Excel cannot store; they carry no meaning.
        # They go before safe_cell looks, so none can hide a formula behind it.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    value = safe_cell(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        # Without this, text such as "#N/A" would be stored as an error value, not as text.
        cell.data_type = "s"
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
