"""The first worksheet of an uploaded Excel workbook, read with bounded work.

openpyxl's read-only workbook is not used for the sheet: opening it reads through every
worksheet that does not declare its size, and it pads each row to its widest cell (one cell
in column XFD makes a row of 16,384 values). The sheet and the workbook's table of texts
are streamed here instead, every element counted, and reading stops at the first limit
passed (and, in onemind.lib.tables, at a long run of blank rows). openpyxl still reads the
workbook's small parts (the sheet list, the styles that say which numbers are dates), each
under a size limit, and converts each cell as it always did, but for texts stored in cells.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, iterparse

from django.utils.translation import ngettext
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    WORKSHEET_TYPE,
)

# Limits on what is decompressed (a zip's declared sizes are enforced by zipfile, which
# stops at the declared size and then fails the checksum). The largest real files are far
# below them: a 36,000-person roster's sheet is 12 MB, 200,000 training rows 37 MB.
MAX_SMALL_PART_BYTES = 8 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
MAX_SHEET_BYTES = 128 * 1024 * 1024
# A cell is two or three elements (<c><v>, <c><is><t>); runs of formatted text add more.
ELEMENTS_PER_CELL = 3
# One row or one text: Excel's 16,384 columns of cells holding text.
MAX_ITEM_ELEMENTS = 16_384 * ELEMENTS_PER_CELL

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_CELL = f"{{{SHEET_MAIN_NS}}}c"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_STRING_ITEM = f"{{{SHEET_MAIN_NS}}}si"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_INLINE_STRING = f"{{{SHEET_MAIN_NS}}}is"


class WorkbookTooLarge(Exception):
    """The workbook passed a limit; the message says which, for the person who uploaded it."""


class UnreadableWorkbook(Exception):
    """Not a workbook that can be read: damaged, mislabelled or without a worksheet."""

    def __init__(
        self,
        message: str = "The file could not be read as an Excel workbook (.xlsx). It may be "
        "damaged; open it in Excel and save it again, or export it as CSV.",
    ):
        super().__init__(message)


@dataclass(frozen=True)
class CellsRead:
    """Cell values of one sheet row, by column (1 = A), with the row's number."""

    number: int
    values: dict[int, object]


def sheet_rows(data: bytes, *, max_cells: int) -> Iterator[CellsRead]:
    """The rows of the workbook's first worksheet, lazily; stops past max_cells cells.

    Every <c> element counts, filled or not, so formatted blank cells cannot make the
    reading longer than a sheet of max_cells values. Close the iterator when done early.
    """
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        _check_size(reader.archive, ARC_CONTENT_TYPES, MAX_SMALL_PART_BYTES)
        reader.read_manifest()
        _check_part_sizes(reader)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheet_path = _first_worksheet(reader)
        parser = WorkSheetParser(
            None,
            _shared_strings(reader, max_cells),
            data_only=True,
            epoch=reader.wb.epoch,
            date_formats=reader.wb._date_formats,
            timedelta_formats=reader.wb._timedelta_formats,
        )
        _check_size(reader.archive, sheet_path, MAX_SHEET_BYTES)
        with reader.archive.open(sheet_path) as source:
            yield from _rows(source, parser, max_cells)
    except (WorkbookTooLarge, UnreadableWorkbook):
        raise
    except Exception as error:
        # A damaged or mislabelled file fails deep inside openpyxl in many ways, some only
        # once its rows are read.
        raise UnreadableWorkbook from error


def _check_part_sizes(reader: ExcelReader) -> None:
    """openpyxl reads every part whole (the workbook, its relationships, the styles) but
    the worksheets and the table of texts, which are streamed here: those others must be
    small, whatever the file pads them with."""
    streamed = {
        part.PartName[1:]
        for part in reader.package.Override
        if part.ContentType in (WORKSHEET_TYPE, SHARED_STRINGS)
    }
    for info in reader.archive.infolist():
        if info.filename not in streamed:
            _check_size(reader.archive, info.filename, MAX_SMALL_PART_BYTES)


def _check_size(archive: zipfile.ZipFile, name: str, limit: int) -> None:
    try:
        size = archive.getinfo(name).file_size
    except KeyError:
        return
    if size > limit:
        raise WorkbookTooLarge(
            f"The workbook is too large to read: one of its parts unpacks to "
            f"{size / 1048576:,.0f} MB (the limit is {limit // 1048576} MB). Copy the sheet to "
            "import into a new workbook, or export it as CSV."
        )


