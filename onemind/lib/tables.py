"""Reading the spreadsheets people upload — rosters and training exports from HR, RMS and
learning systems, a region's list of agencies — as CSV or Excel, with bounded work."""

import csv
import datetime
import gc
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from onemind.lib.workbooks import CellsRead, UnreadableWorkbook, WorkbookTooLarge, sheet_rows

ACCEPTED_FORMATS = "a CSV file (.csv) or an Excel workbook (.xlsx)"
DATE_FORMATS_HINT = "use MM/DD/YYYY or YYYY-MM-DD"

# What one upload may hold, so that no file can keep a web process reading for long: a
# sheet whose every row was formatted (a million blank rows) ends at its first long run of
# blank rows, and a file past a limit is refused as soon as the limit is passed.
MAX_COLUMNS = 250
MAX_CELLS = 1_500_000
# The largest roster is about 36,000 people; training exports run past 100,000 rows.
MAX_ROWS = 200_000
BLANK_ROWS_ENDING_A_TABLE = 1_000
# The column names are looked for in this many rows that have content.
HEADER_SEARCH_ROWS = 20
# The header line is looked for in the first characters only.
_SNIFFED_CHARACTERS = 64 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_PDF_MAGIC = b"%PDF"
_DELIMITERS = (",", ";", "\t")
# Excel counts 1900-02-29 as a day (serial 60) although it never existed.
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ].+")
_US_DATE = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})"
    r"(?:\s+(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s*[AaPp][Mm])?)?"
)
_US_DASHED_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_EXCEL_SERIAL = re.compile(r"(\d{1,7})(?:\.\d+)?")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


class TableError(Exception):
    """A problem with the whole file; the message is written for the person who uploaded it."""


@dataclass(frozen=True, slots=True)  # slots: a file is read into 100,000s of rows
class Row:
    number: int
    cells: list[str]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[Row]
    # The last row read when a run of blank rows ended the table early; None when read to the end.
    ended_after_row: int | None = None
    # The row of the column names: below a title line or two in many exports.
    header_row: int = 1


def read_table(
    data: bytes,
    filename: str,
    *,
    max_rows: int | None = None,
    header_names: Iterable[str] = (),
) -> Table:
    """Read an uploaded CSV or XLSX file into a header row and its data rows. The header
    row is looked for among the first rows: the one naming most of `header_names`, else
    the first of the widest (a title line above the column names is narrower)."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    known = {_normalize_header(name) for name in header_names}
    if data.startswith(_ZIP_MAGIC) or filename.lower().endswith(".xlsx"):
        with cycle_collection_paused():
            return _read_xlsx(data, max_rows, known)
    if data.startswith(_OLE_MAGIC):
        raise TableError(
            "This looks like an older Excel file (.xls), which can't be read. In Excel, choose "
            f"File › Save As and save it as {ACCEPTED_FORMATS}."
        )
    if data.startswith(_PDF_MAGIC) or b"\x00" in data:
        raise TableError(f"This file can't be read. Upload {ACCEPTED_FORMATS}.")
    with cycle_collection_paused():
        return _read_csv(data, max_rows, known)


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is read or planned. That work makes a
    few small lists, dicts and rows per row of the file, none of them in a reference cycle,
    and the collector, woken every couple of thousand of them, walks every one still alive
    again and again: it took nearly half the time of planning a 100,000-row file. Reference
    counting frees them as before; the collector resumes afterwards (unless it was paused
    already)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _read_csv(data: bytes, max_rows: int, known: set[str]) -> Table:
    text = _decode(data)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_sniff_delimiter(text[:_SNIFFED_CHARACTERS]),
        skipinitialspace=True,
    )
    # One line can hold millions of delimiters: the columns past the limit are dropped as
    # soon as the line is parsed, before any cell is cleaned or checked.
    records = (
        (number, raw if len(raw) <= MAX_COLUMNS else raw[: MAX_COLUMNS + 1])
        for number, raw in enumerate(reader, start=1)
    )
    try:
        return _table_from_records(records, max_rows, known)
    except csv.Error as error:
        raise TableError(
            f"The file could not be read as CSV near row {reader.line_num}; check that every "
            "quotation mark is closed."
        ) from error


def _decode(data: bytes) -> str:
    # Excel saves "CSV UTF-8" with a BOM and plain "CSV" in the Windows code page.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _sniff_delimiter(text: str) -> str:
    """The delimiter used most often, outside quotes, on the first line that has content."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    in_quotes = has_content = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            has_content = True
        elif char in counts:
            counts[char] += 1
        elif char in "\r\n":
            if has_content:
                break
            counts = dict.fromkeys(_DELIMITERS, 0)
        elif not char.isspace():
            has_content = True
    # max() keeps the first of equal counts, so a tie (or no delimiter at all) means comma.
    return max(_DELIMITERS, key=lambda delimiter: counts[delimiter])


