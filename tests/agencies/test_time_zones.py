"""Agency pages read times in the agency's time zone; staff pages, across agencies, in UTC
and say so."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from agencies import services
from tests.conftest import login
from tests.factories import ImportBatchFactory

# 03:30 UTC is still the evening before on the east coast.
UPLOADED_AT = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)


def imports_page(client, agency) -> str:
    response = client.get(reverse("import_list", kwargs={"agency_slug": agency.slug}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("zone", "uploaded_at", "shown"),
    [
        # Daylight saving time began on March 8; in January the clocks are an hour behind.
        ("America/New_York", UPLOADED_AT, "Mar 9, 2026 23:30"),
        ("America/New_York", UPLOADED_AT - timedelta(days=60), "Jan 8, 2026 22:30"),
        ("America/Los_Angeles", UPLOADED_AT, "Mar 9, 2026 20:30"),
        ("Europe/London", UPLOADED_AT, "Mar 10, 2026 03:30"),
    ],
)
def test_an_upload_shows_at_the_agencys_time(
    client, agency_a, coordinator, private_files, zone, uploaded_at, shown
):
    agency_a.time_zone = zone
    agency_a.save()
    with time_machine.travel(uploaded_at, tick=False):
        ImportBatchFactory(agency=agency_a, uploaded_by=coordinator)
    with time_machine.travel(UPLOADED_AT + timedelta(minutes=5), tick=False):
        login(client, coordinator)
        page = imports_page(client, agency_a)
    assert f'<td data-label="Uploaded">{shown}</td>' in page


def test_each_agency_sees_its_own_time(
    client, agency_a, agency_b, coordinator, coordinator_b, private_files
):
    agency_b.time_zone = "America/Chicago"
    agency_b.save()
    with time_machine.travel(UPLOADED_AT, tick=False):
        ImportBatchFactory(agency=agency_a, uploaded_by=coordinator)
        ImportBatchFactory(agency=agency_b, uploaded_by=coordinator_b)
        login(client, coordinator)
        assert '<td data-label="Uploaded">Mar 9, 2026 23:30</td>' in imports_page(client, agency_a)
        login(client, coordinator_b)
        assert '<td data-label="Uploaded">Mar 9, 2026 22:30</td>' in imports_page(client, agency_b)


def test_the_zone_ends_with_the_request(client, agency_a, coordinator, stranger):
    login(client, coordinator)
    client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_a.slug}))
    assert timezone.get_current_timezone_name() == "UTC"

    login(client, stranger)  # not a member: a 404 before any zone is entered
    client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_a.slug}))
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_audit_trail_names_the_zone_of_its_times(client, agency_a, coordinator, reviewer):
    with time_machine.travel(UPLOADED_AT, tick=False):
        services.agency_update(agency=agency_a, actor=coordinator, locality="Millbrook Village")
        login(client, coordinator)
        page = client.get(
            reverse("agency_audit", kwargs={"agency_slug": agency_a.slug})
        ).content.decode()
        assert "When (America/New_York)" in page and ">Mar 9, 2026 23:30:00</time>" in page

        login(client, reviewer, mfa=True)
        page = client.get(reverse("staff:audit")).content.decode()
        assert "When (UTC)" in page and ">Mar 10, 2026 03:30:00</time>" in page
