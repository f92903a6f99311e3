"""The roster as a spreadsheet, with each person's training status; formula-safe."""

from __future__ import annotations

from django.db.models import QuerySet

from onemind.lib.spreadsheets import write_csv, write_xlsx
from training.models import Person

HEADERS = [
    "Employee ID",
    "Last name",
    "First name",
    "Rank or title",
    "Category",
    "Position",
    "Selected (non-sworn in scope)",
    "Status",
    "Status since",
    "Hire date",
    "Email",
    "In scope",
    "CIT or equivalent",
    "MHFA or equivalent",
    "Expires within 90 days",
    "CIT refresher due",
]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def roster_rows(people: QuerySet[Person]):
    """One row per person of a roster query annotated by `with_training_status`."""
    for person in people.iterator(chunk_size=2000):
        yield [
            person.employee_id,
            person.last_name,
            person.first_name,
            person.rank,
            person.get_category_display(),
            person.position,
            _yes(person.selected),
            person.get_status_display(),
            person.status_changed_on,
            person.hire_date,
            person.email,
            _yes(person.in_scope),
            _yes(person.has_cit),
            _yes(person.has_mhfa),
            _yes(person.expiring_soon),
            _yes(person.refresher_due),
        ]


def roster_export(
    people: QuerySet[Person], file_format: str, *, sheet_title: str
) -> tuple[bytes, str]:
    """(file content, content type) of the roster in `csv` or `xlsx`."""
    rows = roster_rows(people)
    if file_format == "xlsx":
        return write_xlsx(HEADERS, rows, sheet_title=sheet_title), CONTENT_TYPES["xlsx"]
    return write_csv(HEADERS, rows), CONTENT_TYPES["csv"]