def _read_xlsx(data: bytes, max_rows: int, known: set[str]) -> Table:
    rows = sheet_rows(data, max_cells=MAX_CELLS)
    try:
        return _table_from_records(_xlsx_records(rows), max_rows, known)
    except (WorkbookTooLarge, UnreadableWorkbook) as error:
        raise TableError(str(error)) from error
    finally:
        rows.close()


def _xlsx_records(rows: Iterator[CellsRead]) -> Iterator[tuple[int, list[str]]]:
    for row in rows:
        # Cells past the limit are dropped, with one more kept to tell a too-wide header.
        width = min(max(row.values, default=0), MAX_COLUMNS + 1)
        cells = [""] * width
        for column, value in row.values.items():
            if column <= width:
                cells[column - 1] = _excel_text(value)
        yield row.number, cells


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores every number as a float, so employee ID 1042 arrives as 1042.0.
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return str(value)


def _table_from_records(
    records: Iterable[tuple[int, list[str]]], max_rows: int, known: set[str]
) -> Table:
    filled = _FilledRows(records)
    first_rows = list(itertools.islice(filled, HEADER_SEARCH_ROWS))
    header = _header_among(first_rows, known)
    if header is None:
        if filled.ended_early:
            raise TableError(
                f"The first {BLANK_ROWS_ENDING_A_TABLE:,} rows of the file are blank, so it was "
                "read as empty. Delete the blank rows above the column names and upload it again."
            )
        raise TableError("The file is empty: it needs a row of column names and rows of data.")
    headers = _clean_headers(header[1])
    width = len(headers)
    rows_within_cells = MAX_CELLS // max(width, 1)
    rows = []
    keep, most = rows.append, min(max_rows, rows_within_cells)
    below_header = first_rows[first_rows.index(header) + 1 :]
    for number, cells in itertools.chain(below_header, filled):
        if len(rows) == most:
            if most == max_rows:
                raise _too_many_rows(max_rows)
            raise TableError(
                f"The file is too large to import at once: {width} columns of more than "
                f"{rows_within_cells:,} rows is more than the {MAX_CELLS:,} cells one import "
                "reads. Delete the columns the import does not use, or split the rows into "
                "smaller files."
            )
        if len(cells) != width:
            cells = (cells + [""] * width)[:width]
        keep(Row(number, cells))
    ended_after_row = filled.last_filled if filled.ended_early else None
    return Table(headers=headers, rows=rows, ended_after_row=ended_after_row, header_row=header[0])


def _header_among(
    rows: list[tuple[int, list[str]]], known: set[str]
) -> tuple[int, list[str]] | None:
    """The row of column names: the one naming most known columns, else the first row
    filling at least half as many cells as the widest (a title or an export date above
    the column names fills fewer)."""
    if not rows:
        return None

    def named(row):
        return sum(1 for cell in row[1] if cell and _normalize_header(cell) in known)

    best = max(rows, key=named)  # the first of equals
    if named(best) >= 2:
        return best
    filled = [sum(1 for cell in cells if cell) for _, cells in rows]
    return next(row for row, n in zip(rows, filled, strict=True) if 2 * n >= max(filled))


