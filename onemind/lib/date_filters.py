"""The template filters that write dates as `onemind.lib.dates` does, so that pages, emails
and PDFs say "Dec 2, 2026" alike: `{% load dates %}` then `{{ value|day }}` or
`{{ value|day_time }}` (`{{ value|day_time:"seconds" }}` for the audit trail).

They also take the ISO text of a frozen submission's JSON ("2026-12-02"), so a snapshot
reads like the live pages; machine formats (CSV cells, file names, `datetime` attributes)
stay ISO and do not come here.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django import template
from django.utils import timezone

from onemind.lib import dates

register = template.Library()


def _as_date(value) -> date | datetime | None:
    if isinstance(value, date):  # datetimes too
        return value
    if isinstance(value, str) and value:
        try:
            if "T" not in value:
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return None


@register.filter(expects_localtime=True)
def day(value) -> str:
    """Dec 2, 2026; empty for no date (use `|default:` for a dash)."""
    parsed = _as_date(value)
    return dates.day(parsed) if parsed is not None else ""


@register.filter(expects_localtime=True)
def day_time(value, precision: str = "") -> str:
    """Dec 2, 2026 14:05 in the active time zone; "seconds" adds them."""
    parsed = _as_date(value)
    if parsed is None:
        return ""
    if not isinstance(parsed, datetime):
        return dates.day(parsed)
    return dates.day_and_time(parsed, seconds=precision == "seconds")


# How `agencies.audit` stores a date or a time among an event's values: ISO text.
_STORED_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STORED_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[0-9:.+\-Z]*")


@register.filter
def day_if_date(value):
    """A value of the audit trail as people read it: a stored date or time written as the
    product writes them, anything else unchanged."""
    if isinstance(value, str):
        if _STORED_DAY.fullmatch(value):
            return day(value) or value  # not a real day (2026-02-30): as it is
        if _STORED_MOMENT.fullmatch(value):
            return day_time(value, "seconds") or value
    return value
