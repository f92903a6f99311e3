"""Dates as the product writes them in sentences, pages and PDFs alike, the days a date
that people enter may fall on, and months counted on the calendar."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# No record, agreement or policy the program keeps is older (a person hired in 1950 would
# have retired decades ago); earlier years are typing mistakes, as year 9999 is.
EARLIEST_DAY = date(1950, 1, 1)


def day(value: date) -> str:
    """Mar 1, 2026: what Django's date format "M j, Y" writes (the month's abbreviation in
    the active language), written directly: lists write one a row, and Django's formatter
    takes three times as long."""
    return f"{MONTHS_3[value.month].title()} {value.day}, {value.year:04d}"


def day_and_time(value: datetime, *, seconds: bool = False) -> str:
    """Mar 1, 2026 14:05 (14:05:09 with seconds, for the audit trail), as `value` is given:
    convert an aware time to the reader's zone first."""
    return f"{day(value)} {value:%H:%M:%S}" if seconds else f"{day(value)} {value:%H:%M}"


@dataclass(frozen=True)
class DayRange:
    """The days a date field accepts: from `earliest` to `years_ahead` years after today
    (none: nothing after today)."""

    earliest: date = EARLIEST_DAY
    years_ahead: int = 0

    def latest(self, today: date) -> date:
        try:
            return today.replace(year=today.year + self.years_ahead)
        except ValueError:  # February 29 in a year that has none
            return today.replace(year=today.year + self.years_ahead, day=28)

    def problem(self, value: date, today: date) -> str | None:
        """What is wrong with `value` for this range on `today`, in words; None if nothing."""
        if value < self.earliest:
            return _("The date cannot be before %(earliest)s (%(value)s); check the year") % {
                "earliest": day(self.earliest),
                "value": day(value),
            }
        if value > self.latest(today):
            if not self.years_ahead:
                return _("The date cannot be in the future (%(value)s)") % {"value": day(value)}
            return ngettext(
                "The date cannot be more than %(years)d year ahead (%(value)s); check the year",
                "The date cannot be more than %(years)d years ahead (%(value)s); check the year",
                self.years_ahead,
            ) % {"years": self.years_ahead, "value": day(value)}
        return None


# A day that has come: a hire, a status change, a signature, an adoption.
PAST_DAYS = DayRange()
# A day something takes effect or ends, which may be planned some years ahead.
PLANNED_DAYS = DayRange(years_ahead=10)
# The last day of an agreement, which may run for decades.
EXPIRY_DAYS = DayRange(years_ahead=50)


def check_days(today: date, **fields: tuple[date | None, DayRange]) -> None:
    """Raise a ValidationError naming each field whose day falls outside its range."""
    errors = {}
    for name, (value, days) in fields.items():
        if value is not None and (problem := days.problem(value, today)):
            errors[name] = f"{problem}."
    if errors:
        raise ValidationError(errors)


def add_months(start: date, months: int) -> date:
    """The same day `months` later (the month's last day where that day does not exist).
    Dates people enter are checked against their range first, so the calendar's end (year
    9999) is never reached from a form; reaching it is a ValueError, never a wrong date."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if not date.min.year <= year <= date.max.year:
        raise ValueError(f"{months} months from {start.isoformat()} is past the calendar's end")
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