class _FilledRows:
    """The rows that have content, stripped. A long run of blank rows ends the table: a sheet
    whose every row was formatted, or a file of blank lines, is not read to its end."""

    def __init__(self, records: Iterable[tuple[int, list[str]]]):
        self.last_filled = 0
        self.ended_early = False
        # One generator, however many times the rows are iterated: each picks up where the
        # last one stopped.
        self._rows = self._filled(iter(records))

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def _filled(self, records: Iterator) -> Iterator[tuple[int, list[str]]]:
        for number, raw in records:
            # A sheet can skip row numbers: the skipped rows are blank rows too.
            if number - self.last_filled > BLANK_ROWS_ENDING_A_TABLE:
                self.ended_early = True
                return
            # str.strip() also removes the non-breaking spaces that web-based exports leave.
            cells = [cell.strip() for cell in raw]
            if any(cells):
                self.last_filled = number
                yield number, cells


def _clean_headers(cells: list[str]) -> list[str]:
    headers = list(cells)
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise TableError(
            f"The file has more than {MAX_COLUMNS} columns, the most one import reads. Delete "
            "the columns the import does not use and upload it again."
        )
    counts = Counter(header.casefold() for header in headers if header)
    repeated = list(dict.fromkeys(h for h in headers if h and counts[h.casefold()] > 1))
    if repeated:
        names = ", ".join(f"“{name}”" for name in repeated)
        raise TableError(
            f"These column names appear more than once: {names}. Give each column a different "
            "name and upload the file again."
        )
    return headers


def _too_many_rows(max_rows: int) -> TableError:
    return TableError(
        f"The file has more than {max_rows:,} rows of data; the limit is {max_rows:,}. "
        "Split it into smaller files and upload each one."
    )


def parse_date(value: str) -> datetime.date:
    """A date as people type it in US spreadsheets, or as an Excel serial number."""
    text = value.strip()
    try:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
            return datetime.date(int(year), int(month), int(day))
        if _ISO_DATETIME.fullmatch(text):
            return datetime.datetime.fromisoformat(text).date()
        if match := _US_DATE.fullmatch(text) or _US_DASHED_DATE.fullmatch(text):
            month, day, year = match.groups()[:3]
            return datetime.date(_full_year(year), int(month), int(day))
        if match := _EXCEL_SERIAL.fullmatch(text):
            return _excel_serial_date(int(match.group(1)))
    except ValueError:
        pass
    if not text:
        raise ValueError(f"A date is required; {DATE_FORMATS_HINT}")
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise ValueError(f"“{shown}” is not a date; {DATE_FORMATS_HINT}")


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    # The same pivot as Excel: 00–69 are this century, 70–99 the last.
    short = int(year)
    return 2000 + short if short < 70 else 1900 + short


def _excel_serial_date(serial: int) -> datetime.date:
    if not 1 <= serial <= _EXCEL_MAX_SERIAL or serial == _EXCEL_FAKE_LEAP_DAY:
        raise ValueError(serial)
    if serial < _EXCEL_FAKE_LEAP_DAY:
        return datetime.date(1899, 12, 31) + datetime.timedelta(days=serial)
    return datetime.date(1899, 12, 30) + datetime.timedelta(days=serial)


def split_name(value: str) -> tuple[str, str]:
    """A full name as (first, last), from "Last, First" or "First Last"."""
    name = " ".join(value.split())
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    words = name.split(" ")
    # "John Smith Jr." keeps the suffix with the last name rather than making "Jr." the surname.
    if len(words) > 2 and words[-1].rstrip(".").casefold() in _NAME_SUFFIXES:
        words[-2:] = [" ".join(words[-2:])]
    return " ".join(words[:-1]), words[-1]


def guess_mapping(headers: list[str], synonyms: dict[str, list[str]]) -> dict[str, int]:
    """For each field, the index of the column whose header matches its name or a synonym."""
    normalized = [_normalize_header(header) for header in headers]
    used: set[int] = set()
    mapping = {}
    for field, names in synonyms.items():
        wanted = [_normalize_header(name) for name in [field, *names]]
        free = [(i, header) for i, header in enumerate(normalized) if header and i not in used]
        index = next((i for candidate in wanted for i, header in free if header == candidate), None)
        if index is not None:
            mapping[field] = index
            used.add(index)
    return mapping


def _normalize_header(header: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", header.casefold())
