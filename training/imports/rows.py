"""What each import column means, and how one row's text becomes checked values.

Every problem becomes a `RowError` with the row number, column and reason a person can act
on; nothing here touches the database. A vocabulary column (sworn, status, in scope) reads
its cells through the meanings chosen in the values step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.names import clean_name
from onemind.lib.dates import PAST_DAYS, DayRange
from onemind.lib.tables import parse_date, split_name
from training.imports.vocabularies import (
    CATEGORY,
    SELECTED,
    SKIP,
    STATUS,
    YES,
    Vocabulary,
    value_key,
)
from training.models import COMPLETION_DAYS, ImportKind

# The values a row's vocabulary cells may take: {field: {value_key: meaning}}.
Choices = dict[str, dict[str, str]]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class CellError(ValueError):
    """A cell that cannot be used; the message says why."""


class SkippedValue(CellError):
    """A cell whose value the coordinator chose to skip the rows of."""


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    synonyms: list[str]
    parse: Callable[[str, date, dict[str, str]], object]
    example: str = ""
    required: bool = False
    vocabulary: Vocabulary | None = None


def _text(limit: int):
    def parse(value: str, today: date, chosen: dict[str, str]) -> str:
        if len(value) > limit:
            raise CellError(_("longer than %(limit)d characters") % {"limit": limit})
        return value

    return parse


def _name(limit: int):
    """A name, cleaned as every name in the product is (the rows skip the model's save)."""
    text = _text(limit)

    def parse(value: str, today: date, chosen: dict[str, str]) -> str:
        return text(clean_name(value), today, chosen)

    return parse


def _email(value: str, today: date, chosen: dict[str, str]) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as error:
        raise CellError(_("“%(value)s” is not an email address") % {"value": value}) from error
    return value.lower()


def _date_within(days: DayRange):
    """A date cell, within the same range of days as the form field for it."""

    def parse(value: str, today: date, chosen: dict[str, str]) -> date | None:
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


def _vocabulary(vocabulary: Vocabulary):
    """A column whose values mean one of a few things, as chosen in the values step (where
    the built-in synonyms and the agency's remembered choices proposed them)."""

    def parse(value: str, today: date, chosen: dict[str, str]) -> str | None:
        if not value:
            return None
        meaning = chosen.get(value_key(value))
        if meaning is None:
            raise CellError(
                _("“%(value)s” has no meaning chosen: choose one in the values step")
                % {"value": value}
            )
        if meaning == SKIP:
            raise SkippedValue(_("skipped, as chosen for “%(value)s”") % {"value": value})
        return meaning

    return parse


def _in_scope(value: str, today: date, chosen: dict[str, str]) -> bool | None:
    meaning = _vocabulary(SELECTED)(value, today, chosen)
    return None if meaning is None else meaning == YES


def _hours(value: str, today: date, chosen: dict[str, str]) -> Decimal | None:
    if not value:
        return None
    try:
        hours = Decimal(value.replace(",", "."))
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not a number of hours") % {"value": value}) from error
    if not Decimal(0) <= hours < Decimal(1000):
        raise CellError(_("%(value)s hours is not a course length") % {"value": value})
    return hours.quantize(Decimal("0.1"))


_label = gettext_lazy

ROSTER_COLUMNS = [
    Column("employee_id", _label("Employee ID"), ["emp id", "empid", "employee number",
           "emp no", "emp #", "employee #", "badge", "badge #", "badge number", "badge no",
           "id", "payroll number", "personnel number", "serial number"], _text(64),
           example="1042", required=True),
    Column("last_name", _label("Last name"), ["surname", "family name", "lname", "last"],
           _name(100), example="Rivera"),
    Column("first_name", _label("First name"), ["given name", "fname", "first"], _name(100),
           example="Ana"),
    Column("full_name", _label("Full name (“Last, First”)"), ["name", "employee name",
           "officer name", "full name"], _name(202), example="Rivera, Ana"),
    Column("email", _label("Email"), ["email address", "e-mail", "work email"], _email,
           example="arivera@example.gov"),
    Column("rank", _label("Rank or title"), ["title", "job title", "rank/title", "position title",
           "job class", "classification"], _name(100), example="Sergeant"),
    Column("category", _label("Sworn or non-sworn"), ["sworn", "sworn?", "sworn status",
           "sworn/civilian", "employee type", "type", "sworn y/n"],
           _vocabulary(CATEGORY), example="Sworn, Y, Civilian", vocabulary=CATEGORY),
    Column("position", _label("Position or assignment"), ["assignment", "division", "unit",
           "job", "position", "bureau", "shift"], _name(100), example="Patrol - B Shift"),
    Column("selected", _label("Non-sworn in scope (yes/no)"), ["in scope", "selected",
           "in pledge"], _in_scope, example="Yes", vocabulary=SELECTED),
    Column("status", _label("Status"), ["employment status", "emp status", "active?"],
           _vocabulary(STATUS), example="Active, LOA, Retired", vocabulary=STATUS),
    Column("status_changed_on", _label("Status date"), ["status since", "separation date",
           "status effective", "status date"], _date_within(PAST_DAYS), example="03/15/2024"),
    Column("hire_date", _label("Hire date"), ["date hired", "start date", "hired",
           "date of hire", "doh"], _date_within(PAST_DAYS), example="06/01/2015"),
]  # fmt: skip

TRAINING_COLUMNS = [
    Column("employee_id", _label("Employee ID"), ["emp id", "empid", "employee number",
           "emp no", "emp #", "employee #", "badge", "badge #", "badge number", "id",
           "student id", "user id", "learner id"], _text(64), example="1042", required=True),
    Column("course", _label("Course"), ["course name", "course title", "training", "class",
           "training name", "training title", "title", "activity"], _name(200),
           example="Crisis Intervention Team (CIT)", required=True),
    Column("completed_on", _label("Completion date"), ["completed", "date completed",
           "completion", "date", "class date", "training date", "completion date",
           "end date"], _date_within(COMPLETION_DAYS), example="10/24/2025", required=True),
    Column("hours", _label("Hours"), ["credit hours", "duration", "length", "hrs",
           "hours completed"], _hours, example="40"),
    Column("credential_number", _label("Certificate number"), ["certificate", "credential",
           "certificate no", "certification number", "cert #"], _text(100),
           example="CIT-2025-0193"),
]  # fmt: skip

COLUMNS = {ImportKind.ROSTER: ROSTER_COLUMNS, ImportKind.TRAINING: TRAINING_COLUMNS}


def columns_for(kind: str) -> list[Column]:
    return COLUMNS[kind]


def synonyms_for(kind: str) -> dict[str, list[str]]:
    return {c.field: [str(c.label), *c.synonyms] for c in columns_for(kind)}


@dataclass(slots=True)
class ParsedRow:
    number: int
    values: dict[str, object] = field(default_factory=dict)
    # Why the row is left out by the coordinator's choice (not an error in the file).
    skipped: str = ""


# What checking a cell came to: a value, a value chosen to be skipped, or a problem.
_VALUE, _SKIPPED, _ERROR = "value", "skipped", "error"


class RowParser:
    """Checks the rows of one file. Each column's distinct cell text is checked once: a file
    repeats its ranks, assignments, statuses, course titles and dates on thousands of rows,
    and the checks depend on nothing else (the day and the chosen meanings are fixed)."""

    def __init__(
        self, kind: str, mapping: dict[str, int], today: date, choices: Choices | None = None
    ) -> None:
        choices = choices or {}
        self.kind = kind
        self._columns = [
            (column, str(column.label), mapping[column.field], choices.get(column.field, {}), {})
            for column in columns_for(kind)
            if column.field in mapping
        ]
        self._today = today

    def __call__(self, number: int, cells: list[str]) -> tuple[ParsedRow, list[RowError]]:
        """One file row as checked values for the mapped columns, and its problems."""
        parsed, errors = ParsedRow(number), []
        values = parsed.values
        for column, label, index, chosen, checked in self._columns:
            raw = cells[index]
            if column.required and not raw:
                errors.append(RowError(number, label, _("is empty")))
                continue
            if (outcome := checked.get(raw)) is None:
                outcome = checked[raw] = self._check(column, label, raw, chosen)
            what, result = outcome
            if what is _VALUE:
                values[column.field] = result
            elif what is _SKIPPED:
                parsed.skipped = result
            else:
                errors.append(RowError(number, label, result))
        if self.kind == ImportKind.ROSTER:
            errors += _settle_names(parsed)
        return parsed, errors

    def _check(self, column: Column, label: str, raw: str, chosen: dict[str, str]) -> tuple:
        """What a cell's text comes to in this column."""
        try:
            return _VALUE, column.parse(raw, self._today, chosen)
        except SkippedValue as skipped:
            return _SKIPPED, f"{label}: {skipped}"
        except CellError as error:
            return _ERROR, str(error)


def _settle_names(parsed: ParsedRow) -> list[RowError]:
    """A "Last, First" column fills in whichever of the two name columns is not mapped."""
    values = parsed.values
    full = values.pop("full_name", None)
    if full:
        first, last = split_name(full)
        values.setdefault("first_name", first)
        values.setdefault("last_name", last)
    if "last_name" in values and not values["last_name"]:
        return [RowError(parsed.number, _("Last name"), _("is empty"))]
    return []


def mapping_problems(kind: str, mapping: dict[str, int]) -> list[str]:
    """What a column mapping lacks before any row can be read."""
    problems = [
        _("Choose the column for %(column)s.") % {"column": c.label}
        for c in columns_for(kind)
        if c.required and c.field not in mapping
    ]
    if kind == ImportKind.ROSTER and not {"last_name", "full_name"} & mapping.keys():
        problems.append(_("Choose the column for Last name, or for Full name (“Last, First”)."))
    used = list(mapping.values())
    if len(used) != len(set(used)):
        problems.append(_("Each column of the file can be used for one field only."))
    return problems
