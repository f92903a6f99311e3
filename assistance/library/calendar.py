"""The library's events as iCalendar (RFC 5545): the whole calendar for a feed, or one event
to add to a calendar; times given in the event's own time zone, which the file describes."""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from assistance.models import Event

PRODUCT_ID = "-//One Mind Pledge Tracker//Library events//EN"


def calendar_of(events: Iterable[Event], *, name: str) -> bytes:
    """An iCalendar file of `events`, their links made absolute with SITE_URL."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # A calendar's name is one line (an event's title may hold a line break).
    calendar.add("x-wr-calname", " ".join(name.split()))
    now = timezone.now()
    for event in events:
        calendar.add_component(_vevent(event, stamp=now))
    # The VTIMEZONE of each zone named by a TZID, as calendars need to read the times.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _vevent(event: Event, *, stamp: datetime) -> CalendarEvent:
    entry = CalendarEvent()
    # A UUID is unique everywhere, as RFC 7986 recommends a UID be; it never changes.
    entry.add("uid", str(event.public_id))
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.local_start)
    entry.add("dtend", event.local_end)
    entry.add("summary", event.title)
    description = event.summary
    if event.registration_url:
        description = f"{description}\n\n{event.registration_url}".strip()
    if description:
        entry.add("description", description)
    entry.add("url", settings.SITE_URL + event.get_absolute_url())
    entry.add("last-modified", event.updated_at)
    return entry
