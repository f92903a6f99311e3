"""Templates an agency can fill in: a roster file and a training-records file, as CSV or
as an Excel workbook, whose columns are the import's own.

A template's header row is the import's own column labels (the names its column mapping
recognises first), above two example rows that import cleanly, roster then training: the
roster's two people are the ones the training rows name, and the courses are the
catalogue's CIT and MHFA courses by their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from onemind.lib.spreadsheets import Cell, write_csv, write_xlsx
from training.exports import CONTENT_TYPES
from training.imports.rows import Column, columns_for
from training.models import ImportKind

FORMATS = ("csv", "xlsx")

# "Full name (“Last, First”)" is the other way to give the two name columns, for files
# that have only one; a template that asked for both ways would ask for each name twice.
_LEFT_OUT = {ImportKind.ROSTER: {"full_name"}, ImportKind.TRAINING: set()}

# Cells left out of a row are blank: a sworn officer is in scope whatever the in-scope
# column says, and a status date is needed only for someone not active.
EXAMPLE_ROWS: dict[str, list[dict[str, Cell]]] = {
    ImportKind.ROSTER: [
        {
            "employee_id": "1042",
            "last_name": "Rivera",
            "first_name": "Ana",
            "email": "arivera@example.gov",
            "rank": "Sergeant",
            "category": "Sworn",
            "position": "Patrol - B Shift",
            "status": "Active",
            "hire_date": date(2015, 6, 1),
        },
        {
            "employee_id": "2317",
            "last_name": "Chen",
            "first_name": "Marcus",
            "email": "mchen@example.gov",
            "rank": "Dispatcher",
            "category": "Non-sworn",
            "position": "Communications",
            "selected": "Yes",
            "status": "Active",
            "hire_date": date(2019, 9, 16),
        },
    ],
    ImportKind.TRAINING: [
        {
            "employee_id": "1042",
            "course": "Crisis Intervention Team (CIT) training",
            "completed_on": date(2024, 10, 24),
            "hours": 40,
            "credential_number": "CIT-2024-0193",
        },
        {
            "employee_id": "2317",
            "course": "Mental Health First Aid for Public Safety",
            "completed_on": date(2024, 3, 12),
            "hours": Decimal("6.5"),
            "credential_number": "MHFA-PS-48213",
        },
    ],
}

_FILE_STEMS = {
    ImportKind.ROSTER: "roster-template",
    ImportKind.TRAINING: "training-records-template",
}
_SHEET_TITLES = {ImportKind.ROSTER: _("Roster"), ImportKind.TRAINING: _("Training records")}


@dataclass(frozen=True)
class ImportTemplate:
    filename: str
    content_type: str
    content: bytes


def template_columns(kind: str) -> list[Column]:
    """The columns a template of this kind holds, in the import's order."""
    return [c for c in columns_for(kind) if c.field not in _LEFT_OUT[kind]]


def import_template(kind: str, file_format: str) -> ImportTemplate:
    """The template for one kind of import, as a CSV file or an Excel workbook."""
    if kind not in ImportKind.values or file_format not in FORMATS:
        raise ValueError(f"no {file_format} template for {kind} imports")
    columns = template_columns(kind)
    headers = [str(column.label) for column in columns]
    rows = [[row.get(column.field) for column in columns] for row in EXAMPLE_ROWS[kind]]
    if file_format == "xlsx":
        content = write_xlsx(headers, rows, sheet_title=str(_SHEET_TITLES[kind]))
    else:
        content = write_csv(headers, rows)
    return ImportTemplate(
        filename=f"{_FILE_STEMS[kind]}.{file_format}",
        content_type=CONTENT_TYPES[file_format],
        content=content,
    )
