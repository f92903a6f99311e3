"""Events: listed upcoming first and past apart, in their own time zone with the zone
named, and as iCalendar that calendars read back at the right instant."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from assistance.models import Status
from tests.assistance.library.objects import local, make_event

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def calendar_of_events(db):
    """A webinar in Chicago's time, a training in Los Angeles's across the change to daylight
    saving time (Mar 14, 2027), one over, one draft."""
    return {
        "webinar": make_event(
            "Co-responders in rural counties",
            starts=local(2027, 3, 10, 13, zone="America/Chicago"),
            time_zone="America/Chicago",
        ),
        "training": make_event(
            "Train the CIT trainers",
            kind="training",
            starts=local(2027, 3, 16, 9, zone="America/Los_Angeles"),
            hours=8,
            time_zone="America/Los_Angeles",
        ),
        "past": make_event(
            "Dispatch and 9-8-8 together",
            starts=local(2027, 2, 1, 14, zone="America/New_York"),
            time_zone="America/New_York",
        ),
        "draft": make_event("Draft webinar", status=Status.DRAFT),
    }


def test_the_events_page_lists_upcoming_first_and_past_apart(client, calendar_of_events):
    page = client.get(reverse("event_list")).content.decode()

    upcoming, past = page.split('id="past-heading"')
    assert upcoming.index("Co-responders in rural counties") < upcoming.index(
        "Train the CIT trainers"
    )
    assert "Dispatch and 9-8-8 together" in past and "Dispatch and 9-8-8" not in upcoming
    assert "Draft webinar" not in page


def test_times_are_shown_in_the_events_zone_with_the_zone_named(client, calendar_of_events):
    page = client.get(calendar_of_events["webinar"].get_absolute_url()).content.decode()
    training = client.get(calendar_of_events["training"].get_absolute_url()).content.decode()

    assert "Wed, Mar 10, 2027, 1:00 PM</time> – <time" in page
    assert "2:30 PM</time> CST" in page and "Central time (Chicago, Winnipeg)" in page
    assert 'href="https://example.org/register"' in page
    # After the change to daylight saving time: PDT, and the hour as the clock reads it.
    assert "Tue, Mar 16, 2027, 9:00 AM" in training and "5:00 PM</time> PDT" in training


def test_a_past_event_offers_no_registration(client, calendar_of_events):
    page = client.get(calendar_of_events["past"].get_absolute_url()).content.decode()

    assert "This event is over." in page and "https://example.org/register" not in page


def test_a_draft_event_is_not_found(client, calendar_of_events):
    draft = calendar_of_events["draft"]
    assert client.get(draft.get_absolute_url()).status_code == 404
    ics = reverse("event_ics", kwargs={"event_id": draft.public_id})
    assert client.get(ics).status_code == 404


def test_the_library_shows_the_next_events(client, calendar_of_events):
    page = client.get(reverse("library")).content.decode()

    panel = page[page.index('id="upcoming-events-heading"') :]
    assert "Co-responders in rural counties" in panel and "Train the CIT trainers" in panel
    assert "Dispatch and 9-8-8 together" not in panel


def read_calendar(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(entry["summary"]): entry for entry in calendar.walk("VEVENT")}, calendar


def test_the_feed_holds_each_published_event_at_its_instant_in_its_zone(client, calendar_of_events):
    entries, calendar = read_calendar(client.get(reverse("events_feed")))

    assert set(entries) == {
        "Co-responders in rural counties",
        "Train the CIT trainers",
        "Dispatch and 9-8-8 together",
    }
    webinar = entries["Co-responders in rural counties"]
    assert str(webinar["uid"]) == str(calendar_of_events["webinar"].public_id)
    assert webinar["dtstart"].params["TZID"] == "America/Chicago"
    assert webinar["dtstart"].dt == datetime(2027, 3, 10, 19, 0, tzinfo=UTC)
    assert webinar["dtend"].dt - webinar["dtstart"].dt == timedelta(hours=1.5)
    assert str(webinar["url"]).endswith(calendar_of_events["webinar"].get_absolute_url())
    assert "https://example.org/register" in str(webinar["description"])
    training = entries["Train the CIT trainers"]
    assert training["dtstart"].params["TZID"] == "America/Los_Angeles"
    assert training["dtstart"].dt == datetime(2027, 3, 16, 16, 0, tzinfo=UTC)  # PDT, UTC-7
    zones = {str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")}
    assert {"America/Chicago", "America/Los_Angeles", "America/New_York"} <= zones


def test_one_events_calendar_file(client, calendar_of_events):
    event = calendar_of_events["training"]
    response = client.get(reverse("event_ics", kwargs={"event_id": event.public_id}))

    entries, _calendar = read_calendar(response)
    assert list(entries) == ["Train the CIT trainers"]
    assert entries["Train the CIT trainers"]["dtend"].dt == datetime(2027, 3, 17, 0, 0, tzinfo=UTC)


def test_a_title_with_a_line_break_still_makes_a_calendar(client, db):
    event = make_event("Webinar\r\nPart two", starts=local(2027, 3, 10, 13, zone="America/Chicago"))
    response = client.get(reverse("event_ics", kwargs={"event_id": event.public_id}))

    entries, calendar = read_calendar(response)
    assert list(entries) == ["Webinar\nPart two"]  # escaped in the file, read back whole
    assert calendar["x-wr-calname"] == "Webinar Part two"
