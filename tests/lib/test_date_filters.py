"""Dates are written one way on every page, email and PDF: "Dec 2, 2026" (`onemind.lib.dates`),
through the template filters of `{% load dates %}`; machine formats stay ISO."""

import re
import zoneinfo
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

from onemind.lib import dates
from onemind.lib.date_filters import day, day_if_date, day_time

STAFF_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "staff"


def render(source: str, **context) -> str:
    return Template("{% load dates %}" + source).render(Context(context))


def test_a_date_a_time_and_the_iso_text_of_a_frozen_snapshot_read_alike():
    assert day(date(2026, 12, 2)) == "Dec 2, 2026"
    assert day("2026-12-02") == "Dec 2, 2026"  # as a submission's JSON holds it
    assert day(None) == day("") == day("not a date") == ""
    assert day_time(datetime(2026, 12, 2, 14, 5, 9, tzinfo=UTC)) == "Dec 2, 2026 14:05"
    assert day_time("2026-12-02T14:05:09+00:00", "seconds") == "Dec 2, 2026 14:05:09"


def test_a_time_is_written_in_the_zone_of_the_page():
    moment = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):
        assert (
            render("{{ t|day_time }} / {{ t|day }}", t=moment) == "Dec 1, 2026 19:30 / Dec 1, 2026"
        )


def test_the_audit_trail_writes_stored_dates_as_days_and_leaves_other_values_alone():
    assert day_if_date("2026-11-13") == "Nov 13, 2026"
    assert day_if_date("2026-12-02T14:05:09.123456+00:00") == "Dec 2, 2026 14:05:09"
    for value in ["2026-02-30", "VA0010000", "§ 2", 41, None, True, "2026-12-02 and more"]:
        assert day_if_date(value) == value


@pytest.mark.parametrize("template", sorted(STAFF_TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_staff_pages_format_no_date_of_their_own(template):
    """Through `day` and `day_time` only; an input's value and a `datetime` attribute, which
    machines read, stay ISO."""
    formats = re.findall(r"""\|date:["']([^"']*)["']""", template.read_text())
    assert set(formats) <= {"Y-m-d", "c"}, f"{template.name}: {formats}"


@pytest.mark.parametrize(
    "value",
    [date(2026, 3, 1), date(1950, 12, 31), datetime(2026, 12, 2, 9, 5, 7), datetime(2026, 7, 4)],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_days_and_times_read_as_django_writes_them(value, language):
    with translation.override(language):
        assert dates.day(value) == format_date(value, "M j, Y")
        if isinstance(value, datetime):
            assert dates.day_and_time(value) == format_date(value, "M j, Y H:i")
            assert dates.day_and_time(value, seconds=True) == format_date(value, "M j, Y H:i:s")
