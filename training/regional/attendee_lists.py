"""A regional class's attendee list, uploaded as CSV or XLSX: one row per attendee, with
their agency (its ORI or its name), employee ID and name; each row's problems said by row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from agencies.models import Agency
from onemind.lib.tables import TableError, guess_mapping, read_table, split_name
from training.regional.services import Attendee

# A class, not a roster: a few hundred attendees at the very most.
MAX_ATTENDEE_ROWS = 2000
MAX_ATTENDEE_FILE_BYTES = 2 * 1024 * 1024

COLUMNS = {
    "agency": ["agency", "agency name", "department", "ori", "agency ori"],
    "employee_id": ["employee id", "employee number", "employee no", "badge", "id"],
    "first_name": ["first name", "first", "given name"],
    "last_name": ["last name", "last", "surname", "family name"],
    "name": ["name", "full name", "attendee", "attendee name"],
}
FIELD_LIMITS = {"employee_id": 64, "first_name": 100, "last_name": 100}


@dataclass
class AttendeeList:
    attendees: list[Attendee] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def member_lookup(members: list[Agency]) -> dict[str, Agency]:
    """The member agencies by ORI and by name, as a sheet may write either (any case)."""
    lookup = {agency.name.casefold(): agency for agency in members}
    lookup.update({agency.ori.casefold(): agency for agency in members if agency.ori})
    return lookup


def read_attendee_list(data: bytes, filename: str, members: list[Agency]) -> AttendeeList:
    """The attendees the file lists, and what is wrong with it, row by row. The caller
    refuses a file over MAX_ATTENDEE_FILE_BYTES before reading it."""
    result = AttendeeList()
    try:
        table = read_table(
            data,
            filename,
            max_rows=MAX_ATTENDEE_ROWS,
            header_names=[name for names in COLUMNS.values() for name in names],
        )
    except TableError as error:
        result.errors.append(str(error))
        return result
    columns = guess_mapping(table.headers, COLUMNS)
    missing = [
        label
        for label, present in [
            (_("agency (ORI or name)"), "agency" in columns),
            (_("employee ID"), "employee_id" in columns),
            (_("last name (or name)"), "last_name" in columns or "name" in columns),
        ]
        if not present
    ]
    if missing:
        result.errors.append(
            _(
                "The attendee list needs a column for each of: %(columns)s. Its columns are: "
                "%(headers)s."
            )  # fmt: skip
            % {"columns": ", ".join(missing), "headers": ", ".join(h for h in table.headers if h)}
        )
        return result
    agencies = member_lookup(members)
    for row in table.rows:
        cells = {name: row.cells[index].strip() for name, index in columns.items()}
        if not any(cells.values()):
            continue
        problems, attendee = _attendee(cells, agencies)
        if problems:
            result.errors.append(
                _("Row %(row)d: %(problems)s") % {"row": row.number, "problems": " ".join(problems)}
            )
        else:
            result.attendees.append(attendee)
    return result


def _attendee(
    cells: dict[str, str], agencies: dict[str, Agency]
) -> tuple[list[str], Attendee | None]:
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    if not last and cells.get("name"):
        first, last = split_name(cells["name"])
    problems = []
    agency = agencies.get(cells["agency"].casefold())
    if not cells["agency"]:
        problems.append(_("the agency is missing."))
    elif agency is None:
        problems.append(
            _("“%(agency)s” is not the ORI or name of a member agency of the region.")
            % {"agency": cells["agency"]}
        )
    if not cells["employee_id"]:
        problems.append(_("the employee ID is missing."))
    if not last:
        problems.append(_("the last name is missing."))
    for name, value in [("employee_id", cells["employee_id"]), ("first_name", first),
                        ("last_name", last)]:  # fmt: skip
        if len(value) > FIELD_LIMITS[name]:
            problems.append(
                _("“%(value)s…” is longer than %(limit)d characters.")
                % {"value": value[:20], "limit": FIELD_LIMITS[name]}
            )
    if problems:
        return problems, None
    return [], Attendee(
        agency=agency, employee_id=cells["employee_id"], first_name=first, last_name=last
    )