def _first_worksheet(reader: ExcelReader) -> str:
    for _sheet, relation in reader.parser.find_sheets():
        if "chartsheet" not in relation.Type and relation.target in reader.valid_files:
            return relation.target
    raise UnreadableWorkbook("The Excel workbook has no worksheet.")


def _shared_strings(reader: ExcelReader, max_cells: int) -> list[str]:
    """The workbook's table of texts, read as openpyxl reads it."""
    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    path = part.PartName[1:]
    _check_size(reader.archive, path, MAX_SHARED_STRINGS_BYTES)
    with reader.archive.open(path) as source:
        items = _finished_items(source, _STRING_ITEM, counted={_STRING_ITEM}, max_count=max_cells)
        # As openpyxl does for this table only (not for texts stored in cells).
        return [_string_item_text(item).replace("x005F_", "") for item in items]


def _string_item_text(item: Element) -> str:
    # Plain text, or runs of formatted text; phonetic guides (<rPh>) are not part of it.
    parts = [child.text or "" for child in item if child.tag == _TEXT]
    for run in item.iterfind(_RUN):
        parts.append(run.findtext(_TEXT) or "")
    return "".join(parts)


def _rows(source, parser: WorkSheetParser, max_cells: int) -> Iterator[CellsRead]:
    # A row costs about what a cell does, so rows count as cells: a sheet of empty rows is
    # bounded too.
    for row in _finished_items(source, _ROW, counted={_ROW, _CELL}, max_count=max_cells):
        yield _row_read(parser, row)


def _finished_items(
    source, item_tag: str, *, counted: set[str], max_count: int
) -> Iterator[Element]:
    """Each finished item element of a streamed part, then dropped from memory, like every
    other element once finished outside an item. The elements named in counted may number
    max_count, all elements a few times that, and one item at most MAX_ITEM_ELEMENTS."""
    count = elements = item_elements = 0
    max_elements = max_count * ELEMENTS_PER_CELL
    open_elements: list[Element] = []
    # Python's expat (2.4.1 and later) stops entity-expansion bombs and ElementTree never
    # loads external entities; defusedxml's parser, with its handlers in Python, reads
    # these parts 40% slower.
    for event, element in iterparse(source, events=("start", "end")):  # noqa: S314
        if event == "end":
            open_elements.pop()
            if element.tag == item_tag:
                yield element
                item_elements = 0
            elif element.tag == _SHEET_DATA:
                return
            if open_elements and not item_elements:
                open_elements[-1].remove(element)
            continue
        open_elements.append(element)
        elements += 1
        if element.tag in counted:
            count += 1
            if count > max_count:
                raise _too_many_cells(max_count)
        if item_elements or element.tag == item_tag:
            item_elements += 1
        if elements > max_elements or item_elements > MAX_ITEM_ELEMENTS:
            raise WorkbookTooLarge(
                "The worksheet is too large or too complex to read. Copy the columns to "
                "import into a new workbook, or export the sheet as CSV."
            )


def _row_read(parser: WorkSheetParser, row: Element) -> CellsRead:
    """openpyxl's reading of a row's cells, but for texts stored in the cell (as the product's
    own exports store them), which openpyxl builds rich-text objects for, 15 times slower."""
    number = row.get("r")
    # Rows may leave out their number, as cells their column: then they follow the last.
    parser.row_counter = int(float(number)) if number else parser.row_counter + 1
    parser.col_counter = 0
    values = {}
    for cell in row:
        if cell.get("t") == "inlineStr":
            coordinate = cell.get("r")
            parser.col_counter = (
                coordinate_to_tuple(coordinate)[1] if coordinate else parser.col_counter + 1
            )
            text = cell.find(_INLINE_STRING)
            values[parser.col_counter] = None if text is None else _string_item_text(text)
        else:
            parsed = parser.parse_cell(cell)
            values[parsed["column"]] = parsed["value"]
    return CellsRead(parser.row_counter, values)


def _too_many_cells(max_cells: int) -> WorkbookTooLarge:
    return WorkbookTooLarge(
        ngettext(
            "The worksheet holds more than %(cells)s cell, the most one import reads. Delete "
            "the columns the import does not use, or split the rows into smaller files.",
            "The worksheet holds more than %(cells)s cells, the most one import reads. Delete "
            "the columns the import does not use, or split the rows into smaller files.",
            max_cells,
        )
        % {"cells": f"{max_cells:,}"}
    )
