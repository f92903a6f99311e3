"""What each import column means, and how one row's text becomes checked values.

Every problem becomes a `RowError` with the row number, column and reason a person can act
on; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from agencies.dates import PAST_DAYS, DayRange
from agencies.names import clean_name
from training.imports.reading import parse_date, split_name
from training.models import COMPLETION_DAYS, Category, ImportKind, Position, Status


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class CellError(ValueError):
    """A cell that cannot be used; the message says why."""


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    synonyms: list[str]
    parse: Callable[[str, date], object]
    required: bool = False


def _text(limit: int) -> Callable[[str, date], str]:
    def parse(value: str, today: date) -> str:
        if len(value) > limit:
            raise CellError(f"longer than {limit} characters")
        return value

    return parse


def _name(limit: int) -> Callable[[str, date], str]:
    """A name, cleaned as every name in the product is (the rows skip the model's save)."""
    text = _text(limit)

    def parse(value: str, today: date) -> str:
        return text(clean_name(value), today)

    return parse


def _email(value: str, today: date) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as error:
        raise CellError(f"“{value}” is not an email address") from error
    return value.lower()


def _date_within(days: DayRange) -> Callable[[str, date], date | None]:
    """A date cell, within the same range of days as the form field for it."""

    def parse(value: str, today: date) -> date | None:
        if not value:
            return None
        try:
            day = parse_date(value)
        except ValueError as error:
            raise CellError(str(error)) from error
        if problem := days.problem(day, today):
            raise CellError(problem)
        return day

    return parse


def _choice(words: dict[str, str], what: str, default: str | None = None):
    """A closed list of values, recognised by the words agencies' systems use for them."""
    known = {re.sub(r"[^a-z]", "", word.lower()): value for word, value in words.items()}

    def parse(value: str, today: date) -> str | None:
        if not value:
            return default
        key = re.sub(r"[^a-z]", "", value.lower())
        if key in known:
            return known[key]
        raise CellError(f"“{value}” is not a {what}; use one of: {', '.join(sorted(words))}")

    return parse


def _yes_no(value: str, today: date) -> bool | None:
    if not value:
        return None
    word = value.strip().lower()
    if word in {"y", "yes", "true", "1", "x", "selected"}:
        return True
    if word in {"n", "no", "false", "0"}:
        return False
    raise CellError(f"“{value}” is not yes or no")


def _hours(value: str, today: date) -> Decimal | None:
    if not value:
        return None
    try:
        hours = Decimal(value.replace(",", "."))
    except InvalidOperation as error:
        raise CellError(f"“{value}” is not a number of hours") from error
    if not Decimal(0) <= hours < Decimal(1000):
        raise CellError(f"{value} hours is not a course length")
    return hours.quantize(Decimal("0.1"))


CATEGORY_WORDS = {
    "sworn": Category.SWORN,
    "officer": Category.SWORN,
    "deputy": Category.SWORN,
    "s": Category.SWORN,
    "non-sworn": Category.NON_SWORN,
    "nonsworn": Category.NON_SWORN,
    "civilian": Category.NON_SWORN,
    "professional staff": Category.NON_SWORN,
    "n": Category.NON_SWORN,
}
POSITION_WORDS = {
    "patrol": Position.PATROL,
    "uniform": Position.PATROL,
    "investigations": Position.INVESTIGATIONS,
    "investigator": Position.INVESTIGATIONS,
    "detective": Position.INVESTIGATIONS,
    "cid": Position.INVESTIGATIONS,
    "dispatch": Position.DISPATCH,
    "dispatcher": Position.DISPATCH,
    "telecommunicator": Position.DISPATCH,
    "communications": Position.DISPATCH,
    "911": Position.DISPATCH,
    "corrections": Position.CORRECTIONS,
    "jail": Position.CORRECTIONS,
    "detention": Position.CORRECTIONS,
    "command": Position.COMMAND,
    "administration": Position.COMMAND,
    "civilian": Position.CIVILIAN,
    "records": Position.CIVILIAN,
    "other": Position.OTHER,
}
STATUS_WORDS = {
    "active": Status.ACTIVE,
    "a": Status.ACTIVE,
    "leave": Status.LEAVE,
    "extended leave": Status.LEAVE,
    "loa": Status.LEAVE,
    "military leave": Status.LEAVE,
    "separated": Status.SEPARATED,
    "terminated": Status.SEPARATED,
    "retired": Status.SEPARATED,
    "resigned": Status.SEPARATED,
    "inactive": Status.SEPARATED,
}

ROSTER_COLUMNS = [
    Column("employee_id", "Employee ID", ["emp id", "empid", "employee number", "emp no",
           "emp #", "employee #", "badge", "badge number", "id", "payroll number",
           "personnel number"], _text(64), required=True),
    Column("last_name", "Last name", ["surname", "family name", "lname"], _name(100)),
    Column("first_name", "First name", ["given name", "fname"], _name(100)),
    Column("full_name", "Full name (“Last, First”)", ["name", "employee name",
           "officer name", "full name"], _name(202)),
    Column("email", "Email", ["email address", "e-mail", "work email"], _email),
    Column("rank", "Rank or title", ["title", "job title", "rank/title"], _name(100)),
    Column("category", "Sworn or non-sworn", ["sworn", "sworn status", "employee type",
           "type"], _choice(CATEGORY_WORDS, "category")),
    Column("position", "Position", ["assignment", "division", "unit", "job"],
           _choice(POSITION_WORDS, "position")),
    Column("selected", "Non-sworn in scope (yes/no)", ["in scope", "selected"], _yes_no),
    Column("status", "Status", ["employment status", "emp status"],
           _choice(STATUS_WORDS, "status")),
    Column("status_changed_on", "Status date", ["status since", "separation date",
           "status effective"], _date_within(PAST_DAYS)),
    Column("hire_date", "Hire date", ["date hired", "start date", "hired"],
           _date_within(PAST_DAYS)),
]  # fmt: skip

TRAINING_COLUMNS = [
    Column("employee_id", "Employee ID", ["emp id", "empid", "employee number", "emp no",
           "emp #", "employee #", "badge", "badge number", "id", "student id", "user id"],
           _text(64), required=True),
    Column("course", "Course", ["course name", "course title", "training", "class",
           "training name"], _name(200), required=True),
    Column("completed_on", "Completion date", ["completed", "date completed", "completion",
           "date", "class date", "training date"], _date_within(COMPLETION_DAYS),
           required=True),
    Column("hours", "Hours", ["credit hours", "duration", "length"], _hours),
    Column("credential_number", "Certificate number", ["certificate", "credential",
           "certificate no", "certification number"], _text(100)),
]  # fmt: skip

COLUMNS = {ImportKind.ROSTER: ROSTER_COLUMNS, ImportKind.TRAINING: TRAINING_COLUMNS}


def columns_for(kind: str) -> list[Column]:
    return COLUMNS[kind]


def synonyms_for(kind: str) -> dict[str, list[str]]:
    return {c.field: [c.label, *c.synonyms] for c in columns_for(kind)}


@dataclass
class ParsedRow:
    number: int
    values: dict[str, object] = field(default_factory=dict)


def parse_row(
    kind: str, number: int, cells: list[str], mapping: dict[str, int], today: date
) -> tuple[ParsedRow, list[RowError]]:
    """One file row as checked values for the mapped columns, and its problems."""
    parsed, errors = ParsedRow(number), []
    for column in columns_for(kind):
        if column.field not in mapping:
            continue
        raw = cells[mapping[column.field]]
        if column.required and not raw:
            errors.append(RowError(number, column.label, "is empty"))
            continue
        try:
            parsed.values[column.field] = column.parse(raw, today)
        except CellError as error:
            errors.append(RowError(number, column.label, str(error)))
    if kind == ImportKind.ROSTER:
        errors += _settle_names(parsed)
    return parsed, errors


def _settle_names(parsed: ParsedRow) -> list[RowError]:
    """A "Last, First" column fills in whichever of the two name columns is not mapped."""
    values = parsed.values
    full = values.pop("full_name", None)
    if full:
        first, last = split_name(full)
        values.setdefault("first_name", first)
        values.setdefault("last_name", last)
    if "last_name" in values and not values["last_name"]:
        return [RowError(parsed.number, "Last name", "is empty")]
    return []


def mapping_problems(kind: str, mapping: dict[str, int]) -> list[str]:
    """What a column mapping lacks before any row can be read."""
    problems = [
        f"Choose the column for {c.label}."
        for c in columns_for(kind)
        if c.required and c.field not in mapping
    ]
    if kind == ImportKind.ROSTER and not {"last_name", "full_name"} & mapping.keys():
        problems.append("Choose the column for Last name, or for Full name (“Last, First”).")
    used = list(mapping.values())
    if len(used) != len(set(used)):
        problems.append("Each column of the file can be used for one field only.")
    return problems
